"""Every answer of the API that a test receives, checked against /api/v1/openapi.json.

``ApiClient`` is Django's test client plus one rule: each response to an address under
/api/v1/ is validated with openapi-core against the document the API serves (the
request, then the response). The document and the server must agree both ways: a
request the document allows is never refused with 400, and one it forbids never
succeeds. What the document cannot describe (an unknown address, a method it does not
declare, a CORS preflight) must get the API's fixed answer: 404, 405 with ``Allow``,
204.
"""

import functools
import gzip
import json
from math import isfinite

from django.test import Client, RequestFactory
from openapi_core import Config, OpenAPI
from openapi_core.contrib.django import DjangoOpenAPIRequest, DjangoOpenAPIResponse
from openapi_core.exceptions import OpenAPIError
from openapi_core.templating.paths.exceptions import OperationNotFound, PathNotFound

from partners.public import openapi

API = "/api/v1/"


class ContractError(AssertionError):
    pass


@functools.cache
def document_for(host_url: str) -> OpenAPI:
    """The document as served to ``host_url`` (its ``servers`` name the host), checked
    against the OpenAPI 3.1 specification when it is loaded."""
    scheme, host = host_url.split("://", 1)
    request = RequestFactory().get(API + "openapi.json", secure=scheme == "https", HTTP_HOST=host)
    config = Config(extra_media_type_deserializers={"application/geo+json": json.loads})
    return OpenAPI.from_dict(openapi.document(request), config=config)


class _Request(DjangoOpenAPIRequest):
    # The document's path templates are matched on the path itself: Django's route names
    # its parameters after the view's arguments (``pk``), the document after the API's (``id``).
    path_pattern = None

    def __init__(self, request, *, method=None):
        super().__init__(request)
        self.parameters.path = {}
        self._method = method

    @property
    def method(self) -> str:
        return self._method or super().method


class _Response(DjangoOpenAPIResponse):
    @property
    def data(self) -> bytes:
        if self.response.get("Content-Encoding") == "gzip":
            return gzip.decompress(self.response.content)
        return super().data


def check(response) -> None:
    """Raise ``ContractError`` unless ``response`` (from the test client) is what the
    API's document promises for the request that got it."""
    request = response.wsgi_request
    status = response.status_code
    where = f"{request.method} {request.get_full_path()} -> {status}"
    if request.method == "OPTIONS":
        if status != 204 or response.get("Access-Control-Allow-Origin") != "*":
            raise ContractError(f"{where}: a CORS preflight gets 204, open to every origin")
        return
    spec = document_for(request.build_absolute_uri("/").rstrip("/"))
    # HEAD is GET without a body: the document declares GET only, as is usual.
    head = request.method == "HEAD"
    asked = _Request(request, method="get" if head else None)
    result = spec.unmarshal_request(asked)
    if undescribed := [e for e in result.errors if isinstance(e, PathNotFound | OperationNotFound)]:
        _check_undescribed(response, where, undescribed[0])
        return
    # openapi-core reads a number with Python's float(), which takes `nan` and `inf`:
    # JSON has no such numbers, so the document allows neither.
    query = result.parameters.query if not result.errors else {}
    refused = result.errors or [
        name for name, value in query.items() if isinstance(value, float) and not isfinite(value)
    ]
    # The document's description refuses a NUL anywhere in the query (enlieusur/guards.py),
    # with 400 before any operation: no operation's own responses apply.
    if any("\x00" in key + "".join(values) for key, values in request.GET.lists()):
        if status != 400:
            raise ContractError(f"{where}: the document refuses a NUL byte with 400")
        return
    if refused and status not in {400, 404}:
        raise ContractError(f"{where}: the document refuses this request ({refused[0]})")
    if not refused and status == 400:
        raise ContractError(f"{where}: the document allows this request, the server refused it")
    if head:
        return
    try:
        spec.validate_response(asked, _Response(response))
    except OpenAPIError as error:
        details = getattr(error, "__cause__", None) or error
        raise ContractError(f"{where}: response outside the document: {details}") from error


def _check_undescribed(response, where: str, undescribed: Exception) -> None:
    if isinstance(undescribed, PathNotFound):
        if response.status_code != 404:
            raise ContractError(f"{where}: an address the document lacks must answer 404")
        return
    if response.status_code != 405 or "GET" not in response.get("Allow", ""):
        raise ContractError(f"{where}: a method the document lacks must answer 405 with Allow")


class ApiClient(Client):
    def request(self, **request):
        response = super().request(**request)
        if response.wsgi_request.path.startswith(API):
            check(response)
        return response

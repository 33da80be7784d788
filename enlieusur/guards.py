"""Refuses requests carrying a NUL byte, once for the whole site.

PostgreSQL cannot store U+0000 in text and answers an error, which Django turns into a
500: a NUL in a sticker number, a search or a form would reach a query unless every view
checked it. No page of ours accepts one, so this middleware answers before any view: 404
for a path (no URL holds a NUL), 400 with a plain page for a query string, form data or a
cookie (the session cookie is looked up in the database). The API answers in its own
JSON, in the client's language.
"""

from django.utils.translation import gettext
from django.views.defaults import bad_request, page_not_found

from partners.public import api

NUL = "\x00"
API_PREFIX = "/api/"


def _holds_nul(data) -> bool:
    """Whether a QueryDict or the cookies hold a NUL in a name or a value."""
    lists = data.lists() if hasattr(data, "lists") else ((k, [v]) for k, v in data.items())
    return any(NUL in key or any(NUL in value for value in values) for key, values in lists)


@api.api_view
def _api_bad_request(request):
    return api.error(gettext("A parameter holds a null character, which no text can contain."))


class RefuseNulBytesMiddleware:
    """Place it after LocaleMiddleware (the error pages speak the visitor's language) and
    before anything that reads the session or the database."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        in_api = request.path_info.startswith(API_PREFIX)
        if NUL in request.path_info:
            if in_api:
                return api.not_found(request, request.path_info)
            return page_not_found(request, exception=None)
        # request.POST parses form bodies only (urlencoded, multipart), as CSRF's check
        # already does; other bodies stay unread for their views.
        if _holds_nul(request.GET) or _holds_nul(request.POST) or _holds_nul(request.COOKIES):
            return _api_bad_request(request) if in_api else bad_request(request, exception=None)
        return self.get_response(request)

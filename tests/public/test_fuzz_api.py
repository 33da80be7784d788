"""Hypothesis drives the public API's parameters: never a 500, never a private field,
never a written row."""

import json
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from partners.models import Partner, PartnerEvent
from tests.factories import PartnerFactory
from tests.openapi_check import ApiClient

PARAMETERS = ["lat", "lon", "limit", "kind", "open_now", "bbox", "page", "format", "q"]
VALUES = st.one_of(
    st.text(max_size=40),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.sampled_from(["", "null", "1e309", "-0", "48.85,2.35", "' OR 1=1 --", "%00", "\x00"]),
)
QUERIES = st.lists(st.tuples(st.sampled_from(PARAMETERS), VALUES), max_size=6)


@pytest.mark.django_db
@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=QUERIES)
def test_geojson_answers_any_query_string(query):
    if not Partner.objects.exists():
        PartnerFactory(approved=True, name="Lieu public")
        PartnerFactory(name="Candidature privée", contact_email="secret@example.org")
    partners, events = Partner.objects.count(), PartnerEvent.objects.count()

    response = ApiClient().get("/api/v1/partners.geojson?" + urlencode(query))

    assert response.status_code < 500
    if response.status_code == 200:
        data = json.loads(response.content)
        assert [f["properties"]["name"] for f in data["features"]] == ["Lieu public"]
        assert b"secret@example.org" not in response.content
        assert b"contact" not in response.content
    assert (Partner.objects.count(), PartnerEvent.objects.count()) == (partners, events)

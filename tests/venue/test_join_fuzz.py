"""Hundreds of generated submissions: never a 500, never a row from an invalid one."""

import uuid
from urllib.parse import quote

import hypothesis
import pytest
from django.http import QueryDict
from hypothesis import HealthCheck, given
from hypothesis import strategies as st

from partners.domain import links
from partners.models import Charter, Partner
from partners.venue.forms import JoinForm
from tests.factories import PartnerFactory
from tests.join_helpers import quick_forms  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("quick_forms", "no_rate_limits")]


@pytest.fixture
def no_rate_limits(settings):
    settings.JOIN_RATE_LIMIT = settings.LINK_REQUEST_RATE_LIMIT = settings.LOCATE_RATE_LIMIT = 10**6


VALID = {
    "name": "Bar Le Refuge",
    "kind": "bar_restaurant",
    "siret": "73282932000074",
    "address": "4 quai de la Darse",
    "postcode": "97200",
    "city": "Fort-de-France",
    "phone": "0596 70 12 34",
    "website": "refuge.example.fr",
    "email": "bar@example.fr",
    "step_free": "on",
    "languages": "français, créole",
    "opens_5_0": "18:00",
    "closes_5_0": "02:00",
    "lat": "14.6037",
    "lon": "-61.0668",
    "contact_name": "Alix",
    "contact_email": "alix@example.org",
    "contact_phone": "0696 12 34 56",
    "accept_charter": "on",
    "accept_privacy": "on",
}
TRICKY = [
    "",
    " ",
    "0",
    "-1",
    "nan",
    "inf",
    "1e308",
    "99999",
    "24:00",
    "23:59",
    "00:00",
    "'; DROP TABLE partners_partner; --",
    "<script>alert(1)</script>",
    "\x00",
    "é" * 300,
    "https://",
    "javascript:alert(1)",
    "+590 590 12 34 56",
    "2A004",
    "20000",
    "97133",
    "98800",
    "on",
]
text = st.text(st.characters(exclude_categories=("Cs",)), max_size=60)


def holds_nul(data: dict) -> bool:
    values = [v for value in data.values() for v in (value if isinstance(value, list) else [value])]
    return any("\x00" in str(v) for v in [*data, *values])


value = st.one_of(st.sampled_from(TRICKY), text, st.text(min_size=150, max_size=800))
FIELDS = [
    *VALID,
    "accessibility_note",
    "welcome_note",
    "contact_role",
    "closed_1",
    "opens_1_0",
    "closes_1_0",
    "opens_1_1",
    "closes_1_1",
    "opens_1_5",
    "opens_2_9",
    "homepage",
    "charter_version",
    "submission_key",
]
# Each field is kept valid, replaced by a generated value, or left out.
mutations = st.dictionaries(st.sampled_from(FIELDS), st.one_of(st.none(), value), max_size=6)


@hypothesis.settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(mutations=mutations, lists=st.booleans())
def test_generated_applications_never_fail_and_never_store_invalid_rows(client, mutations, lists):
    data = {
        **VALID,
        "rendered": JoinForm.stamp(),
        "submission_key": str(uuid.uuid4()),
        "charter_version": str(Charter.current().version),
    }
    for field, new in mutations.items():
        if new is None:
            data.pop(field, None)
        else:
            data[field] = [new, new] if lists else new
    before = Partner.objects.count()
    posted = QueryDict(mutable=True)
    for field, values in data.items():
        posted.setlist(field, values if isinstance(values, list) else [values])
    form_valid = JoinForm(posted).is_valid()
    response = client.post("/rejoindre/formulaire/", data)
    # A NUL byte is refused for the whole site before any form (enlieusur/guards.py).
    assert response.status_code in ((400,) if holds_nul(data) else (200, 302))
    stored = Partner.objects.count() - before
    if response.status_code == 302:
        assert form_valid
        assert stored == 1
        partner = Partner.objects.latest("pk")
        partner.full_clean(exclude=["charter"])  # what was stored passes the model's own rules
    else:
        assert stored == 0


@hypothesis.settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(fields=st.dictionaries(st.sampled_from(FIELDS), value, max_size=8))
def test_generated_updates_and_lookups_never_fail(client, fields):
    partner = PartnerFactory.build()
    partner.save()
    token = links.make_token(partner, links.SELFSERVICE)
    # A NUL byte is refused for the whole site before any view (enlieusur/guards.py).
    refused = holds_nul(fields)
    email = {"email": fields.get("email", "")}
    assert client.post(f"/mon-lieu/{token}/modifier/", fields).status_code in (
        (400,) if refused else (200, 302)
    )
    assert client.post("/mon-lieu/", email).status_code == (400 if holds_nul(email) else 200)
    assert client.get("/rejoindre/localiser/", fields).status_code in (
        (400,) if refused else (200, 404)
    )
    reference = quote(fields.get("name", ""), safe="")
    assert client.get(f"/rejoindre/merci/{reference}/").status_code in (200, 404)

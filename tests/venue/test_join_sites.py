"""Multi-site applications: a town hall applies for several buildings at once. Shared
organisation, kind, SIRET and contact; each site its own address, hours, closures and pin,
and a pending partner of its own; one rate-limit hit, one email each way."""

import collections
import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache

from partners.models import Partner, PinSource, Status
from partners.services import applications, selfservice
from partners.venue.forms import MAX_SITES
from tests.join_helpers import application, quick_forms  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("quick_forms")]

# Tuesday 1 December 2026, noon in Paris (the clock runs: the form may not be sent in no time).
NOW = datetime.datetime(2026, 12, 1, 11, 0, tzinfo=datetime.UTC)
# Paris's arrondissements: one town, many postcodes, each a site of the town hall.
POSTCODES = ["75001", "75002", "75003", "75004", "75005", "75006", "75007"]


def site(key: int, **overrides) -> dict:
    """A further site's fields, as the form posts them (no pin: placed from its town)."""
    fields = {
        "name": f"Mairie annexe {key}",
        "address": f"{key} place de la Mairie",
        "postcode": POSTCODES[key % len(POSTCODES)],
        "city": "Paris",
        "phone": "01 44 00 00 0" + str(key % 10),
        f"opens_{key % 6 + 1}_0": "09:00",
        f"closes_{key % 6 + 1}_0": "17:00",
    }
    fields.update(overrides)
    return {f"site{key}-{name}": value for name, value in fields.items() if value is not None}


def multi(client, keys, **overrides) -> dict:
    """A valid application for site 1 and the further sites ``keys``."""
    data = application(
        client, organisation="Ville de Paris", name="Hôtel de Ville", kind="town_hall", siret=""
    )
    data["sites"] = [str(key) for key in keys]
    for key in keys:
        data |= site(key)
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_two_sites_become_two_unconfirmed_partners_of_one_application(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/rejoindre/formulaire/", multi(client, [2]))
    first, second = Partner.objects.order_by("pk")
    assert response.status_code == 302
    assert response["Location"] == f"/rejoindre/merci/{first.reference}/"
    assert first.application_key is not None
    assert first.application_key == second.application_key
    assert first.submission_key == first.application_key
    assert second.submission_key is None
    for partner in (first, second):
        assert partner.status == Status.UNCONFIRMED
        assert partner.organisation == "Ville de Paris"
        assert partner.kind == "town_hall"
        assert partner.contact_email == "camille@example.org"
        assert str(partner.contact_phone) == "+33612345678"
        assert partner.charter is not None
    assert (second.name, second.address, second.postcode) == (
        "Mairie annexe 2",
        "2 place de la Mairie",
        "75003",
    )
    assert str(second.phone) == "+33144000002"
    assert [(i.weekday, f"{i.opens:%H:%M}") for i in second.opening_intervals.all()] == [
        (3, "09:00")
    ]
    # The pin rules hold per site: site 1 placed its pin, site 2 is at its town's centre.
    assert first.pin_source == PinSource.VENUE
    assert second.pin_source == PinSource.TOWN

    (email,) = mail.outbox
    assert email.to == ["camille@example.org"]
    assert "Ville de Paris" in email.body
    assert "2 sites" in email.body
    assert first.reference in email.body
    assert second.reference in email.body
    assert "Mairie annexe 2" in email.alternatives[0].content
    assert len(re.findall(r"/rejoindre/confirmer/", email.body)) == 1

    thanks = client.get(response["Location"]).content.decode()
    assert first.reference in thanks
    assert second.reference in thanks
    # The thanks page is public: references only, not the sites' names.
    assert "Mairie annexe 2" not in thanks


def test_six_sites_sharing_a_siret_are_not_each_others_duplicates(client):
    data = multi(client, [2, 3, 4, 5, 6], kind="shop", siret="73282932000074")
    response = client.post("/rejoindre/formulaire/", data)
    assert response.status_code == 302
    partners = list(Partner.objects.order_by("pk"))
    assert len(partners) == 6
    assert len({p.application_key for p in partners}) == 1
    assert {p.siret for p in partners} == {"73282932000074"}
    assert not any(p.possible_duplicate for p in partners)
    assert [p.name for p in partners[0].application_sites()] == [
        "Hôtel de Ville",
        *[f"Mairie annexe {key}" for key in range(2, 7)],
    ]


def test_a_site_sharing_the_siret_of_another_application_is_a_likely_duplicate(client):
    client.post("/rejoindre/formulaire/", application(client))
    data = multi(client, [2], kind="shop", siret="73282932000074")
    client.post("/rejoindre/formulaire/", data)
    first, second = Partner.objects.exclude(application_key=None).order_by("pk")
    assert first.possible_duplicate
    assert second.possible_duplicate


def test_one_application_of_six_sites_counts_once_against_the_rate_limit(client, settings):
    settings.JOIN_RATE_LIMIT = 1
    response = client.post("/rejoindre/formulaire/", multi(client, [2, 3, 4, 5, 6]))
    assert response.status_code == 302
    assert Partner.objects.count() == 6
    refused = client.post("/rejoindre/formulaire/", application(client))
    assert refused.status_code == 429
    assert Partner.objects.count() == 6


def test_adding_and_removing_sites_sends_nothing_and_spends_no_budget(client, settings):
    settings.JOIN_RATE_LIMIT = 1
    data = multi(client, [], organisation="Ville de Paris", add_site="1")
    response = client.post("/rejoindre/formulaire/", data)
    html = response.content.decode()
    assert response.status_code == 200
    assert Partner.objects.count() == 0
    assert "Site 2</legend>" in html
    assert 'name="sites" value="2"' in html
    # Named after the organisation at first, and where the focus starts.
    assert re.search(r'<input[^>]*name="site2-name"[^>]*value="Ville de Paris"', html)
    assert re.search(r'<input[^>]*name="site2-name"[^>]*autofocus', html)
    # Nothing typed is lost, and no error is shown yet.
    assert 'value="Camille Martin"' in html
    assert 'value="12 rue de la Roquette"' in html
    assert "error-summary" not in html
    assert "aria-invalid" not in html

    data = multi(client, [2, 3], remove_site="2")
    html = client.post("/rejoindre/formulaire/", data).content.decode()
    assert 'name="sites" value="2"' not in html
    assert 'name="site2-name"' not in html
    # Site 3 is now the second: its legend says so, its answers are kept.
    assert re.search(r'id="site3-site".*?<legend>Site 2</legend>', html, re.S)
    assert 'value="Mairie annexe 3"' in html

    assert client.post("/rejoindre/formulaire/", multi(client, [2])).status_code == 302


def test_errors_in_site_3_are_shown_beside_its_fields_and_linked_from_the_summary(client):
    data = multi(client, [2, 3])
    data |= site(3, postcode="99999", opens_4_0="25:00")
    data |= {"city": "Lyon", "contact_email": "camille@"}
    response = client.post("/rejoindre/formulaire/", data)
    html = response.content.decode()
    assert response.status_code == 200
    assert Partner.objects.count() == 0
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S)[0]
    assert '<a href="#id_site3-postcode">Site 3, Code postal : ' in summary
    assert 'href="#id_site3-opens_4_0"' in summary
    assert "site2" not in summary
    # Site 1's fields are named so too; the application's are not.
    assert '<a href="#id_city">Site 1, Commune : ' in summary
    assert '<a href="#id_contact_email">Votre e-mail : ' in summary
    assert re.search(
        r'<input[^>]*name="site3-postcode"[^>]*value="99999"[^>]*aria-invalid="true"'
        r'|<input[^>]*aria-invalid="true"[^>]*name="site3-postcode"[^>]*value="99999"',
        html,
    )
    # Everything typed is still there, for every site.
    assert 'value="Mairie annexe 2"' in html
    assert 'value="Mairie annexe 3"' in html
    assert 'value="Ville de Paris"' in html
    assert "<title>Erreur" in html


def closures(partner):
    return [(f"{c.starts}", f"{c.ends}", c.reason) for c in partner.closures.all()]


@time_machine.travel(NOW)
def test_each_site_of_an_application_keeps_its_own_closures(client):
    data = multi(
        client,
        [2],
        closure_starts_0="2026-12-24",
        closure_ends_0="2026-12-26",
        closure_reason_0="congés",
    )
    # Site 2: its own closures, its third row given with its second left empty (it is
    # counted from site 2's own rows, not site 1's).
    data |= site(
        2,
        closure_starts_0="2027-02-01",
        closure_ends_0="2027-02-14",
        closure_reason_0="travaux",
        closure_starts_2="01/05/2027",
    )
    response = client.post("/rejoindre/formulaire/", data)
    html = response.content.decode()
    assert response.status_code == 302, html[html.find("error-summary") :][:1500]
    first, second = Partner.objects.order_by("pk")
    assert closures(first) == [("2026-12-24", "2026-12-26", "congés")]
    assert closures(second) == [
        ("2027-02-01", "2027-02-14", "travaux"),
        ("2027-05-01", "2027-05-01", ""),
    ]


@time_machine.travel(NOW)
def test_a_sites_bad_closure_is_named_after_its_site_and_nothing_is_recorded(client):
    data = multi(client, [2, 3], closure_starts_2="2026-12-24")
    data |= site(3, closure_starts_0="2026-12-26", closure_ends_0="2026-12-24")
    data |= {"closure_ends_2": "2026-12-20"}
    html = client.post("/rejoindre/formulaire/", data).content.decode()
    assert Partner.objects.count() == 0
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S)[0]
    assert (
        '<a href="#id_site3-closure_ends_0">Site 3, Fermeture 1 : dernier jour : '
        "Le dernier jour ne peut pas précéder le premier."
    ) in summary
    # Site 1 shows more closure rows than the others: its third is named "Site 1" too.
    assert '<a href="#id_closure_ends_2">Site 1, Fermeture 3 : dernier jour : ' in summary
    assert "site2" not in summary
    # Each site's rows, as typed, under its own names.
    assert re.search(r'<input[^>]*name="site3-closure_starts_0"[^>]*value="2026-12-26"', html)
    assert re.search(r'<input[^>]*name="closure_starts_2"[^>]*value="2026-12-24"', html)


def test_a_site_added_without_the_script_has_its_own_closure_rows(client):
    data = multi(client, [2], closure_starts_0="2026-12-24", add_site="1")
    html = client.post("/rejoindre/formulaire/", data).content.decode()
    page, template = html.split('<template id="site-template">')
    for key in (2, 3):
        assert f'<fieldset class="closures" id="site{key}-closures"' in page
        for index in (0, 1):
            assert f'name="site{key}-closure_starts_{index}"' in page
    assert 'name="site3-closure_starts_2"' not in page
    # Ids are unique in the page, and the script's blank site has its own to fill in.
    ids = collections.Counter(re.findall(r' id="([^"]+)"', page))
    assert [name for name, count in ids.items() if count > 1] == []
    assert 'id="site__key__-closures"' in template
    assert 'name="site__key__-closure_starts_0"' in template
    assert 'value="2026-12-24"' not in template


def test_an_application_holds_twenty_sites_at_most(client):
    keys = list(range(2, MAX_SITES + 1))
    data = multi(client, keys, add_site="1")
    html = client.post("/rejoindre/formulaire/", data).content.decode()
    assert f'name="sites" value="{MAX_SITES + 1}"' not in html
    assert re.search(r'<p id="sites-full" class="help">\s*Une candidature compte 20 sites', html)
    assert re.search(r'<button[^>]*name="add_site"[^>]* hidden', html)

    data = multi(client, [*keys, MAX_SITES + 1])
    response = client.post("/rejoindre/formulaire/", data)
    assert response.status_code == 200
    assert "Une candidature compte 20 sites au plus" in response.content.decode()
    assert Partner.objects.count() == 0

    assert client.post("/rejoindre/formulaire/", multi(client, keys)).status_code == 302
    assert Partner.objects.count() == MAX_SITES


def test_a_retried_multi_site_submission_records_nothing_more(client):
    data = multi(client, [2, 3])
    first = client.post("/rejoindre/formulaire/", data)
    again = client.post("/rejoindre/formulaire/", data)
    assert again["Location"] == first["Location"]
    assert Partner.objects.count() == 3


def test_the_one_link_confirms_every_site_and_staff_get_one_email(
    client, settings, django_capture_on_commit_callbacks
):
    settings.STAFF_NOTIFICATION_EMAILS = ["equipe@flag.example"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/rejoindre/formulaire/", multi(client, [2, 3]))
    link = re.search(r"http://\S+(/rejoindre/confirmer/\S+/)", mail.outbox[0].body)[1]
    mail.outbox.clear()
    page = client.get(link).content.decode()
    assert "Elle compte 3 sites" in page
    assert "Mairie annexe 3, Paris" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(link)
    sites = list(Partner.objects.order_by("pk"))
    assert {p.status for p in sites} == {Status.PENDING}
    assert all(p.confirmed_at for p in sites)
    (to_venue,) = [m for m in mail.outbox if m.to == ["camille@example.org"]]
    (to_staff,) = [m for m in mail.outbox if m.to == ["equipe@flag.example"]]
    assert len(mail.outbox) == 2
    assert len(re.findall(r"/mon-lieu/\S+", to_venue.body)) == 3
    assert "3 sites" in to_staff.subject
    for partner in sites:
        assert partner.reference in to_staff.body
        assert f"/partners/partner/{partner.pk}/change/" in to_staff.body
    # The link is spent.
    assert client.post(link).status_code == 400


def test_a_lost_link_is_sent_once_for_the_whole_application(
    client, django_capture_on_commit_callbacks
):
    client.post("/rejoindre/formulaire/", multi(client, [2, 3]))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        selfservice.send_links_to_contact(email="camille@example.org")
    (email,) = mail.outbox
    assert "3 sites" in email.body


def test_a_second_confirmation_of_the_application_changes_and_sends_nothing(
    client, django_capture_on_commit_callbacks
):
    client.post("/rejoindre/formulaire/", multi(client, [2]))
    first, second = Partner.objects.order_by("pk")
    applications.confirm_email(partner=second)
    mail.outbox.clear()
    cache.clear()
    with django_capture_on_commit_callbacks(execute=True):
        applications.confirm_email(partner=second)
    assert mail.outbox == []
    first.refresh_from_db()
    assert first.status == Status.PENDING


def test_sites_are_added_in_english_too(client):
    data = multi(client, [2], add_site="1")
    html = client.post("/en/rejoindre/formulaire/", data).content.decode()
    assert "<legend>Site 3</legend>" in html
    assert "Remove site 3" in html
    assert "Add another site" in html
    assert "Ajouter" not in html

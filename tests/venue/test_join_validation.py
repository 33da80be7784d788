"""Every rule of the application form, with the French message shown next to the field."""

import re

import pytest
from django.utils.html import escape

from partners.models import Partner
from tests.join_helpers import application, quick_forms  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("quick_forms")]


def post(client, **overrides):
    response = client.post("/rejoindre/formulaire/", application(client, **overrides))
    return response, response.content.decode()


def field_errors(html: str, field: str) -> str:
    """The error list rendered for a field (the element its aria-describedby names)."""
    match = re.search(rf'<ul class="errorlist" id="id_{field}_error">(.*?)</ul>', html, re.S)
    return match[1] if match else ""


RULES = [
    ({"name": ""}, "name", "Ce champ est obligatoire."),
    ({"name": "x" * 201}, "name", "au plus 200 caractères"),
    ({"kind": "casino"}, "kind", "Sélectionnez un choix valide"),
    ({"siret": ""}, "siret", "Une entreprise ou un commerce doit indiquer son numéro SIRET."),
    ({"siret": "73282932000075"}, "siret", "Ce numéro SIRET n'est pas valide"),
    ({"siret": "7328293200"}, "siret", "Un SIRET a 14 chiffres."),
    ({"address": ""}, "address", "Ce champ est obligatoire."),
    ({"address": "a" * 251}, "address", "au plus 250 caractères"),
    ({"postcode": "7501"}, "postcode", "Un code postal a cinq chiffres, comme 75011."),
    ({"postcode": "ABCDE"}, "postcode", "Un code postal a cinq chiffres"),
    ({"postcode": "00000"}, "postcode", "Ce code postal n'existe pas : vérifiez-le."),
    ({"city": "Lyon"}, "city", "Cette commune ne correspond pas au code postal 75011 (Paris)."),
    ({"city": "c" * 121}, "city", "au plus 120 caractères"),
    ({"phone": "12345"}, "phone", "Saisissez un numéro de téléphone valide"),
    ({"phone": "0590 82 12 34"}, "phone", "Saisissez un numéro de téléphone valide"),
    ({"website": "pas un site"}, "website", "Saisissez une adresse web comme"),
    ({"website": "https://" + "a" * 300 + ".fr"}, "website", "au plus 300 caractères"),
    ({"email": "arobase@"}, "email", "Saisissez une adresse e-mail comme"),
    ({"accessibility_note": "n" * 301}, "accessibility_note", "au plus 300 caractères"),
    ({"welcome_note": "w" * 601}, "welcome_note", "au plus 600 caractères"),
    ({"languages": ", ".join(f"langue{i}" for i in range(21))}, "languages", "20 langues au plus"),
    ({"languages": "l" * 41}, "languages", "40 caractères au plus"),
    ({"opens_1_0": "25:00"}, "opens_1_0", "Saisissez une heure comme 09:30."),
    ({"closes_1_0": ""}, "closes_1_0", "Indiquez aussi l'heure de fermeture."),
    ({"opens_1_0": ""}, "opens_1_0", "Indiquez aussi l'heure d'ouverture."),
    ({"closes_1_0": "10:00"}, "closes_1_0", "doit être différente de l'heure d'ouverture"),
    ({"closes_1_0": "09:30"}, "closes_1_0", "fermeture après minuit, à 08:00 au plus tard"),
    ({"closed_1": "on"}, "closed_1", "Vous avez coché « fermé » mais indiqué des horaires"),
    ({"opens_2_1": "12:30"}, "opens_2_1", "Ce créneau chevauche un autre créneau du même jour."),
    (
        {
            "opens_1_0": "",
            "closes_1_0": "",
            "opens_2_0": "",
            "closes_2_0": "",
            "opens_2_1": "",
            "closes_2_1": "",
        },
        "opens_1_0",
        "au moins un créneau dans la semaine",
    ),
    ({"lat": ""}, "lat", "Indiquez la latitude et la longitude, ou aucune des deux"),
    ({"lon": ""}, "lon", "Indiquez la latitude et la longitude, ou aucune des deux"),
    ({"lat": "nord"}, "lat", "Saisissez un nombre."),
    ({"lat": "95"}, "lat", "inférieure ou égale à 90"),
    ({"lat": "40.4168", "lon": "-3.7038"}, "lat", "Ce point est hors de France et des territoires"),
    ({"lat": "16.2411", "lon": "-61.5331"}, "lat", "Ce point n'est pas en France métropolitaine"),
    ({"contact_name": ""}, "contact_name", "Ce champ est obligatoire."),
    ({"contact_name": "n" * 151}, "contact_name", "au plus 150 caractères"),
    ({"contact_role": "r" * 101}, "contact_role", "au plus 100 caractères"),
    ({"contact_email": ""}, "contact_email", "Ce champ est obligatoire."),
    ({"contact_email": "camille"}, "contact_email", "Saisissez une adresse e-mail comme"),
    ({"contact_phone": ""}, "contact_phone", "Indiquez un numéro où nous pouvons vous joindre."),
    ({"contact_phone": "06 12"}, "contact_phone", "Saisissez un numéro de téléphone valide"),
    ({"accept_charter": None}, "accept_charter", "Acceptez la charte pour rejoindre le réseau."),
    ({"accept_privacy": None}, "accept_privacy", "Acceptez la politique de confidentialité"),
]


@pytest.mark.parametrize(("overrides", "field", "message"), RULES)
def test_each_rule_shows_its_message_next_to_the_field(client, overrides, field, message):
    response, html = post(client, **overrides)
    assert response.status_code == 200
    assert Partner.objects.count() == 0
    assert escape(message) in field_errors(html, field), field_errors(html, field)
    # The field points at its message, and the summary at the top links to the field.
    assert re.search(rf'id="id_{field}"[^>]*aria-invalid="true"', html) or re.search(
        rf'aria-invalid="true"[^>]*id="id_{field}"', html
    )
    assert (
        f'aria-describedby="id_{field}' in html
        or f"id_{field}_error" in re.search(rf'<[^>]*id="id_{field}"[^>]*>', html)[0]
    )
    assert f'href="#id_{field}"' in html
    assert html.index('class="error-summary"') < html.index("<form")


def test_the_summary_joins_each_label_to_its_message_with_one_mark(client):
    """The summary reads "label : message": a label ending a sentence would give ". :"."""
    response, html = post(client, accept_charter="", accept_privacy="")
    assert response.status_code == 200
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S)[0]
    assert escape("J'ai lu la charte ci-dessus et j'y engage le lieu : Acceptez") in summary
    assert escape("J'ai lu la politique de confidentialité : Acceptez") in summary
    assert not re.search(r"[.!?:]\s*:", summary), summary


def test_a_library_needs_no_siret(client):
    response, _html = post(client, kind="library", siret="")
    assert response.status_code == 302
    assert Partner.objects.get().siret == ""


def test_a_siret_may_be_typed_with_spaces(client):
    post(client, siret="732 829 320 00074")
    assert Partner.objects.get().siret == "73282932000074"


def test_an_interval_past_midnight_is_accepted(client):
    response, _html = post(client, opens_5_0="18:00", closes_5_0="02:00")
    assert response.status_code == 302
    interval = Partner.objects.get().opening_intervals.get(weekday=5)
    assert interval.overnight


def test_a_paris_district_name_matches_its_postcode(client):
    response, _html = post(client, city="Paris 11e Arrondissement")
    assert response.status_code == 302


def test_a_mainland_mobile_is_accepted_as_contact_phone_overseas(client):
    response, _html = post(
        client,
        postcode="97110",
        city="Pointe-à-Pitre",
        phone="0590 82 12 34",
        lat="16.2411",
        lon="-61.5331",
        contact_phone="06 12 34 56 78",
    )
    assert response.status_code == 302
    assert str(Partner.objects.get().contact_phone) == "+33612345678"


def test_the_form_comes_back_with_everything_typed(client):
    data = application(
        client,
        contact_email="pas-une-adresse",
        opens_3_0="08:00",
        closes_3_0="12:00",
        opens_3_2="20:00",
        closes_3_2="23:00",
        welcome_note="Bienvenue <à> tous",
    )
    response = client.post("/rejoindre/formulaire/", data)
    html = response.content.decode()
    assert response.status_code == 200
    for name, value in [
        ("name", "Librairie Les Mots Libres"),
        ("siret", "73282932000074"),
        ("address", "12 rue de la Roquette"),
        ("postcode", "75011"),
        ("city", "Paris"),
        ("phone", "01 43 55 66 77"),
        ("lat", "48.8551"),
        ("lon", "2.374"),
        ("opens_2_1", "14:00"),
        ("closes_2_1", "19:00"),
        ("opens_3_2", "20:00"),  # a third interval the script added
        ("closes_3_2", "23:00"),
        ("contact_name", "Camille Martin"),
        ("contact_email", "pas-une-adresse"),
    ]:
        assert re.search(rf'name="{name}" value="{re.escape(value)}', html), name
    assert re.search(r'name="closed_7"[^>]*checked', html)
    assert re.search(r'name="step_free"[^>]*checked', html)
    assert re.search(r'name="accept_charter"[^>]*checked', html)
    assert '<option value="shop" selected>' in html
    assert "Bienvenue &lt;à&gt; tous</textarea>" in html
    # The same submission key comes back: sending again still creates one application.
    assert f'name="submission_key" value="{data["submission_key"]}"' in html

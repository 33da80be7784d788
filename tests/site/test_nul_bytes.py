"""A NUL byte never reaches PostgreSQL (which refuses it in text): every URL of the
URLconf, public, API and admin, with a NUL in each path segment, in its query string and
in its form data, answers a clear 404 or 400, never a 500."""

from urllib.parse import quote

import pytest
from django.test import Client

from tests.factories import PartnerFactory
from tests.urlwalk import every_path, is_staff_path

pytestmark = pytest.mark.django_db

# The parameter names the site's views and the admin read, and one nobody reads.
PARAMETERS = ["q", "number", "lat", "lon", "kind", "limit", "page", "next", "email", "reason"]
PARAMETERS += ["message", "o", "p", "status__exact", "action", "_selected_action", "unused"]


def with_nul_in_each_segment(path: str) -> list[str]:
    segments = path.split("/")
    return [
        "/".join([*segments[:i], quote(segments[i] + "\x00x"), *segments[i + 1 :]])
        for i in range(1, len(segments))
    ]


def walk(client: Client, paths) -> None:
    nul = {name: "a\x00b" for name in PARAMETERS}
    for path in paths:
        for changed in with_nul_in_each_segment(path):
            assert client.get(changed).status_code == 404, changed
        for method in (client.get, client.post):
            response = method(path, nul)
            # The API accepts GET and HEAD only, and says so before anything else.
            refused = 405 if path.startswith("/api/") and method == client.post else 400
            assert response.status_code == refused, (method.__name__, path)
        response = client.get(path, {"name\x00": "value"})
        assert response.status_code == 400, path


def test_a_nul_in_a_sticker_number_is_a_clear_not_found(client):
    response = Client(raise_request_exception=False).get("/verif/75-00100%00/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


def test_a_nul_in_a_query_or_a_form_is_a_clear_bad_request():
    client = Client(raise_request_exception=False)
    for response in (
        client.get("/lieux/", {"q": "Paris\x00"}),
        client.post("/mon-lieu/", {"email": "a\x00@example.org"}),
    ):
        assert response.status_code == 400
        assert '<html lang="fr">' in response.content.decode()
        assert "caractère nul" in response.content.decode()
    english = client.get("/en/lieux/", {"q": "Paris\x00"})
    assert english.status_code == 400
    assert "null character" in english.content.decode()


def test_the_api_refuses_a_nul_in_its_own_json_and_language():
    client = Client(raise_request_exception=False)
    response = client.get("/api/v1/partners/nearest", {"lat": "48.8", "lon": "2.3\x00"})
    assert response.status_code == 400
    assert response.json() == {
        "error": "Un paramètre contient un caractère nul, qu’aucun texte ne peut contenir."
    }
    english = client.get("/api/v1/places", {"q": "\x00"}, headers={"accept-language": "en"})
    assert english.json()["error"].startswith("A parameter holds a null character")
    assert client.get("/api/v1/partners/1%00").json()["error"]


def test_every_public_and_api_url_refuses_a_nul():
    partner = PartnerFactory(approved=True)
    paths = [p for p in every_path(sample_id=partner.pk) if not is_staff_path(p)]
    walk(Client(raise_request_exception=False), paths)


def test_every_admin_url_refuses_a_nul(staff_client, totp_device):
    partner = PartnerFactory(approved=True)
    paths = set(filter(is_staff_path, every_path(sample_id=totp_device.pk)))
    paths |= {p for p in every_path(sample_id=partner.pk) if "/partners/partner/" in p}
    staff_client.raise_request_exception = False
    walk(staff_client, sorted(paths))


def test_a_nul_in_the_session_cookie_is_refused(staff_client):
    staff_client.raise_request_exception = False
    staff_client.cookies["sessionid"] = "abcdefgh\x00ijklmnop"
    assert staff_client.get("/admin/").status_code == 400

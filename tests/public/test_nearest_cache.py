"""The nearest search's answers, shared through the cache: one per position, filters,
language and minute, under the public version (partners/public/api.py)."""

import datetime

import pytest
import time_machine
from django.core.cache import cache

from partners.models import Status
from tests.factories import PartnerFactory, every_day

pytestmark = pytest.mark.django_db

NEAREST = "/api/v1/partners/nearest?lat=48.857&lon=2.352"
TUESDAY_NOON = datetime.datetime(2026, 12, 1, 11, 0, tzinfo=datetime.UTC)


@pytest.fixture
def partners():
    near = [PartnerFactory(approved=True, name=f"Lieu {n}") for n in range(3)]
    for partner in near:
        every_day(partner, "08:00", "20:00")
    return near


def names(response) -> list[str]:
    return [result["name"] for result in response.json()["results"]]


@time_machine.travel(TUESDAY_NOON, tick=False)
def test_the_same_search_in_the_same_minute_is_answered_from_the_cache(client, partners):
    first = client.get(NEAREST)
    again = client.get(NEAREST)
    assert (first["X-Cache"], again["X-Cache"]) == ("miss", "hit")
    assert again.content == first.content
    assert again["Content-Type"] == "application/json"
    assert len(names(again)) == 3
    # Another filter, another language: other answers.
    assert client.get(NEAREST + "&open_now=true")["X-Cache"] == "miss"
    english = client.get(NEAREST, headers={"accept-language": "en"})
    assert english["X-Cache"] == "miss"
    assert english.json()["results"][0]["kind_label"] != first.json()["results"][0]["kind_label"]


def test_a_new_minute_is_a_new_answer(client, partners):
    with time_machine.travel(TUESDAY_NOON, tick=False):
        assert client.get(NEAREST)["X-Cache"] == "miss"
    with time_machine.travel(TUESDAY_NOON + datetime.timedelta(seconds=59), tick=False):
        assert client.get(NEAREST)["X-Cache"] == "hit"
    with time_machine.travel(TUESDAY_NOON + datetime.timedelta(seconds=60), tick=False):
        assert client.get(NEAREST)["X-Cache"] == "miss"


@time_machine.travel(TUESDAY_NOON, tick=False)
def test_a_partner_leaving_the_network_leaves_the_answers_at_once(client, partners):
    assert "Lieu 1" in names(client.get(NEAREST))
    partners[1].status = Status.SUSPENDED
    partners[1].save()
    after = client.get(NEAREST)  # the public version moved: another key
    assert after["X-Cache"] == "miss"
    assert "Lieu 1" not in names(after)


@time_machine.travel(TUESDAY_NOON, tick=False)
def test_the_cache_holds_no_position_in_clear(client, partners, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    client.get(NEAREST)
    keys = [key for key in cache._cache if ":nearest:" in key]  # locmem's own store
    assert len(keys) == 1
    assert "48.857" not in keys[0]
    assert "2.352" not in keys[0]


def test_errors_are_not_kept(client):
    assert client.get("/api/v1/partners/nearest?lat=91&lon=0").status_code == 400
    assert "X-Cache" not in client.get("/api/v1/partners/nearest?lat=91&lon=0")


def test_the_privacy_notice_tells_of_the_minute_kept(client):
    assert "jusqu'à la fin de la minute, puis effacée" in client.get("/confidentialite/").text
    english = client.get("/en/confidentialite/").text
    assert "kept in the server's memory until the end of the minute" in english

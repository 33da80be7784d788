"""The nearest search's answers kept a minute at most, and never past the next moment a
venue opens or closes, given before Django runs (partners/public/answers.py): called as
gunicorn calls the WSGI application."""

import contextlib
import dataclasses
import datetime
import json

import pytest
import time_machine
from django.core import signals
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from django.test import RequestFactory

from partners.models import Status
from partners.public.answers import KeptAnswers
from tests.factories import PartnerFactory, every_day

pytestmark = pytest.mark.django_db

NEAREST = "/api/v1/partners/nearest?lat=48.857&lon=2.352"
TUESDAY_NOON = datetime.datetime(2026, 12, 1, 11, 0, tzinfo=datetime.UTC)
APPLICATION = KeptAnswers(WSGIHandler())


@dataclasses.dataclass
class Answer:
    status: str
    headers: dict
    body: bytes

    def __getitem__(self, name):
        return self.headers[name]

    def json(self):
        return json.loads(self.body)


@contextlib.contextmanager
def transaction_kept():
    """As Django's test client does: the test's transaction stays open across requests."""
    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    try:
        yield
    finally:
        for signal in (signals.request_started, signals.request_finished):
            signal.connect(close_old_connections)


def get(path: str, **headers) -> Answer:
    environ = RequestFactory().get(path, headers=headers).environ
    seen = {}

    def start_response(status, headers, exc_info=None):
        seen.update(status=status, headers=dict(headers))

    with transaction_kept():
        body = b"".join(APPLICATION(environ, start_response))
    return Answer(seen["status"], seen["headers"], body)


@pytest.fixture
def partners():
    near = [PartnerFactory(approved=True, name=f"Lieu {n}") for n in range(3)]
    for partner in near:
        every_day(partner, "08:00", "20:00")
    return near


def names(answer) -> list[str]:
    return [result["name"] for result in answer.json()["results"]]


@time_machine.travel(TUESDAY_NOON, tick=False)
def test_the_same_search_in_the_same_minute_is_answered_from_the_cache(partners):
    first = get(NEAREST)
    again = get(NEAREST)
    assert (first["X-Cache"], again["X-Cache"]) == ("miss", "hit")
    assert again.body == first.body
    assert again.status == "200 OK"
    # Every header Django set comes back with the kept answer, the security headers too.
    assert {k: v for k, v in again.headers.items() if k != "X-Cache"} == {
        k: v for k, v in first.headers.items() if k != "X-Cache"
    }
    assert "Content-Security-Policy" in again.headers
    assert len(names(again)) == 3
    # Another filter, another language, another host for the links: other answers.
    assert get(NEAREST + "&open_now=true")["X-Cache"] == "miss"
    english = get(NEAREST, accept_language="en")
    assert english["X-Cache"] == "miss"
    assert english.json()["results"][0]["kind_label"] != first.json()["results"][0]["kind_label"]
    assert get(NEAREST, cookie="django_language=en")["X-Cache"] == "miss"


@pytest.mark.parametrize("method", ["HEAD", "OPTIONS"])
def test_only_gets_are_kept(partners, method):
    get(NEAREST)
    environ = RequestFactory().generic(method, NEAREST).environ
    seen = {}
    with transaction_kept():
        APPLICATION(environ, lambda status, headers, exc_info=None: seen.update(dict(headers)))
    assert "X-Cache" not in seen


def test_an_answer_is_kept_across_the_minute_and_a_minute_at_most(partners):
    searched = TUESDAY_NOON + datetime.timedelta(seconds=50)  # 12:00:50 in Paris
    for after, cached in ((0, "miss"), (30, "hit"), (59, "hit"), (60, "miss")):
        with time_machine.travel(searched + datetime.timedelta(seconds=after), tick=False):
            assert get(NEAREST)["X-Cache"] == cached, after


def test_an_answer_is_not_given_once_a_venue_opens_or_closes(partners):
    closing = datetime.datetime(2026, 12, 1, 19, 0, tzinfo=datetime.UTC)  # 20:00 in Paris
    with time_machine.travel(closing - datetime.timedelta(seconds=30), tick=False):
        before = get(NEAREST)
        assert [r["open_now"] for r in before.json()["results"]] == [True] * 3
    with time_machine.travel(closing, tick=False):
        after = get(NEAREST)
    assert after["X-Cache"] == "miss"
    assert [r["open_now"] for r in after.json()["results"]] == [False] * 3
    # Any venue's moment counts, wherever it is: a closing time in Nouméa too.
    noumea = PartnerFactory(approved=True, department="988", name="Nouméa")
    every_day(noumea, "08:00", "17:45")  # 06:45 UTC, 07:45 in Paris
    before = datetime.datetime(2026, 12, 2, 6, 44, 40, tzinfo=datetime.UTC)
    with time_machine.travel(before, tick=False):
        assert get(NEAREST)["X-Cache"] == "miss"
    with time_machine.travel(before + datetime.timedelta(seconds=15), tick=False):
        assert get(NEAREST)["X-Cache"] == "hit"
    with time_machine.travel(before + datetime.timedelta(seconds=20), tick=False):
        assert get(NEAREST)["X-Cache"] == "miss"


@time_machine.travel(TUESDAY_NOON, tick=False)
def test_a_partner_leaving_the_network_leaves_the_answers_at_once(partners):
    assert "Lieu 1" in names(get(NEAREST))
    partners[1].status = Status.SUSPENDED
    partners[1].save()
    after = get(NEAREST)  # the public version moved: another key
    assert after["X-Cache"] == "miss"
    assert "Lieu 1" not in names(after)


@time_machine.travel(TUESDAY_NOON, tick=False)
def test_the_cache_holds_no_position_in_clear(partners, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    get(NEAREST)
    keys = [key for key in cache._cache if ":nearest-answer:" in key]  # locmem's own store
    assert len(keys) == 1
    assert "48.857" not in keys[0]
    assert "2.352" not in keys[0]


def test_refusals_are_not_kept():
    for _ in range(2):
        answer = get("/api/v1/partners/nearest?lat=91&lon=0")
        assert answer.status.startswith("400")
        assert answer["X-Cache"] == "miss"
    assert get(NEAREST, host="evil.example").status.startswith("400")  # not an allowed host


def test_the_privacy_notice_tells_of_the_minute_kept(client):
    assert "au plus une minute, puis effacée" in client.get("/confidentialite/").text
    english = client.get("/en/confidentialite/").text
    assert "kept in the server's memory for a minute at most" in english

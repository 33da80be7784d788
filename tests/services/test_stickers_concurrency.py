"""Sticker numbers under real concurrency: threads, each with its own PostgreSQL
connection and transaction, approving at the same instant."""

import threading

import pytest
from django.db import connection

from partners.models import Partner, PartnerEvent, Status
from partners.services import decisions
from tests.factories import PartnerFactory

THREADS = 12


def run_at_once(calls):
    """Run each call in its own thread (own database connection), released together."""
    barrier = threading.Barrier(len(calls))
    results, errors, backends = [None] * len(calls), [], set()

    def run(index, call):
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                backends.add(cursor.fetchone()[0])
            barrier.wait(timeout=30)
            results[index] = call()
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors, backends


@pytest.mark.django_db(transaction=True)
def test_staff_approving_at_the_same_instant_never_get_the_same_sticker_number(admin_user):
    partners = PartnerFactory.create_batch(THREADS - 2)
    twice = partners[0]
    calls = [
        (lambda p=p: decisions.approve_partner(partner=p, by=admin_user))
        for p in [*partners, twice, twice]
    ]

    results, errors, backends = run_at_once(calls)

    assert errors == []
    assert len(backends) == THREADS  # really separate connections
    numbers = list(Partner.objects.values_list("sticker_number", flat=True))
    assert Partner.objects.filter(status=Status.APPROVED).count() == THREADS - 2
    assert len(set(numbers)) == len(numbers) == THREADS - 2
    # The partner approved three times at once: one number, one history entry.
    assert {r.sticker_number for r in results if r.pk == twice.pk} == {
        Partner.objects.get(pk=twice.pk).sticker_number
    }
    assert PartnerEvent.objects.filter(partner=twice, to_status=Status.APPROVED).count() == 1

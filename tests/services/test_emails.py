"""Emails leave through the task queue (django-tasks-db): a request never fails because
the mail server does, and nothing is lost while it is down. Also: no partner value can
break an email, and staff links follow ADMIN_URL."""

import contextlib
import datetime
import importlib
import itertools
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.core import mail
from django.tasks import TaskResultStatus
from django.test import override_settings
from django.urls import clear_url_caches, resolve, reverse
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from partners.models import Partner, Status
from partners.services import applications, decisions, emails, selfservice
from tests import signin
from tests.factories import PartnerFactory
from tests.join_helpers import application, quick_forms  # noqa: F401 (a fixture)
from tests.servers import (
    BASE_DIR,
    PRODUCTION_ENV,
    database_url,
    environment,
    free_port,
    manage,
    smtp_sink,
)

first_charter = importlib.import_module("partners.migrations.0003_first_charter")

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def smtp_at(port: int) -> dict:
    """MAILERS sending to 127.0.0.1:port, as production does with EMAIL_HOST."""
    return {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "use_tls": False, "timeout": 5},
        }
    }


def run_worker(smtp_port: int) -> None:
    """The worker as deployed (README, "Deployment"), against the test database, until
    the queue holds nothing ready."""
    worker = manage(
        "db_worker",
        "--batch",
        "--no-reload",
        "--no-startup-delay",
        env={
            **PRODUCTION_ENV,
            "DATABASE_URL": database_url(),
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_port),
            "EMAIL_USE_TLS": "0",
        },
    )
    assert worker.returncode == 0, worker.stderr


def run_queue_here() -> None:
    """The package's task runner, in this process and the test's transaction, on each
    task ready to run (its loop would close the test's database connection)."""
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test",
        excluded_queue_names=[],
    )
    while (ready := DBTaskResult.objects.ready().first()) is not None:
        ready.claim(worker.worker_id)
        worker.run_task(ready)


def queued_recipients(status=TaskResultStatus.READY) -> list[str]:
    rows = DBTaskResult.objects.filter(status=status, task_path=emails.deliver.module_path)
    return sorted(address for row in rows for address in row.args_kwargs["kwargs"]["to"])


@pytest.mark.django_db(transaction=True)
def test_with_smtp_down_requests_succeed_and_their_emails_leave_once_it_is_back(
    client,
    admin_user,
    settings,
    quick_forms,  # noqa: F811 (the fixture)
):
    # Transactional: the worker, another process, reads what the requests committed.
    first_charter.add_first_charter(apps, None)
    smtp_port = free_port()  # nothing listens there yet: the mail server is down
    settings.TASKS = DATABASE_QUEUE
    settings.MAILERS = smtp_at(smtp_port)
    pending = PartnerFactory(contact_email="lieu@example.org")
    member = PartnerFactory(approved=True, contact_email="membre@example.org")

    applied = client.post("/rejoindre/formulaire/", application(client))
    asked = client.post("/mon-lieu/", {"email": member.contact_email})
    signin.verified_login(client, admin_user)
    decided = client.post(
        reverse("admin:partners_partner_decide", args=[pending.pk, "approve"]), {"reason": ""}
    )

    assert (applied.status_code, asked.status_code, decided.status_code) == (302, 200, 302)
    assert Partner.objects.get(contact_email="camille@example.org").status == Status.UNCONFIRMED
    pending.refresh_from_db()
    assert pending.status == Status.APPROVED
    expected = ["camille@example.org", "lieu@example.org", "membre@example.org"]
    # The link request queued its lookup; the worker queues the link it finds.
    assert queued_recipients() == ["camille@example.org", "lieu@example.org"]

    # The worker tries while SMTP is still down: each email fails and is scheduled again.
    run_worker(smtp_port)
    assert queued_recipients(TaskResultStatus.FAILED) == expected
    assert queued_recipients() == expected
    soonest = DBTaskResult.objects.filter(status=TaskResultStatus.READY).earliest("run_after")
    assert soonest.run_after > timezone.now()

    with smtp_sink(smtp_port) as sink:
        # The back-off has passed and the server is back.
        DBTaskResult.objects.filter(status=TaskResultStatus.READY).update(run_after=timezone.now())
        run_worker(smtp_port)

    assert sorted(address for m in sink.messages for address in m.rcpt_tos) == expected
    text = {m.rcpt_tos[0]: m.get_body(("plain",)).get_content() for m in sink.messages}
    assert pending.sticker_number in text["lieu@example.org"]
    assert "/rejoindre/confirmer/" in text["camille@example.org"]
    assert "/mon-lieu/" in text["membre@example.org"]
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists()
    assert queued_recipients(TaskResultStatus.SUCCESSFUL) == expected


@pytest.mark.django_db
def test_emails_are_queued_only_once_the_change_is_committed(
    settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DATABASE_QUEUE
    partner = PartnerFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        decisions.reject_partner(partner=partner, by=None, reason="Hors du territoire")
    assert not DBTaskResult.objects.exists()
    for callback in callbacks:
        callback()
    (queued,) = DBTaskResult.objects.all()
    assert queued.task_path == "partners.services.emails.deliver"
    # Rendered when the decision was taken: the message is what it said then.
    assert "Hors du territoire" in queued.args_kwargs["kwargs"]["text"]


@pytest.mark.django_db
def test_a_failed_send_is_tried_again_later_and_later_up_to_a_limit(settings):
    settings.TASKS = DATABASE_QUEUE
    settings.MAILERS = smtp_at(free_port())
    message = {"subject": "Sujet", "text": "Texte", "html": "<p>Texte</p>", "to": ["a@example.org"]}

    before = timezone.now()
    with pytest.raises(emails.DeliveryDeferred) as deferred:
        emails.deliver.call(**message)
    assert isinstance(deferred.value.__cause__, OSError)
    retry = DBTaskResult.objects.get()
    assert retry.args_kwargs["kwargs"] == {**message, "attempt": 2}
    first = emails.retry_delay(1)
    assert before + first <= retry.run_after <= timezone.now() + first

    delays = [emails.retry_delay(attempt) for attempt in range(1, emails.MAX_ATTEMPTS)]
    assert delays[0] == datetime.timedelta(minutes=1)
    assert all(b == min(2 * a, emails.MAX_RETRY_DELAY) for a, b in itertools.pairwise(delays))
    assert delays[-1] == emails.MAX_RETRY_DELAY
    # An outage of a day is covered before the last attempt.
    assert sum(delays, datetime.timedelta()) >= datetime.timedelta(hours=24)

    # The last attempt gives up: the error stays in the admin, nothing is queued again.
    DBTaskResult.objects.all().delete()
    with pytest.raises(ConnectionRefusedError) as error:
        emails.deliver.call(**message, attempt=emails.MAX_ATTEMPTS)
    assert not isinstance(error.value, emails.DeliveryDeferred)
    assert not DBTaskResult.objects.exists()


@pytest.mark.django_db
def test_administrators_see_failed_emails_in_the_admin_and_reviewers_do_not(
    admin_client, make_reviewer, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DATABASE_QUEUE
    settings.MAILERS = smtp_at(free_port())
    partner = PartnerFactory(contact_email="lieu@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        decisions.reject_partner(partner=partner, by=None, reason="Hors du territoire")
    run_queue_here()
    failed = DBTaskResult.objects.get(status=TaskResultStatus.FAILED)

    changelist = reverse("admin:django_tasks_database_dbtaskresult_changelist")
    listing = admin_client.get(changelist)
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "lieu@example.org" in html
    assert "n&#x27;a pas été retenue" in html or "n'a pas été retenue" in html
    page = admin_client.get(
        reverse("admin:django_tasks_database_dbtaskresult_change", args=[failed.pk])
    )
    assert page.status_code == 200
    assert "ConnectionRefusedError" in page.content.decode()

    reviewer = make_reviewer(departments=["75"])
    admin_client.logout()
    signin.verified_login(admin_client, reviewer)
    assert admin_client.get(changelist).status_code == 403
    index = admin_client.get(reverse("admin:index")).content.decode()
    assert changelist not in index


# A name holding a line or paragraph separator (U+2028, U+2029, NEL, …) passed the forms
# and broke every email of that partner: Python's email refuses it in a header.


@pytest.mark.django_db
def test_separators_and_control_characters_in_one_line_fields_become_spaces(
    client,
    quick_forms,  # noqa: F811 (the fixture)
    django_capture_on_commit_callbacks,
):
    data = application(
        client,
        name="Café\u2028du\u2029Port",
        address="12 rue\x85de la\x0bRoquette\x07",
        contact_name="Camille\r\nMartin",
        contact_role="Gérante\x1c adjointe",
        accessibility_note="Rampe\u2028amovible",
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/rejoindre/formulaire/", data)
    assert response.status_code == 302
    partner = Partner.objects.get()
    assert partner.name == "Café du Port"
    assert partner.address == "12 rue de la Roquette"
    assert partner.contact_name == "Camille Martin"
    assert partner.contact_role == "Gérante adjointe"
    assert partner.accessibility_note == "Rampe amovible"
    (email,) = mail.outbox
    assert "Camille Martin" in email.body


@pytest.mark.django_db
@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85", "\x0b", "\x1c", "\r", "\n"])
def test_no_partner_value_can_break_an_email_subject(separator, django_capture_on_commit_callbacks):
    # Stored before the forms cleaned names, or typed elsewhere: the subject still holds.
    partner = PartnerFactory(name=f"Café{separator}du Port")
    with django_capture_on_commit_callbacks(execute=True):
        decisions.reject_partner(partner=partner, by=None, reason="Hors du territoire")
    (email,) = mail.outbox
    assert email.subject.isprintable()
    email.message().as_bytes()  # what sending does: raises on a broken header
    if separator != "\n":  # a newline ends the template's subject line: the rest is body
        assert "Café du Port" in email.subject


# Staff links follow ADMIN_URL (the README recommends changing it).


@contextlib.contextmanager
def admin_at(path: str):
    """The admin served at ``path``: the URLconf reads ADMIN_URL when imported."""
    urls = importlib.import_module("enlieusur.urls")
    try:
        with override_settings(ADMIN_URL=path):
            importlib.reload(urls)
            clear_url_caches()
            yield
    finally:
        importlib.reload(urls)
        clear_url_caches()


def staff_links(email) -> list[str]:
    html = email.alternatives[0].content
    return [
        word.strip('"<>')
        for text in (email.body, html)
        for word in text.replace('href="', " ").replace('">', " ").split()
        if "/partners/partner/" in word
    ]


@pytest.mark.django_db
def test_staff_emails_link_to_the_admin_where_admin_url_puts_it(
    settings, django_capture_on_commit_callbacks
):
    settings.STAFF_NOTIFICATION_EMAILS = ["equipe@flag.example"]
    unconfirmed = PartnerFactory(status=Status.UNCONFIRMED)
    member = PartnerFactory(approved=True)
    with admin_at("gestion-7f3a/"):
        with django_capture_on_commit_callbacks(execute=True):
            applications.confirm_email(partner=unconfirmed)
            selfservice.update_partner(partner=member, changes={"name": "Nouveau nom"})
        to_staff = [m for m in mail.outbox if m.to == ["equipe@flag.example"]]
        assert len(to_staff) == 2
        # A new application opens its page; proposed changes open their review.
        expected = [(unconfirmed, "change", "change"), (member, "changes", "changes_review")]
        for email, (partner, segment, view) in zip(to_staff, expected, strict=True):
            links = staff_links(email)
            assert links, email.body
            for link in links:
                assert link == (
                    f"{settings.SITE_URL}/gestion-7f3a/partners/partner/{partner.pk}/{segment}/"
                )
                match = resolve(urlsplit(link).path)
                assert (match.app_name, match.url_name) == ("admin", f"partners_partner_{view}")
            assert "/admin/" not in email.body + email.alternatives[0].content


# `make run` and `make serve` start the worker beside the server (scripts/with_worker.sh);
# however the server stops, the worker stops with it and no process is left behind.


def descendants(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def command_line(pid: int) -> str:
    with contextlib.suppress(OSError):
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    return ""


def listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _as_in_a_terminal() -> None:
    signal.pthread_sigmask(signal.SIG_SETMASK, [])
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.django_db
@pytest.mark.parametrize("stop", ["sigterm", "ctrl-c", "server-exits"])
def test_the_worker_runs_beside_the_server_and_stops_with_it(stop):
    port = free_port()
    server = [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}"]
    if stop == "server-exits":
        server = [sys.executable, "-c", "import time; time.sleep(4)"]
    script = subprocess.Popen(  # noqa: S603 (our script, our interpreter)
        [str(BASE_DIR / "scripts" / "with_worker.sh"), *server],
        cwd=BASE_DIR,
        env=environment(DATABASE_URL=database_url(), PY=sys.executable),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group, as a terminal gives `make run`
        # And Ctrl-C neither ignored nor blocked, as in a terminal: the test process may have
        # inherited SIGINT ignored (a shell's background job) or blocked (a thread's signal
        # mask), and bash can trap neither. The whole suite failed so, twice, in this test.
        preexec_fn=_as_in_a_terminal,
    )
    seen: set[int] = set()
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            seen |= descendants(script.pid)
            worker = any("db_worker" in command_line(pid) for pid in seen)
            if worker and (stop == "server-exits" or listening(port)):
                break
            time.sleep(0.2)
        else:
            pytest.fail("the worker or the server did not start")
        seen |= descendants(script.pid)
        assert len(seen) >= 2

        if stop == "sigterm":
            script.send_signal(signal.SIGTERM)  # a supervisor stopping `make serve`
        elif stop == "ctrl-c":
            os.killpg(script.pid, signal.SIGINT)  # the terminal's Ctrl-C, to the whole group
        script.wait(timeout=60)
        deadline = time.monotonic() + 10
        while any(alive(pid) for pid in seen) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert [command_line(pid) for pid in seen if alive(pid)] == []
    finally:
        for pid in {script.pid, *seen, *descendants(script.pid)}:
            if alive(pid):
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
        script.wait()

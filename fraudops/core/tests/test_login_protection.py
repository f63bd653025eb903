"""Login and session protection: lockout after repeated wrong passwords (django-axes), the
audited unlock, idle and absolute session timeouts, and no caching of signed-in pages."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.urls import reverse
from django.utils import translation
from freezegun import freeze_time

from fraudops.core.actors import Actor
from fraudops.core.demo_bank import DEMO_PASSWORD
from fraudops.core.errors import PermissionRefused
from fraudops.core.models import AuditEvent
from fraudops.core.services import login_unlock

START = datetime.datetime(2027, 6, 30, 9, 0, tzinfo=datetime.UTC)
LOCKED_EN = "Too many failed attempts. Try again in 15 minutes"
LOCKED_ZH = "失败次数过多"


def _login(client, username, password, ip="10.1.1.1"):
    with translation.override("en"):
        return client.post(
            reverse("login"),
            {"username": username, "password": password},
            REMOTE_ADDR=ip,
            HTTP_ACCEPT_LANGUAGE="en",
        )


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def _lock(client, username="ho_monitor", ip="10.1.1.1"):
    responses = [_login(client, username, "wrong-password", ip=ip) for _ in range(5)]
    assert [r.status_code for r in responses[:4]] == [200] * 4
    return responses[-1]


def test_five_wrong_passwords_lock_the_username_at_that_address(bank, client):
    fifth = _lock(client)
    assert fifth.status_code == 429
    right = _login(client, "ho_monitor", DEMO_PASSWORD)
    assert right.status_code == 429
    assert not _signed_in(client)
    body = right.content.decode()
    assert LOCKED_EN in body or LOCKED_ZH in body
    assert 'name="password"' in body  # the login page itself, not a bare error
    # Keyed on username and address together: the same person elsewhere is not locked out.
    other = _login(client, "ho_monitor", DEMO_PASSWORD, ip="10.2.2.2")
    assert other.status_code == 302 and _signed_in(client)


def test_the_lock_lifts_after_the_cool_off(bank, client):
    with freeze_time(START) as frozen:
        _lock(client)
        frozen.tick(datetime.timedelta(minutes=14))
        assert _login(client, "ho_monitor", DEMO_PASSWORD).status_code == 429
        # Trying while locked restarts the wait.
        frozen.tick(datetime.timedelta(minutes=14))
        assert _login(client, "ho_monitor", DEMO_PASSWORD).status_code == 429
        frozen.tick(datetime.timedelta(minutes=16))
        response = _login(client, "ho_monitor", DEMO_PASSWORD)
    assert response.status_code == 302 and _signed_in(client)


def test_a_correct_password_clears_the_count(bank, client):
    for _ in range(4):
        _login(client, "ho_monitor", "wrong-password")
    assert _login(client, "ho_monitor", DEMO_PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        assert _login(client, "ho_monitor", "wrong-password").status_code == 200
    assert _login(client, "ho_monitor", DEMO_PASSWORD).status_code == 302


def test_api_tokens_are_not_passwords(bank, client, core_banking):
    _lock(client, username="ho_monitor", ip="127.0.0.1")
    # A token works from a locked-out address, and a bad one is refused without counting.
    assert core_banking.get("/api/v1/incidents/").status_code == 200
    core_banking.credentials(HTTP_AUTHORIZATION="Bearer fo_bad.bad")
    assert core_banking.get("/api/v1/incidents/").status_code == 401
    assert list(AccessAttempt.objects.values_list("username", "failures_since_start")) == [
        ("ho_monitor", 5)
    ]


def test_an_administrator_unlocks_audited(bank, client, person):
    _lock(client)
    admin = Actor.for_user(person("admin"), ip="10.9.9.9")
    cleared = login_unlock(actor=admin, username="ho_monitor")
    assert cleared == 1
    assert not AccessAttempt.objects.exists()
    row = AuditEvent.objects.get(action="user.login_unlocked")
    monitor = person("ho_monitor")
    assert row.actor_label == "admin" and row.ip == "10.9.9.9"
    assert row.thread == f"user:{monitor.pk}" and row.target == f"user:{monitor.pk}"
    assert row.before["attempts"][0]["failures"] == 5
    assert row.before["attempts"][0]["ip"] == "10.1.1.1"
    assert row.at is not None
    assert _login(client, "ho_monitor", DEMO_PASSWORD).status_code == 302


def test_only_an_account_administrator_may_unlock(bank, client, person):
    _lock(client)
    with pytest.raises(PermissionRefused):
        login_unlock(actor=Actor.for_user(person("ho_opshead")), username="ho_monitor")
    assert AccessAttempt.objects.count() == 1  # still locked
    refusal = AuditEvent.objects.get(action="user.login_unlock.refused")
    assert refusal.outcome == "refused" and refusal.actor_label == "ho_opshead"
    assert not AuditEvent.objects.filter(action="user.login_unlocked").exists()


def test_the_admin_action_unlocks_audited(bank, client, person):
    _lock(client)
    staff = client.__class__()
    staff.force_login(person("admin"))
    monitor = person("ho_monitor")
    response = staff.post(
        reverse("admin:core_user_changelist"),
        {"action": "unlock_logins", "_selected_action": [monitor.pk]},
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    row = AuditEvent.objects.get(action="user.login_unlocked")
    assert row.actor_label == "admin" and row.thread == f"user:{monitor.pk}"
    # The attempts' own page is read-only and offers the same audited unlock.
    assert staff.get(reverse("admin:axes_accessattempt_changelist")).status_code == 200


def test_the_management_command_unlocks_audited(bank, client, person):
    _lock(client)
    call_command("login_unlock", "ho_monitor", "--by", "admin")
    assert not AccessAttempt.objects.exists()
    assert AuditEvent.objects.get(action="user.login_unlocked").actor_label == "admin"
    with pytest.raises(CommandError):
        call_command("login_unlock", "ho_monitor", "--by", "nobody")


@override_settings(FRAUDOPS_SESSION_IDLE_MINUTES=30, FRAUDOPS_SESSION_MAX_HOURS=10)
def test_an_idle_session_is_signed_out(bank, client, person):
    with freeze_time(START) as frozen:
        client.force_login(person("ho_monitor"))
        frozen.tick(datetime.timedelta(minutes=29))
        assert client.get("/").status_code == 200
        frozen.tick(datetime.timedelta(minutes=29))  # 29 minutes after the last page
        assert client.get("/").status_code == 200
        # Background polls are no activity: the open tab alone does not keep it alive.
        frozen.tick(datetime.timedelta(minutes=20))
        client.get(reverse("home_changes"), HTTP_IF_NONE_MATCH='"x"')
        frozen.tick(datetime.timedelta(minutes=11))
        with translation.override("en"):
            response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("login"))
            login_page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en")
    assert not _signed_in(client)
    assert "signed out after 30 minutes without activity" in login_page.content.decode()


@override_settings(FRAUDOPS_SESSION_IDLE_MINUTES=30, FRAUDOPS_SESSION_MAX_HOURS=10)
def test_a_session_ends_ten_hours_after_signing_in_whatever_the_activity(bank, client):
    with freeze_time(START) as frozen:
        response = _login(client, "ho_monitor", DEMO_PASSWORD)
        assert response.status_code == 302
        for _ in range(23):  # a page every 25 minutes: 9 h 35 min
            frozen.tick(datetime.timedelta(minutes=25))
            assert client.get("/").status_code == 200
        frozen.tick(datetime.timedelta(minutes=26))  # 10 h 1 min after signing in
        response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert not _signed_in(client)


@override_settings(FRAUDOPS_SESSION_IDLE_MINUTES=30, FRAUDOPS_SESSION_MAX_HOURS=10)
def test_page_views_within_a_minute_write_no_session(bank, client, person):
    with freeze_time(START) as frozen:
        client.force_login(person("ho_monitor"))
        key = client.session.session_key
        frozen.tick(datetime.timedelta(seconds=30))
        client.get("/")
        assert client.session.session_key == key
        assert client.session["fraudops_seen_at"] == START.timestamp()
        frozen.tick(datetime.timedelta(seconds=40))
        client.get("/")
        assert client.session["fraudops_seen_at"] == START.timestamp() + 70


def test_signed_in_pages_are_not_stored_by_caches(bank, client, person, core_banking):
    login_page = client.get(reverse("login"))
    assert login_page.status_code == 200 and b'name="password"' in login_page.content
    client.force_login(person("ho_monitor"))
    page = client.get("/")
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"] and "private" in page["Cache-Control"]
    # A view's own Cache-Control keeps its directives and gains no-store (the markers).
    marker = client.get(reverse("home_changes"))
    assert {d.strip() for d in marker["Cache-Control"].split(",")} == {
        "no-cache",
        "private",
        "no-store",
    }
    unchanged = client.get(reverse("home_changes"), HTTP_IF_NONE_MATCH=marker["ETag"])
    assert unchanged.status_code == 304
    static = client.get("/static/js/unread.js")
    assert static.status_code in (200, 404)
    assert "no-store" not in static.get("Cache-Control", ""), static.status_code
    # An API client's answers are not stored either.
    assert "no-store" in core_banking.get("/api/v1/incidents/")["Cache-Control"]

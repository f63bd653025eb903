"""Signing in, signing out, failed logins and refused API tokens are in the audit trail."""

from __future__ import annotations

from django.test import override_settings
from rest_framework.test import APIClient

from fraudops.core.demo_bank import DEMO_PASSWORD
from fraudops.core.models import ApiClient, AuditEvent

PROXY = {"FRAUDOPS_TRUSTED_PROXIES": ["10.9.0.2"]}


def _sign_in(client, username: str, password: str, **extra):
    return client.post("/accounts/login/", {"username": username, "password": password}, **extra)


@override_settings(**PROXY)
def test_login_and_logout_are_recorded_on_the_users_thread(client, person):
    user = person("monitor_bj")
    response = _sign_in(
        client,
        "monitor_bj",
        DEMO_PASSWORD,
        REMOTE_ADDR="10.9.0.2",
        HTTP_X_FORWARDED_FOR="198.51.100.4",
        HTTP_USER_AGENT="Firefox",
    )
    assert response.status_code == 302
    logged_in = AuditEvent.objects.get(action="auth.logged_in")
    assert (logged_in.actor_user, logged_in.actor_label) == (user, "monitor_bj")
    assert logged_in.actor_unit == user.unit
    assert logged_in.thread == f"user:{user.pk}" and logged_in.outcome == "ok"
    assert logged_in.ip == "198.51.100.4" and logged_in.data == {"user_agent": "Firefox"}

    assert client.post("/accounts/logout/", REMOTE_ADDR="192.0.2.8").status_code == 302
    logged_out = AuditEvent.objects.get(action="auth.logged_out")
    assert logged_out.actor_user == user and logged_out.thread == f"user:{user.pk}"
    assert logged_out.ip == "192.0.2.8"


def test_signing_out_when_not_signed_in_records_nothing(client, db):
    client.post("/accounts/logout/")
    assert not AuditEvent.objects.filter(action="auth.logged_out").exists()


def test_a_wrong_password_is_recorded_without_the_password(client, person):
    user = person("monitor_bj")
    response = _sign_in(
        client, "monitor_bj", "Guess-1234", REMOTE_ADDR="192.0.2.7", HTTP_X_FORWARDED_FOR="6.6.6.6"
    )
    assert response.status_code == 200  # the form again, with its error
    failed = AuditEvent.objects.get(action="auth.login_failed")
    assert failed.outcome == "refused" and failed.actor_user is None
    assert failed.actor_label == "anonymous" and failed.actor_unit is None
    assert failed.ip == "192.0.2.7"  # the forged X-Forwarded-For is not believed
    assert failed.thread == "login:monitor_bj" and failed.target == f"user:{user.pk}"
    assert failed.data["username"] == "monitor_bj" and failed.data["known_user"] is True
    row = AuditEvent.objects.filter(pk=failed.pk).values().get()
    assert "Guess-1234" not in str(row)


def test_a_failed_login_for_a_user_that_does_not_exist(client, bank):
    long_name = "nobody-" + "x" * 140
    for username in ("nobody", long_name):
        response = _sign_in(client, username, "whatever", REMOTE_ADDR="192.0.2.7")
        assert response.status_code == 200
    rows = list(AuditEvent.objects.filter(action="auth.login_failed").order_by("id"))
    assert [r.data["username"] for r in rows] == ["nobody", long_name]
    assert rows[0].thread == "login:nobody" and rows[0].target == ""
    assert rows[0].data["known_user"] is False
    assert len(rows[1].thread) == 64 and rows[1].thread.startswith("login:nobody-")


def test_refused_api_tokens_are_recorded_without_the_token(bank):
    client = ApiClient(name="core-banking", unit=bank["HO"], scopes=ApiClient.all_scopes())
    token = client.issue_key()
    client.save()
    api = APIClient()

    wrong = token[:12] + "x" * (len(token) - 12)
    for header in (f"Bearer {wrong}", "Bearer fo_unknown-token", "Bearer a b"):
        response = api.get("/api/v1/incidents/", HTTP_AUTHORIZATION=header, REMOTE_ADDR="192.0.2.9")
        assert response.status_code == 401
    client.is_active = False
    client.save()
    revoked = api.get("/api/v1/incidents/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert revoked.status_code == 401

    rows = list(AuditEvent.objects.filter(action="api.token_refused").order_by("id"))
    assert [r.data["reason"] for r in rows] == ["unknown", "unknown", "malformed", "revoked"]
    assert all(r.outcome == "refused" and r.actor_client is None for r in rows)
    assert rows[0].ip == "192.0.2.9" and rows[0].thread == "api_auth"
    assert rows[3].thread == f"api_client:{client.pk}" and rows[3].data["client"] == "core-banking"
    for row in AuditEvent.objects.filter(action="api.token_refused").values():
        assert token not in str(row) and wrong not in str(row)

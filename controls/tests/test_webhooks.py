"""The signed webhook to core banking, against a real HTTP receiver on 127.0.0.1 that
verifies the signature the way a bank system would."""

from __future__ import annotations

import datetime
import http.server
import json
import threading
import urllib.request

import pytest
from django.utils import timezone
from freezegun import freeze_time

from controls.choices import ControlKind, ControlState, DeliveryChannel
from controls.models import WebhookDelivery
from controls.services import control_request_approve, control_requests_create
from controls.webhooks import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    webhook_signature,
    webhook_verify,
)
from fraudops.core.choices import ApiScope
from fraudops.core.models import ApiClient, OutboxMessage
from fraudops.core.outbox import outbox_relay_batch

from .conftest import PAYEE_BJ

pytestmark = pytest.mark.django_db

SECRET = "whsec-test-0123456789abcdef"


class Receiver:
    """A core-banking stand-in: verifies each delivery's signature with the shared secret,
    answers 401 when it does not match, or whatever status it is told to."""

    def __init__(self, secret: str = SECRET):
        self.secret = secret
        self.received: list[dict] = []
        self.rejected = 0
        self.answer = 200
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                valid = webhook_verify(
                    secret=receiver.secret,
                    timestamp=self.headers.get(TIMESTAMP_HEADER, ""),
                    body=body,
                    signature=self.headers.get(SIGNATURE_HEADER, ""),
                )
                if not valid:
                    receiver.rejected += 1
                    self.send_response(401)
                    self.end_headers()
                    self.wfile.write(b"bad signature")
                    return
                receiver.received.append(
                    {"headers": self.headers, "body": body, "json": json.loads(body)}
                )
                self.send_response(receiver.answer)
                self.end_headers()
                self.wfile.write(b"ok" if receiver.answer < 300 else b"try later")

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/fraudops/webhook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def replay(self, *, body: bytes, headers: dict) -> int:
        request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        try:
            with opener.open(request, timeout=5) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code


@pytest.fixture
def receiver():
    with Receiver() as running:
        yield running


@pytest.fixture
def subscriber(bank, receiver):
    client = ApiClient(
        name="core-banking-push",
        unit=bank["HO"],
        scopes=[ApiScope.FREEZES_READ, ApiScope.FREEZES_WRITE],
        webhook_url=receiver.url,
        webhook_secret=SECRET,
    )
    client.issue_key()
    client.save()
    return client


def _approve(actor, incident):
    [control] = control_requests_create(
        actor=actor("teller_bj_hd"),
        incident_id=incident.pk,
        kind=ControlKind.STOP_PAYMENT,
        targets=[{"account": incident.accounts.get(number=PAYEE_BJ).pk}],
    )
    return control_request_approve(actor=actor("monitor_bj"), control_id=control.pk)


def _relay_webhooks() -> None:
    outbox_relay_batch()


def test_approved_control_reaches_the_receiver_as_a_signed_webhook(
    actor, incident, subscriber, receiver
):
    control = _approve(actor, incident)
    _relay_webhooks()

    [delivery] = receiver.received
    document = delivery["json"]
    assert document["event"] == "freeze_instruction.issued"
    assert document["instruction"]["reference"] == control.number
    assert document["instruction"]["account_number"] == PAYEE_BJ
    assert delivery["headers"]["X-FraudOps-Delivery"] == (
        f"{control.instruction.pk}:freeze_instruction.issued"
    )
    assert delivery["headers"][SIGNATURE_HEADER].startswith("sha256=")
    log = WebhookDelivery.objects.get()
    assert log.ok and log.status_code == 200 and log.client == subscriber
    assert log.instruction == control.instruction
    control.refresh_from_db()
    assert control.state == ControlState.SENT
    assert control.instruction.delivered_via == DeliveryChannel.WEBHOOK
    message = OutboxMessage.objects.get(kind="webhook")
    assert message.status == OutboxMessage.Status.SENT


def test_a_tampered_body_or_a_wrong_secret_is_rejected_by_the_receiver(
    actor, incident, subscriber, receiver
):
    _approve(actor, incident)
    _relay_webhooks()
    [delivery] = receiver.received
    headers = {
        "Content-Type": "application/json",
        TIMESTAMP_HEADER: delivery["headers"][TIMESTAMP_HEADER],
        SIGNATURE_HEADER: delivery["headers"][SIGNATURE_HEADER],
    }
    tampered = delivery["body"].replace(PAYEE_BJ.encode(), b"6217000099999999999")
    assert receiver.replay(body=tampered, headers=headers) == 401
    # The untouched body with its headers still verifies (within the five minutes).
    assert receiver.replay(body=delivery["body"], headers=headers) == 200
    resigned = {
        **headers,
        SIGNATURE_HEADER: webhook_signature(
            secret="not-the-secret", timestamp=headers[TIMESTAMP_HEADER], body=tampered
        ),
    }
    assert receiver.replay(body=tampered, headers=resigned) == 401
    assert receiver.rejected == 2


def test_signature_helpers_refuse_stale_timestamps():
    body = b'{"a":1}'
    now = 1_800_000_000
    signature = webhook_signature(secret=SECRET, timestamp=str(now), body=body)
    assert webhook_verify(
        secret=SECRET, timestamp=str(now), body=body, signature=signature, now=now + 60
    )
    assert not webhook_verify(
        secret=SECRET, timestamp=str(now), body=body, signature=signature, now=now + 301
    )
    assert not webhook_verify(secret=SECRET, timestamp="soon", body=body, signature=signature)


def test_receiver_down_is_retried_with_backoff_and_every_attempt_logged(
    actor, incident, subscriber, receiver
):
    receiver.answer = 503
    with freeze_time("2026-11-22 06:00:00") as clock:
        control = _approve(actor, incident)
        _relay_webhooks()
        message = OutboxMessage.objects.get(kind="webhook")
        assert message.status == OutboxMessage.Status.PENDING and message.attempts == 1
        assert message.next_attempt_at > timezone.now()
        control.refresh_from_db()
        assert control.state == ControlState.APPROVED  # not delivered yet
        _relay_webhooks()  # not due yet: nothing sent
        assert WebhookDelivery.objects.count() == 1

        receiver.answer = 200
        clock.tick(delta=datetime.timedelta(minutes=5))
        _relay_webhooks()
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT and message.attempts == 2
    attempts = list(WebhookDelivery.objects.order_by("attempted_at", "id"))
    assert [(a.status_code, a.ok) for a in attempts] == [(503, False), (200, True)]
    assert attempts[0].error == "HTTP 503"
    control.refresh_from_db()
    assert control.state == ControlState.SENT


def test_unreachable_receiver_is_a_transient_error_logged_with_its_reason(
    actor, incident, subscriber, receiver
):
    receiver.server.shutdown()
    receiver.server.server_close()
    _approve(actor, incident)
    _relay_webhooks()
    message = OutboxMessage.objects.get(kind="webhook")
    assert message.status == OutboxMessage.Status.PENDING and message.attempts == 1
    log = WebhookDelivery.objects.get()
    assert log.status_code is None and not log.ok and log.error


def test_receiver_refusing_for_good_becomes_a_dead_letter(actor, incident, subscriber, receiver):
    receiver.answer = 400
    _approve(actor, incident)
    _relay_webhooks()
    message = OutboxMessage.objects.get(kind="webhook")
    assert message.status == OutboxMessage.Status.DEAD
    assert "HTTP 400" in message.last_error
    assert WebhookDelivery.objects.get().status_code == 400


@pytest.mark.parametrize(
    "change",
    [
        {"scopes": [ApiScope.INCIDENTS_READ]},
        {"is_active": False},
        {"webhook_url": ""},
        {"webhook_secret": ""},  # nothing to sign with: not queued (it used to be, then dropped)
        {"unit_code": "SB-GZ"},  # another region's system does not get Beijing's instructions
    ],
)
def test_only_active_subscribed_clients_over_the_account_receive_it(
    actor, incident, subscriber, receiver, bank, change
):
    unit_code = change.pop("unit_code", None)
    if unit_code:
        subscriber.unit = bank[unit_code]
    for field, value in change.items():
        setattr(subscriber, field, value)
    subscriber.save()
    _approve(actor, incident)
    assert not OutboxMessage.objects.filter(kind="webhook").exists()


@pytest.mark.parametrize(
    "change",
    [
        {"unit_code": "SB-GZ"},  # moved to another region after the push was queued
        {"webhook_secret": ""},
        {"is_active": False},
    ],
)
def test_a_client_changed_after_queueing_is_not_sent_the_push(
    actor, incident, subscriber, receiver, bank, change
):
    _approve(actor, incident)
    assert OutboxMessage.objects.filter(kind="webhook").count() == 1
    unit_code = change.pop("unit_code", None)
    if unit_code:
        subscriber.unit = bank[unit_code]
    for field, value in change.items():
        setattr(subscriber, field, value)
    subscriber.save()
    _relay_webhooks()
    assert receiver.received == []


def test_admin_lists_webhook_deliveries(actor, incident, subscriber, receiver, person, client):
    _approve(actor, incident)
    _relay_webhooks()
    client.force_login(person("admin"))
    response = client.get("/admin/controls/webhookdelivery/")
    assert response.status_code == 200
    assert subscriber.name in response.content.decode()

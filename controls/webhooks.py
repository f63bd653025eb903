"""Pushing instructions to core banking: a signed webhook per subscribed API client, sent by
the outbox relay (retried with backoff on network errors and 5xx), every attempt logged.

The receiver verifies

    X-FraudOps-Signature: sha256=<hex HMAC-SHA256(webhook_secret, "<timestamp>.<body>")>

with `X-FraudOps-Timestamp` (Unix seconds) and should refuse timestamps older than five
minutes, so that a captured request cannot be replayed later. `X-FraudOps-Delivery` is the
same on every retry of one event: receivers use it to ignore duplicates.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request

from django.conf import settings
from django.db import transaction

from fraudops.core.actors import Actor
from fraudops.core.models import ApiClient
from fraudops.core.outbox import TransientError, outbox_handler

from .choices import DeliveryChannel
from .models import FreezeInstruction, WebhookDelivery
from .payloads import webhook_document
from .permissions import webhook_subscribed
from .services import instructions_mark_delivered

SIGNATURE_HEADER = "X-FraudOps-Signature"
TIMESTAMP_HEADER = "X-FraudOps-Timestamp"
EVENT_HEADER = "X-FraudOps-Event"
DELIVERY_HEADER = "X-FraudOps-Delivery"
MAX_AGE_SECONDS = 300


class WebhookRejected(Exception):
    """The receiver refused the delivery for good (4xx): a dead letter for an administrator."""


def webhook_signature(*, secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def webhook_verify(
    *, secret: str, timestamp: str, body: bytes, signature: str, now: float | None = None
) -> bool:
    """What a receiver does (and what the tests' receiver does): constant-time compare, and
    refuse stale timestamps."""
    try:
        age = abs((now if now is not None else time.time()) - int(timestamp))
    except (TypeError, ValueError):
        return False
    if age > MAX_AGE_SECONDS:
        return False
    expected = webhook_signature(secret=secret, timestamp=timestamp, body=body)
    return hmac.compare_digest(expected, signature or "")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A webhook is never redirected: a 3xx is the receiver's answer, not a new address."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def webhook_body(*, instruction: FreezeInstruction, event: str) -> bytes:
    document = webhook_document(instruction=instruction, event=event)
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"), default=str).encode()


def _log(**fields) -> None:
    with transaction.atomic():
        WebhookDelivery.objects.create(**fields)


@outbox_handler("webhook")
def webhook_deliver(payload: dict) -> None:
    """Send one instruction event to one client's webhook (called by the outbox relay)."""
    client = ApiClient.objects.select_related("unit").filter(pk=payload.get("client")).first()
    instruction = (
        FreezeInstruction.objects.select_related("control", "control__incident", "unit", "releases")
        .filter(pk=payload.get("instruction"))
        .first()
    )
    if client is None or instruction is None:
        return
    if not webhook_subscribed(client, instruction.unit):
        # Unsubscribed (or moved to another unit) since the event was queued: nothing to send.
        return
    event = payload.get("event", "")
    body = webhook_body(instruction=instruction, event=event)
    timestamp = str(int(time.time()))
    request = urllib.request.Request(
        client.webhook_url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "FraudOps-Webhook/1",
            EVENT_HEADER: event,
            DELIVERY_HEADER: f"{instruction.pk}:{event}",
            TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: webhook_signature(
                secret=client.webhook_secret, timestamp=timestamp, body=body
            ),
        },
    )
    started = time.monotonic()
    log = {"client": client, "instruction": instruction, "event": event, "url": client.webhook_url}
    try:
        with _opener.open(request, timeout=settings.CONTROLS_WEBHOOK_TIMEOUT_SECONDS) as response:
            status = response.status
            excerpt = response.read(500)
    except urllib.error.HTTPError as exc:
        status = exc.code
        excerpt = exc.read(500) if exc.fp else b""
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        _log(
            **log,
            duration_ms=int((time.monotonic() - started) * 1000),
            error=f"{exc.__class__.__name__}: {reason}"[:2000],
        )
        raise TransientError(f"webhook {client.name}: {reason}") from exc
    duration_ms = int((time.monotonic() - started) * 1000)
    ok = 200 <= status < 300
    _log(
        **log,
        status_code=status,
        duration_ms=duration_ms,
        ok=ok,
        error="" if ok else f"HTTP {status}",
        response_excerpt=excerpt.decode("utf-8", "replace")[:500],
    )
    if ok:
        instructions_mark_delivered(
            actor=Actor.for_client(client),
            instruction_ids=[instruction.pk],
            via=DeliveryChannel.WEBHOOK,
        )
        return
    if status >= 500 or status in (408, 425, 429):
        raise TransientError(f"webhook {client.name}: HTTP {status}")
    raise WebhookRejected(f"webhook {client.name}: HTTP {status}")

"""The transactional outbox: every side effect leaves the system through here.

    outbox_enqueue(kind="email", payload={...}, dedupe_key="...")   # inside the transaction
    @outbox_handler("email")
    def send_email(payload: dict) -> None: ...                     # raise TransientError to retry

A row is written in the caller's transaction, so it exists exactly when the change does.
After commit a Celery task relays due rows; a periodic beat task relays whatever was missed
(broker down at commit time, a worker killed mid-batch). Rows are claimed with
`SELECT ... FOR UPDATE SKIP LOCKED`, so several relays never send the same row twice at once.
A handler that raises TransientError is retried with exponential backoff; after
MAX_ATTEMPTS, or on any other exception, the row becomes a dead letter that an
administrator can see and retry in the admin.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import OutboxMessage

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
BATCH_SIZE = 100

_handlers: dict[str, Callable[[dict], None]] = {}


class TransientError(Exception):
    """The handler could not deliver now (network, remote 5xx): try again later."""


def outbox_handler(kind: str):
    def register(func: Callable[[dict], None]) -> Callable[[dict], None]:
        _handlers[kind] = func
        return func

    return register


def outbox_enqueue(*, kind: str, payload: dict, dedupe_key: str | None = None) -> OutboxMessage:
    """Write a side effect to the outbox, inside the caller's transaction.

    With a `dedupe_key`, enqueueing the same effect twice keeps one row.
    """
    try:
        with transaction.atomic():
            message = OutboxMessage.objects.create(
                kind=kind, payload=payload, dedupe_key=dedupe_key
            )
    except IntegrityError:
        return OutboxMessage.objects.get(dedupe_key=dedupe_key)
    transaction.on_commit(_kick_relay)
    return message


def _kick_relay() -> None:
    """Ask a worker to relay now; if the broker is down, the periodic relay catches up."""
    from .tasks import outbox_relay

    try:
        outbox_relay.apply_async(retry=False)
    except Exception:  # noqa: BLE001 - the broker being down must never fail the request
        logger.warning("Broker unavailable: outbox rows wait for the periodic relay.")


def _backoff(attempts: int) -> datetime.timedelta:
    return datetime.timedelta(seconds=min(2**attempts * 5, 3600))


def outbox_relay_batch(*, limit: int = BATCH_SIZE) -> int:
    """Deliver due pending rows once each; returns how many were handled."""
    handled = 0
    while handled < limit:
        with transaction.atomic():
            message = (
                OutboxMessage.objects.select_for_update(skip_locked=True)
                .filter(status=OutboxMessage.Status.PENDING, next_attempt_at__lte=timezone.now())
                .order_by("next_attempt_at", "id")
                .first()
            )
            if message is None:
                break
            _deliver(message)
            handled += 1
    return handled


def _deliver(message: OutboxMessage) -> None:
    handler = _handlers.get(message.kind)
    message.attempts += 1
    try:
        if handler is None:
            raise LookupError(f"No outbox handler for kind {message.kind!r}")
        handler(message.payload)
    except TransientError as exc:
        message.last_error = str(exc)[:2000]
        if message.attempts >= MAX_ATTEMPTS:
            message.status = OutboxMessage.Status.DEAD
        else:
            message.next_attempt_at = timezone.now() + _backoff(message.attempts)
    except Exception as exc:
        logger.exception("Outbox message %s failed permanently", message.pk)
        message.last_error = f"{exc.__class__.__name__}: {exc}"[:2000]
        message.status = OutboxMessage.Status.DEAD
    else:
        message.status = OutboxMessage.Status.SENT
        message.sent_at = timezone.now()
        message.last_error = ""
    message.save(update_fields=["attempts", "status", "next_attempt_at", "last_error", "sent_at"])


def outbox_retry(*, message_ids: list[int]) -> int:
    """An administrator sends dead letters again."""
    return OutboxMessage.objects.filter(
        pk__in=message_ids, status=OutboxMessage.Status.DEAD
    ).update(status=OutboxMessage.Status.PENDING, attempts=0, next_attempt_at=timezone.now())

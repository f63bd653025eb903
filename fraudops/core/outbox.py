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
import os
import threading
from collections.abc import Callable
from typing import Any

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from .models import OutboxMessage

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
BATCH_SIZE = 100

_handlers: dict[str, Callable[[dict[str, Any]], None]] = {}


class TransientError(Exception):
    """The handler could not deliver now (network, remote 5xx): try again later."""


Handler = Callable[[dict[str, Any]], None]


def outbox_handler(kind: str) -> Callable[[Handler], Handler]:
    def register(func: Handler) -> Handler:
        _handlers[kind] = func
        return func

    return register


def outbox_enqueue(*, kind: str, payload: dict[str, Any], dedupe_key: str | None = None) -> None:
    """Write a side effect to the outbox, inside the caller's transaction.

    With a `dedupe_key`, enqueueing the same effect twice keeps one row: one
    INSERT ... ON CONFLICT DO NOTHING, no savepoint, no second query.
    """
    OutboxMessage.objects.bulk_create(
        [OutboxMessage(kind=kind, payload=payload, dedupe_key=dedupe_key)],
        ignore_conflicts=dedupe_key is not None,
    )
    # Cheap however many rows a transaction writes: a kick only sets the kicker's flag.
    transaction.on_commit(_kick_relay)


class _Kicker:
    """Asks a worker to relay now, off the request's path and coalesced.

    Every commit that wrote outbox rows calls `request()`, which only sets a flag; a thread
    of this process publishes one relay task for all the commits that asked since its last
    publish. A burst of fifty approvals therefore costs a handful of publishes, not fifty,
    and no request waits for the broker. If the process ends before the thread publishes,
    or the broker is down, the periodic relay (beat, every 10 s) delivers the rows.
    """

    def __init__(self) -> None:
        self._wanted = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._pid: int | None = None

    def request(self) -> None:
        self._wanted.set()
        if self._thread is None or self._pid != os.getpid() or not self._thread.is_alive():
            with self._lock:
                if self._thread is None or self._pid != os.getpid() or not self._thread.is_alive():
                    # After a fork the parent's thread is gone: start this process's own.
                    self._pid = os.getpid()
                    self._thread = threading.Thread(
                        target=self._run, name="outbox-kicker", daemon=True
                    )
                    self._thread.start()

    def _run(self) -> None:
        while True:
            self._wanted.wait()
            self._wanted.clear()
            _publish_relay()


_kicker = _Kicker()


def _kick_relay() -> None:
    _kicker.request()


def _publish_relay() -> None:
    """Ask a worker to relay now; if the broker is down, the periodic relay catches up."""
    try:
        outbox_relay.apply_async(retry=False)
    except Exception:  # noqa: BLE001 - the broker being down must never stop the kicker
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


# The relay task lives here, beside what it runs, so the kicker can publish it without an
# import cycle; `fraudops.core.tasks` re-exports it under the name beat and workers know.
@shared_task(  # type: ignore[untyped-decorator]  # celery ships no type hints
    name="fraudops.core.tasks.outbox_relay", ignore_result=True, time_limit=60, soft_time_limit=50
)
def outbox_relay() -> int:
    """Relay due outbox rows (kicked after each commit and run periodically by beat)."""
    return outbox_relay_batch()


def outbox_retry(*, message_ids: list[int]) -> int:
    """An administrator sends dead letters again."""
    return OutboxMessage.objects.filter(
        pk__in=message_ids, status=OutboxMessage.Status.DEAD
    ).update(status=OutboxMessage.Status.PENDING, attempts=0, next_attempt_at=timezone.now())

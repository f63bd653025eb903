"""The clock tests' helpers: incidents filed through the real service (their tasks carry
the clocks), a broker that is down, the notification keys written to the outbox."""

from __future__ import annotations

import contextlib

from incidents.tests.conftest import file_incident  # noqa: F401 - a fixture, shared

CLOSED_PORT_BROKER = "redis://127.0.0.1:1/0"


def _reset_producers() -> None:
    # What Celery does after a fork: forget pooled broker connections, so the next publish
    # connects to the broker URL configured now.
    from fraudops.celery import app

    app._pool = None
    app.amqp._producer_pool = None


@contextlib.contextmanager
def broker_down():
    """Point Celery at a closed port (Redis unavailable) for the duration of the block."""
    from fraudops.celery import app

    original = app.conf.broker_url, app.conf.broker_transport_options
    _reset_producers()
    app.conf.broker_url = CLOSED_PORT_BROKER
    app.conf.broker_transport_options = {"max_retries": 0}  # as settings do for Redis
    try:
        yield
    finally:
        _reset_producers()
        app.conf.broker_url, app.conf.broker_transport_options = original


def queued_notification_keys() -> list[str]:
    """The keys of every notification written to the outbox: single rows and the sweep's
    escalation notices (one key per clock and stage)."""
    from clocks.notices import NOTICE_KIND
    from fraudops.core.models import OutboxMessage

    keys = []
    for kind, payload in OutboxMessage.objects.filter(
        kind__in=["notification", NOTICE_KIND]
    ).values_list("kind", "payload"):
        if kind == NOTICE_KIND:
            keys.extend(f"clock:{row[0]}:{row[1]}" for row in payload["escalations"])
        else:
            keys.append(payload.get("key", ""))
    return keys

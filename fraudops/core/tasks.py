"""The core's Celery tasks (beat runs both; see CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from .idempotency import idempotency_purge as purge_expired_keys
from .outbox import outbox_relay

__all__ = ["idempotency_purge", "outbox_relay"]


@shared_task(ignore_result=True, time_limit=600, soft_time_limit=540)
def idempotency_purge() -> int:
    """Forget Idempotency-Keys past their keeping time (hourly, by beat)."""
    return purge_expired_keys()

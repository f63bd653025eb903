from celery import shared_task

from .idempotency import idempotency_purge as purge_expired_keys
from .outbox import outbox_relay_batch


@shared_task(ignore_result=True, time_limit=60, soft_time_limit=50)
def outbox_relay() -> int:
    """Relay due outbox rows (kicked after each commit and run periodically by beat)."""
    return outbox_relay_batch()


@shared_task(ignore_result=True, time_limit=600, soft_time_limit=540)
def idempotency_purge() -> int:
    """Forget Idempotency-Keys past their keeping time (hourly, by beat)."""
    return purge_expired_keys()

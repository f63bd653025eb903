from celery import shared_task

from .outbox import outbox_relay_batch


@shared_task(ignore_result=True, time_limit=60, soft_time_limit=50)
def outbox_relay() -> int:
    """Relay due outbox rows (kicked after each commit and run periodically by beat)."""
    return outbox_relay_batch()

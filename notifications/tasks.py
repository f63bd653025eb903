"""Celery tasks of the notifications app: each is idempotent and calls one service."""

from celery import shared_task

from .services import notification_digests_make


@shared_task(ignore_result=True, time_limit=600, soft_time_limit=570)
def notifications_digest() -> int:
    """Make today's digests (beat, daily): one email per person listing their undigested
    non-urgent notifications. Running it twice sends nothing more."""
    return notification_digests_make()

"""Celery tasks of the watch list: each takes ids, is idempotent and calls one service."""

from celery import shared_task

from .csvio import import_run as run_import
from .incident_hooks import incident_screen
from .services import EXPIRE_BATCH, entries_expire_due


@shared_task(ignore_result=True, time_limit=1800, soft_time_limit=1700)
def import_run(job_id: int, ip: str | None = None) -> None:
    """Check and publish an uploaded CSV file (a job that already started is skipped)."""
    run_import(job_id=job_id, ip=ip)


@shared_task(ignore_result=True, time_limit=120, soft_time_limit=100)
def incident_rescreen(incident_id: int) -> int:
    """Screen a filed incident again. Filing now asks for this through the outbox
    (`watchlist.incident_rescreen`, relayed by `incident_hooks._relay_rescreen`); the task
    stays for messages queued before that and for running it by hand."""
    from incidents.models import Incident

    incident = Incident.objects.filter(pk=incident_id).first()
    if incident is None:
        return 0
    count, _complete = incident_screen(incident=incident)
    return count


@shared_task(ignore_result=True, time_limit=300, soft_time_limit=280)
def watchlist_sweep() -> int:
    """Expire entries whose last day has passed (beat, hourly), a batch per transaction
    until a batch comes back short. Idempotent."""
    total = 0
    while True:
        expired = entries_expire_due(limit=EXPIRE_BATCH)
        total += expired
        if expired < EXPIRE_BATCH:
            return total

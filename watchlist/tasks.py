"""Celery tasks of the watch list: each takes ids, is idempotent and calls one service. And
the outbox handler that queues the import task (it lives beside the task it queues, so the
services never import the tasks)."""

from celery import shared_task

from fraudops.core.outbox import TransientError, outbox_handler
from incidents.models import Incident

from .choices import OutboxKind
from .incident_hooks import incident_screen
from .services import EXPIRE_BATCH, entries_expire_due
from .services import import_run as run_import


@shared_task(ignore_result=True, time_limit=1800, soft_time_limit=1700)
def import_run(job_id: int, ip: str | None = None) -> None:
    """Check and publish an uploaded CSV file (a job that already started is skipped)."""
    run_import(job_id=job_id, ip=ip)


@outbox_handler(OutboxKind.IMPORT_RUN)
def _relay_import(payload: dict) -> None:
    """Queue the import task (`services.import_create` writes the outbox row). The import is
    not run here: it can take minutes and commits its progress as it goes, which the relay's
    short task and transaction cannot hold. The task is idempotent (a job that already
    started is skipped), so queueing twice is safe."""
    try:
        import_run.apply_async(args=(payload["job_id"], payload.get("ip")), retry=False)
    except Exception as exc:  # whatever the broker raises: try again later
        raise TransientError(f"Could not queue import job {payload['job_id']}: {exc}") from exc


@shared_task(ignore_result=True, time_limit=120, soft_time_limit=100)
def incident_rescreen(incident_id: int) -> int:
    """Screen a filed incident again. Filing now asks for this through the outbox
    (`watchlist.incident_rescreen`, relayed by `incident_hooks._relay_rescreen`); the task
    stays for messages queued before that and for running it by hand."""
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

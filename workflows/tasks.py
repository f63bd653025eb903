from celery import shared_task

from .sweep import clocks_sweep as run_sweep


@shared_task(ignore_result=True, time_limit=60, soft_time_limit=50)
def clocks_sweep() -> int:
    """Fire every escalation that is due (run by beat every few seconds, on its own queue so
    a backlog of notifications never delays a deadline). Idempotent: each (clock, stage)
    fires once however many copies run at the same time."""
    return run_sweep().fired

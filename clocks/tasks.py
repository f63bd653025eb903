import logging

from celery import shared_task
from django.conf import settings

from .sweep import clocks_sweep as run_sweep

logger = logging.getLogger(__name__)


def _ask_for_help() -> None:
    """A full batch means a backlog: send one more sweep for an idle worker to pick up."""
    try:
        clocks_sweep.apply_async(retry=False, expires=settings.CLOCK_SWEEP_SECONDS * 2)
    except Exception:  # noqa: BLE001 - broker down: this worker carries on alone
        logger.warning("Broker unavailable: the sweep continues without help.")


@shared_task(  # type: ignore[untyped-decorator]  # celery ships no type hints
    ignore_result=True, time_limit=60, soft_time_limit=50
)
def clocks_sweep() -> int:
    """Fire every escalation that is due (run by beat every few seconds, on its own queue so
    a backlog of notifications never delays a deadline). Idempotent: each (clock, stage)
    fires once however many copies run at the same time."""
    return run_sweep(on_backlog=_ask_for_help).fired

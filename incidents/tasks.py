"""Celery tasks of incidents (beat runs them; see CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from .services.evidence import evidence_orphans_sweep as sweep_orphans


@shared_task(  # type: ignore[untyped-decorator]  # celery ships no type hints
    ignore_result=True, time_limit=900, soft_time_limit=840
)
def evidence_orphans_sweep() -> int:
    """Delete evidence files that no row points at (left by a write that never committed),
    once they are older than EVIDENCE_ORPHAN_MINUTES. Hourly, by beat; idempotent."""
    return sweep_orphans()

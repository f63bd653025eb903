"""Reads of clocks: head office's grace periods, late clocks by thread, escalations."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from .choices import ClockStatus
from .models import Clock, Escalation, EscalationPolicy

DEFAULT_GRACE_MINUTES = 15


def grace_resolver(*, kind: str, incident_type: str | None = None) -> Callable[[str], int]:
    """Head office's grace periods for clocks of `kind` on incidents of `incident_type` (the
    type's code), in one query: call the result with a step code. The most specific
    EscalationPolicy wins (type and step, then type, then step, then the kind alone), else
    the per-kind setting, else settings.CLOCK_GRACE_MINUTES."""
    policies = list(
        EscalationPolicy.objects.filter(kind=kind).filter(
            Q(incident_type__isnull=True) | Q(incident_type__code=incident_type)
        )
    )
    by_kind: dict[str, int | str] = getattr(settings, "CLOCK_GRACE_MINUTES_BY_KIND", {}) or {}
    if kind in by_kind:
        fallback = int(by_kind[kind])
    else:
        fallback = int(getattr(settings, "CLOCK_GRACE_MINUTES", DEFAULT_GRACE_MINUTES))

    def grace(step_code: str = "") -> int:
        best: tuple[int, int] | None = None
        for policy in policies:
            if policy.step_code not in (step_code, ""):
                continue
            rank = (2 if policy.incident_type_id else 0) + (1 if policy.step_code else 0)
            if best is None or rank > best[0]:
                best = (rank, policy.grace_minutes)
        return best[1] if best is not None else fallback

    return grace


def grace_minutes_for(*, kind: str, incident_type: str | None = None, step_code: str = "") -> int:
    """Head office's grace period for one clock (see `grace_resolver`)."""
    return grace_resolver(kind=kind, incident_type=incident_type)(step_code)


def clocks_late_stages(*, threads: Iterable[str]) -> list[tuple[str, str]]:
    """(thread, stage escalated to) of every running clock of `threads` past its deadline,
    escalated or not, in one query."""
    return list(
        Clock.objects.filter(
            thread__in=list(threads),
            status__in=[ClockStatus.OPEN, ClockStatus.ESCALATED],
            due_at__lte=timezone.now(),
        ).values_list("thread", "stage")
    )


def escalations_of_thread(*, thread: str) -> QuerySet[Escalation]:
    """Every escalation fired for the clocks of one thread (an incident's), in order, with
    their clock and the unit told."""
    return (
        Escalation.objects.filter(clock__thread=thread)
        .select_related("clock", "unit")
        .order_by("fired_at", "id")
    )

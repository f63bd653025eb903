from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from fraudops.core.choices import LEVEL_ORDER

from .models import Playbook, PlaybookStep


def playbook_current_list() -> QuerySet[Playbook]:
    """The current playbook of every active type, with steps, in two queries."""
    return (
        Playbook.objects.filter(is_current=True, incident_type__is_active=True)
        .select_related("incident_type")
        .prefetch_related(Prefetch("steps", queryset=PlaybookStep.objects.order_by("order")))
        .order_by("incident_type__ordering", "incident_type__code")
    )


def steps_by_level(playbook: Playbook) -> dict[str, list[PlaybookStep]]:
    grouped: dict[str, list[PlaybookStep]] = {level: [] for level in LEVEL_ORDER}
    for step in playbook.steps.all():
        grouped.setdefault(step.level, []).append(step)
    for steps in grouped.values():
        steps.sort(key=lambda s: s.order)
    return grouped

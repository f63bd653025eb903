from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet

from fraudops.core.choices import LEVEL_ORDER

from .models import IncidentType, Playbook, PlaybookStep
from .playbook_files import shipped_type_codes


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


def incident_type_list() -> list[IncidentType]:
    """Every type, active or not, in list order, each with `current` (its current playbook
    or None, with its steps' count as `step_count`) and `shipped` (its playbook is one of
    the project's files, else the bank added it). Two queries."""
    current = Playbook.objects.filter(is_current=True).annotate(step_count=Count("steps"))
    types = list(
        IncidentType.objects.order_by("ordering", "code").prefetch_related(
            Prefetch("playbooks", queryset=current, to_attr="current_playbooks")
        )
    )
    shipped = shipped_type_codes()
    for incident_type in types:
        found = getattr(incident_type, "current_playbooks", [])
        incident_type.current = found[0] if found else None  # type: ignore[attr-defined]
        incident_type.shipped = incident_type.code in shipped  # type: ignore[attr-defined]
    return types


def incident_type_get(*, code: str) -> IncidentType | None:
    return IncidentType.objects.filter(code=code).first()

"""Timeliness (reads): per incident, filing → each step's completion against its deadline,
with its milestones and escalations; per unit and period, the share of steps done on time."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clocks.models import Escalation
from clocks.selectors import escalations_of_thread
from fraudops.core.actors import Actor
from fraudops.core.choices import LEVEL_ORDER, Level
from fraudops.core.errors import OutOfScope
from fraudops.core.i18n import pick
from fraudops.core.models import OrgUnit
from fraudops.core.parsing import FieldErrors, parse_date
from fraudops.core.selectors import head_office
from workflows.choices import FRAUD_GROUPS

from .choices import FINISHED_TASK_STATUSES, TaskStatus, TimelinessResult
from .models import Task


@dataclass
class StepTiming:
    """How one playbook step of an incident went against its clock."""

    task_id: int
    level: str
    step_code: str
    title: str
    unit_code: str
    owner_role: str
    status: str
    opened_at: datetime.datetime | None
    due_at: datetime.datetime | None
    completed_at: datetime.datetime | None
    minutes_from_filing: float | None  # filing → completion
    minutes_allowed: float | None  # opening → deadline
    minutes_taken: float | None  # opening → completion
    result: str  # a TimelinessResult


@dataclass
class Milestone:
    code: str
    label: str
    at: datetime.datetime | None
    minutes_from_filing: float | None


@dataclass
class IncidentTimeliness:
    number: str
    filed_at: datetime.datetime
    milestones: list[Milestone]
    steps: list[StepTiming]
    escalations: list[Escalation]
    on_time: int = 0
    late: int = 0
    overdue: int = 0
    pending: int = 0

    @property
    def judged(self) -> int:
        return self.on_time + self.late + self.overdue

    @property
    def on_time_share(self) -> float | None:
        return round(self.on_time / self.judged, 4) if self.judged else None


def _minutes(start, end) -> float | None:
    if start is None or end is None:
        return None
    return round((end - start).total_seconds() / 60, 1)


def _result(task, now) -> str:
    if task.status == TaskStatus.WAITING:
        return TimelinessResult.PENDING
    if task.due_at is None:
        return TimelinessResult.NO_DEADLINE
    if task.status in FINISHED_TASK_STATUSES:
        return (
            TimelinessResult.ON_TIME if task.completed_at <= task.due_at else TimelinessResult.LATE
        )
    if task.status == TaskStatus.OPEN and task.due_at <= now:
        return TimelinessResult.OVERDUE
    return TimelinessResult.PENDING


def incident_timeliness(*, incident) -> IncidentTimeliness:
    """Filing → each step's completion, against its deadline; the incident's milestones and
    escalations. Uses the incident's prefetched tasks (incidents.selectors.incident_get) and
    one query for its escalations."""
    now = timezone.now()
    filed = incident.filed_at
    if "tasks" in getattr(incident, "_prefetched_objects_cache", {}):
        tasks = list(incident.tasks.all())
    else:
        tasks = list(incident.tasks.select_related("step", "unit"))
    tasks.sort(key=lambda t: (LEVEL_ORDER.index(Level(t.level)), t.order))
    steps = []
    counts = {result: 0 for result in TimelinessResult.values}
    for task in tasks:
        result = _result(task, now)
        counts[result] += 1
        steps.append(
            StepTiming(
                task_id=task.pk,
                level=task.level,
                step_code=task.step.code,
                title=task.step.title,
                unit_code=task.unit.code,
                owner_role=task.owner_role,
                status=task.status,
                opened_at=task.opened_at,
                due_at=task.due_at,
                completed_at=task.completed_at,
                minutes_from_filing=_minutes(filed, task.completed_at),
                minutes_allowed=_minutes(task.opened_at, task.due_at),
                minutes_taken=_minutes(task.opened_at, task.completed_at),
                result=result,
            )
        )
    milestones = [
        Milestone(code, str(label), at, _minutes(filed, at))
        for code, label, at in (
            ("filed", _("Filed"), filed),
            (
                "reported_to_sub_branch",
                _("Reported to the sub-branch"),
                incident.reported_to_sub_branch_at,
            ),
            (
                "reported_to_head_office",
                _("Reported to head office"),
                incident.reported_to_head_office_at,
            ),
            ("closed", _("Closed or withdrawn"), incident.closed_at),
        )
    ]
    escalations = list(escalations_of_thread(thread=incident.thread))
    return IncidentTimeliness(
        number=incident.number,
        filed_at=filed,
        milestones=milestones,
        steps=steps,
        escalations=escalations,
        on_time=counts[TimelinessResult.ON_TIME],
        late=counts[TimelinessResult.LATE],
        overdue=counts[TimelinessResult.OVERDUE],
        pending=counts[TimelinessResult.PENDING],
    )


def _share(on_time: int, judged: int) -> float | None:
    return round(on_time / judged, 4) if judged else None


def timeliness_by_unit(
    *, actor: Actor, unit: OrgUnit, date_from: datetime.date, date_to: datetime.date
) -> dict:
    """For the steps owned in `unit`'s subtree whose deadline fell in [date_from, date_to]
    (local dates): how many were done on time, late, or are overdue now; per owning unit and
    per step. Steps not yet due are counted as pending and left out of the share.

    The figures are the fraud figures: steps of incidents whose type is not a fraud (group
    customer safety: a card left in an ATM) are left out of them and counted on their own,
    under "customer_safety" (one total)."""
    if not actor.sees(unit):
        raise OutOfScope()
    now = timezone.now()
    start = timezone.make_aware(datetime.datetime.combine(date_from, datetime.time.min))
    end = timezone.make_aware(
        datetime.datetime.combine(date_to + datetime.timedelta(days=1), datetime.time.min)
    )
    in_period = Task.objects.filter(
        due_at__gte=start, due_at__lt=end, unit__path__startswith=unit.path
    ).exclude(status=TaskStatus.WAITING)
    fraud = Q(incident__incident_type__group__in=FRAUD_GROUPS)
    tasks = in_period.filter(fraud)
    figures = {
        "on_time": Count(
            "id", filter=Q(status__in=FINISHED_TASK_STATUSES, completed_at__lte=F("due_at"))
        ),
        "late": Count(
            "id", filter=Q(status__in=FINISHED_TASK_STATUSES, completed_at__gt=F("due_at"))
        ),
        "overdue": Count("id", filter=Q(status=TaskStatus.OPEN, due_at__lte=now)),
        "pending": Count("id", filter=Q(status=TaskStatus.OPEN, due_at__gt=now)),
    }

    def finish(row: dict) -> dict:
        judged = row["on_time"] + row["late"] + row["overdue"]
        return {**row, "judged": judged, "on_time_share": _share(row["on_time"], judged)}

    by_unit = [
        finish(
            {
                "unit": row["unit__code"],
                "unit_name_zh": row["unit__name_zh"],
                "unit_name_en": row["unit__name_en"],
                "unit_name": pick(row["unit__name_zh"], row["unit__name_en"]),
                "level": row["unit__level"],
                **{key: row[key] for key in figures},
            }
        )
        for row in tasks.values("unit__code", "unit__name_zh", "unit__name_en", "unit__level")
        .annotate(**figures)
        .order_by("unit__code")
    ]
    by_step = [
        finish(
            {
                "level": row["level"],
                "step": row["step__code"],
                "title_zh": row["step__title_zh"],
                "title_en": row["step__title_en"],
                "title": pick(row["step__title_zh"], row["step__title_en"]),
                **{key: row[key] for key in figures},
            }
        )
        for row in tasks.values("level", "step__code", "step__title_zh", "step__title_en")
        .annotate(**figures)
        .order_by("level", "step__code")
    ]
    # One step code can carry different titles across playbook versions: merge them.
    merged: dict[tuple[str, str], dict] = {}
    for row in by_step:
        key = (row["level"], row["step"])
        if key in merged:
            for name in (*figures, "judged"):
                merged[key][name] += row[name]
            merged[key]["on_time_share"] = _share(merged[key]["on_time"], merged[key]["judged"])
        else:
            merged[key] = row
    by_step = sorted(
        merged.values(), key=lambda r: (LEVEL_ORDER.index(Level(r["level"])), r["step"])
    )
    total = finish({key: sum(row[key] for row in by_unit) for key in figures})
    customer_safety = finish(in_period.exclude(fraud).aggregate(**figures))
    return {
        "unit": unit.code,
        "from": date_from,
        "to": date_to,
        "total": total,
        "by_unit": by_unit,
        "by_step": by_step,
        "customer_safety": customer_safety,
    }


MAX_PERIOD_DAYS = 366


def timeliness_period(
    *, actor: Actor, unit_code: str | None, date_from: str | None, date_to: str | None
) -> tuple[OrgUnit, datetime.date, datetime.date]:
    """Read the unit and period of a timeliness query: by default the actor's own unit over
    the last 30 days (local dates, both ends included)."""
    errors = FieldErrors()
    unit = actor.unit
    if unit_code:
        unit = OrgUnit.objects.filter(code=unit_code).first()
        if unit is None:
            errors.add("unit", _("No org unit has this code."))
    if unit is None and not errors:
        unit = head_office()
    today = timezone.localdate()
    first = errors.collect(parse_date, date_from, field="from")
    last = errors.collect(parse_date, date_to, field="to")
    end = last or today
    start = first or end - datetime.timedelta(days=29)
    if not errors and start > end:
        errors.add("from", _("The start of the period must not be after its end."))
    if not errors and (end - start).days >= MAX_PERIOD_DAYS:
        errors.add("from", _("Ask for at most a year at a time."))
    errors.raise_if_any()
    if not actor.sees(unit):
        raise OutOfScope()
    return unit, start, end

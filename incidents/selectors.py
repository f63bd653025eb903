"""Reads of incidents, always limited to the actor's subtree."""

from __future__ import annotations

from django.db.models import (
    CharField,
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from fraudops.core.actors import Actor
from fraudops.core.changes import list_marker
from fraudops.core.choices import LEVEL_ORDER, level_above
from fraudops.core.errors import NotFound
from fraudops.core.models import AuditEvent

from .choices import OPEN_STATES, TaskStatus, states_held_at
from .models import Account, Evidence, Incident, Task


def incident_list(*, actor: Actor) -> QuerySet[Incident]:
    qs = Incident.objects.select_related("incident_type", "unit", "unit__parent").annotate(
        open_task_count=Count("tasks", filter=Q(tasks__status=TaskStatus.OPEN)),
        overdue_task_count=Count(
            "tasks",
            filter=Q(tasks__status=TaskStatus.OPEN, tasks__due_at__lt=timezone.now()),
        ),
    )
    path = actor.subtree_path()
    if path is not None:
        qs = qs.filter(unit__path__startswith=path)
    return qs.order_by("-filed_at", "-id")


def incident_get(*, actor: Actor, number: str) -> Incident:
    """One incident with everything its page shows, in a fixed number of queries."""
    qs = Incident.objects.select_related(
        "incident_type", "unit", "unit__parent", "unit__parent__parent", "playbook", "filed_by"
    ).prefetch_related(
        "parties",
        Prefetch("accounts", queryset=Account.objects.select_related("opening_unit", "party")),
        "vehicles",
        "evidence_files",
        Prefetch(
            "tasks",
            queryset=Task.objects.select_related(
                "step", "unit", "completed_by", "instructed_by"
            ).order_by("order"),
        ),
    )
    incident = qs.filter(number=number).first()
    if incident is None or not actor.sees(incident.unit):
        raise NotFound()
    return incident


def _in_subtree(queryset: QuerySet, actor: Actor, *, unit_path: str) -> QuerySet:
    path = actor.subtree_path()
    return queryset if path is None else queryset.filter(**{f"{unit_path}__startswith": path})


def incident_get_id(*, actor: Actor, number: str) -> int:
    """The pk of an incident the actor sees, in one query (for writes, which the services
    then lock and load themselves); NotFound outside the actor's subtree."""
    queryset = _in_subtree(Incident.objects.filter(number=number), actor, unit_path="unit__path")
    pk = queryset.values_list("pk", flat=True).first()
    if pk is None:
        raise NotFound()
    return pk


def task_get(*, actor: Actor, number: str, task_id: int) -> Task:
    """One task (with its step) of an incident the actor sees, in one query; NotFound
    otherwise."""
    queryset = _in_subtree(
        Task.objects.select_related("step").filter(pk=task_id, incident__number=number),
        actor,
        unit_path="incident__unit__path",
    )
    task = queryset.first()
    if task is None:
        raise NotFound()
    return task


def evidence_get(*, actor: Actor, number: str, evidence_id: int) -> Evidence:
    """One file of an incident the actor sees, in one query; NotFound otherwise."""
    queryset = _in_subtree(
        Evidence.objects.filter(pk=evidence_id, incident__number=number),
        actor,
        unit_path="incident__unit__path",
    )
    evidence = queryset.first()
    if evidence is None:
        raise NotFound()
    return evidence


def incident_timeline(*, incident: Incident) -> QuerySet[AuditEvent]:
    return (
        AuditEvent.objects.filter(thread=incident.thread)
        .select_related("actor_unit", "actor_user")
        .order_by("at", "id")
    )


def task_queue(*, actor: Actor) -> QuerySet[Task]:
    """Open and waiting steps the actor's unit owns at the levels of the actor's roles,
    and the waiting steps of the units just below that the actor's level instructs (a
    branch's police report waits for its sub-branch's word), most urgent first (overdue,
    then nearest deadline)."""
    levels = actor.working_levels()
    if actor.unit is None or not levels:
        return Task.objects.none()
    below = [level for level in LEVEL_ORDER if level_above(level) in levels]
    own = Q(unit=actor.unit, level__in=levels, status__in=[TaskStatus.OPEN, TaskStatus.WAITING])
    to_instruct = Q(unit__parent=actor.unit, level__in=below, status=TaskStatus.WAITING)
    return (
        Task.objects.filter(own | to_instruct if below else own, incident__state__in=OPEN_STATES)
        .select_related("incident", "incident__incident_type", "incident__unit", "step", "unit")
        .order_by("status", "due_at", "id")
    )


def incident_queue(*, actor: Actor) -> QuerySet[Incident]:
    """Open incidents currently held at the actor's level within their subtree."""
    states = states_held_at(*actor.working_levels())
    return incident_list(actor=actor).filter(state__in=states)


# --- change markers (docs/live-updates.md) ---------------------------------------------------

HOME_TASKS = 200
HOME_INCIDENTS = 100


def incident_change_marker(*, actor: Actor, number: str) -> str:
    """The incident page's marker: its thread's events (every write on the incident, by any
    app, is audited there), in one query with the scope check; NotFound outside the
    actor's subtree. The page reads it before anything else, so that what it shows is never
    older than the marker it carries."""
    thread = AuditEvent.objects.filter(
        thread=Concat(Value("incident:"), Cast(OuterRef("pk"), output_field=CharField()))
    ).order_by()
    figures = (
        _in_subtree(Incident.objects.filter(number=number), actor, unit_path="unit__path")
        .annotate(
            events=Subquery(
                thread.values("thread").annotate(n=Count("id")).values("n")[:1],
                output_field=IntegerField(),
            ),
            newest=Subquery(thread.order_by("-id").values("id")[:1]),
        )
        .values_list("events", "newest")
        .first()
    )
    if figures is None:
        raise NotFound()
    return f"{figures[0] or 0}.{figures[1] or 0}"


def home_change_marker(*, actor: Actor) -> str:
    """The home queue's marker: which steps and incidents it lists (as `home` lists them)
    and the events of their incidents. Three queries, however long the queue."""
    tasks = list(task_queue(actor=actor).values_list("pk", "status", "incident_id")[:HOME_TASKS])
    held = Incident.objects.filter(state__in=states_held_at(*actor.working_levels())).order_by(
        "-filed_at", "-id"
    )
    path = actor.subtree_path()
    if path is not None:
        held = held.filter(unit__path__startswith=path)
    incidents = list(held.values_list("pk", "state")[:HOME_INCIDENTS])
    return home_marker(task_rows=tasks, incident_rows=incidents)


def home_marker(
    *, task_rows: list[tuple[int, str, int]], incident_rows: list[tuple[int, str]]
) -> str:
    """The home queue's marker from its rows: (task pk, status, incident pk) and (incident
    pk, state); one query (the page passes the rows it has already loaded)."""
    ids = {incident_id for _pk, _status, incident_id in task_rows} | {
        pk for pk, _state in incident_rows
    }
    return list_marker(
        rows=[("t", *row) for row in task_rows] + [("i", *row) for row in incident_rows],
        threads=[f"incident:{pk}" for pk in ids],
    )

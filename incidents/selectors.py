"""Reads of incidents, always limited to the actor's subtree."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from functools import reduce
from operator import or_

from django.db.models import (
    CharField,
    Count,
    Exists,
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
from django.utils.translation import gettext as _

from fraudops.core.actors import Actor
from fraudops.core.changes import list_marker
from fraudops.core.choices import LEVEL_ORDER, ROLE_LEVEL, level_above
from fraudops.core.errors import InvalidInput, NotFound
from fraudops.core.models import AuditEvent, OrgUnit, RoleAssignment, User

from . import search
from .choices import OPEN_STATES, TaskStatus, states_held_at
from .models import (
    Account,
    Evidence,
    Incident,
    LedgerEntry,
    Party,
    SearchKey,
    SummaryAmendment,
    Task,
    Vehicle,
)
from .panels import home_panel_marks


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


def ledger_entries_queryset() -> QuerySet[LedgerEntry]:
    """An incident's ledger entries with who recorded and voided them, oldest first."""
    return LedgerEntry.objects.select_related(
        "recorded_by", "recorded_by_client", "voided_by", "voided_by_client"
    ).order_by("occurred_at", "id")


def incident_ledger(*, actor: Actor, number: str) -> Incident:
    """An incident the actor sees with its ledger entries (two queries); NotFound
    otherwise."""
    queryset = _in_subtree(Incident.objects.filter(number=number), actor, unit_path="unit__path")
    incident = queryset.prefetch_related(
        Prefetch("ledger_entries", queryset=ledger_entries_queryset())
    ).first()
    if incident is None:
        raise NotFound()
    return incident


def incident_get(*, actor: Actor, number: str) -> Incident:
    """One incident with everything its page shows, in a fixed number of queries."""
    qs = Incident.objects.select_related(
        "incident_type", "unit", "unit__parent", "unit__parent__parent", "playbook", "filed_by"
    ).prefetch_related(
        "parties",
        Prefetch("accounts", queryset=Account.objects.select_related("opening_unit", "party")),
        "vehicles",
        # Rows removed after filing: kept, shown struck through (the default manager skips
        # them, so these come from `all_objects`).
        Prefetch(
            "parties",
            queryset=Party.all_objects.filter(removed_at__isnull=False).select_related(
                "removed_by", "removed_by_client"
            ),
            to_attr="removed_parties",
        ),
        Prefetch(
            "accounts",
            queryset=Account.all_objects.filter(removed_at__isnull=False).select_related(
                "opening_unit", "removed_by", "removed_by_client"
            ),
            to_attr="removed_accounts",
        ),
        Prefetch(
            "vehicles",
            queryset=Vehicle.all_objects.filter(removed_at__isnull=False).select_related(
                "removed_by", "removed_by_client"
            ),
            to_attr="removed_vehicles",
        ),
        Prefetch(
            "amendments",
            queryset=SummaryAmendment.objects.select_related("created_by", "created_by_client"),
        ),
        "evidence_files",
        Prefetch("ledger_entries", queryset=ledger_entries_queryset()),
        Prefetch(
            "tasks",
            queryset=Task.objects.select_related(
                "step", "unit", "completed_by", "instructed_by", "assignee"
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


def incident_for_edit(*, actor: Actor, number: str) -> Incident:
    """An incident the actor sees with its unit chain (who may edit its facts is decided
    on it), in one query; NotFound otherwise. The edit pages' read."""
    queryset = _in_subtree(
        Incident.objects.select_related("unit", "unit__parent", "unit__parent__parent").filter(
            number=number
        ),
        actor,
        unit_path="unit__path",
    )
    incident = queryset.first()
    if incident is None:
        raise NotFound()
    return incident


def case_row_get(*, incident: Incident, model: type[Party | Account | Vehicle], row_id: int):
    """A current (not removed) party, account or vehicle of `incident`; NotFound
    otherwise."""
    row = model.objects.filter(pk=row_id, incident=incident).first()
    if row is None:
        raise NotFound()
    return row


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


# The home queue's views of the steps (docs/owners.md): the unit's (every step of the queue),
# mine (held by me), unassigned (my unit's steps nobody holds).
QUEUE_UNIT, QUEUE_MINE, QUEUE_UNASSIGNED = "unit", "mine", "unassigned"
QUEUE_VIEWS = (QUEUE_UNIT, QUEUE_MINE, QUEUE_UNASSIGNED)


def task_queue(*, actor: Actor, show: str = QUEUE_UNIT) -> QuerySet[Task]:
    """Open and waiting steps the actor's unit owns at the levels of the actor's roles,
    and the waiting steps of the units just below that the actor's level instructs (a
    branch's police report waits for its sub-branch's word), most urgent first (overdue,
    then nearest deadline). `show`: `unit` (all of them), `mine` (the ones the actor holds)
    or `unassigned` (the actor's unit's own that nobody holds)."""
    levels = actor.working_levels()
    if actor.unit is None or not levels:
        return Task.objects.none()
    below = [level for level in LEVEL_ORDER if level_above(level) in levels]
    own = Q(unit=actor.unit, level__in=levels, status__in=[TaskStatus.OPEN, TaskStatus.WAITING])
    to_instruct = Q(unit__parent=actor.unit, level__in=below, status=TaskStatus.WAITING)
    queue = Task.objects.filter(
        own | to_instruct if below else own, incident__state__in=OPEN_STATES
    )
    if show == QUEUE_MINE:
        queue = queue.filter(assignee=actor.user) if actor.user else queue.none()
    elif show == QUEUE_UNASSIGNED:
        queue = queue.filter(own, assignee__isnull=True)
    return queue.select_related(
        "incident", "incident__incident_type", "incident__unit", "step", "unit", "assignee"
    ).order_by("status", "due_at", "id")


def task_queue_counts(*, actor: Actor) -> dict[str, int]:
    """How many steps each view of the home queue holds, in one query."""
    queue = task_queue(actor=actor).order_by()
    if not actor.unit or not actor.working_levels():
        return dict.fromkeys(QUEUE_VIEWS, 0)
    mine = Q(assignee=actor.user) if actor.user else Q(pk__in=[])
    # (Aggregates named apart from the fields their filters use.)
    figures = queue.aggregate(
        in_unit=Count("id"),
        in_mine=Count("id", filter=mine),
        in_unassigned=Count("id", filter=Q(unit=actor.unit, assignee__isnull=True)),
    )
    return {view: figures[f"in_{view}"] or 0 for view in QUEUE_VIEWS}


def task_list(*, actor: Actor, assignee: str = "") -> QuerySet[Task]:
    """The API's list of steps to work: a person's queue (`task_queue`), an API client's
    open and waiting steps in its subtree; `assignee`: `me`, `none` or a person's id."""
    if actor.client is not None:
        queue = _in_subtree(
            Task.objects.filter(
                status__in=[TaskStatus.OPEN, TaskStatus.WAITING], incident__state__in=OPEN_STATES
            ),
            actor,
            unit_path="unit__path",
        ).select_related("incident", "step", "unit", "assignee")
    else:
        queue = (
            task_queue(actor=actor)
            .select_related(None)
            .select_related("incident", "step", "unit", "assignee")
        )
    if assignee == "me":
        if actor.user is None:
            raise InvalidInput(
                fields={"assignee": [_("“me” needs a person: an API client holds no step.")]}
            )
        queue = queue.filter(assignee=actor.user)
    elif assignee == "none":
        queue = queue.filter(assignee__isnull=True)
    elif assignee:
        try:
            person = int(assignee)
        except ValueError:
            raise InvalidInput(
                fields={"assignee": [_("Give “me”, “none” or a person's id.")]}
            ) from None
        queue = queue.filter(assignee_id=person)
    return queue.order_by("status", "due_at", "id")


def assignable_people(*, tasks: Sequence[Task]) -> dict[int, list[User]]:
    """For each task, who may hold it, by name (`permissions.may_hold_task`: active, of its
    unit, with a role of its level); one query for them all (their role assignments)."""
    units = {task.unit_id for task in tasks}
    if not units:
        return {}
    held: dict[int, set[str]] = {}
    people: dict[int, User] = {}
    for assignment in RoleAssignment.objects.filter(
        user__unit_id__in=units, user__is_active=True, role__in=list(ROLE_LEVEL)
    ).select_related("user"):
        people[assignment.user_id] = assignment.user
        held.setdefault(assignment.user_id, set()).add(assignment.role)
    ordered = sorted(people.values(), key=lambda u: (u.display_name or u.username, u.pk))
    result: dict[int, list[User]] = {}
    for task in tasks:
        level = {role for role, role_level in ROLE_LEVEL.items() if role_level == task.level}
        result[task.pk] = [
            user for user in ordered if user.unit_id == task.unit_id and held[user.pk] & level
        ]
    return result


def incident_queue(*, actor: Actor) -> QuerySet[Incident]:
    """Open incidents currently held at the actor's level within their subtree."""
    states = states_held_at(*actor.working_levels())
    return incident_list(actor=actor).filter(state__in=states)


# --- search and filters (the list page, its exports and the API list) -------------------------


def incident_search(queryset: QuerySet[Incident], *, text: str) -> QuerySet[Incident]:
    """The incidents of `queryset` found under what was typed in the search box (number,
    reference, name, document, phone, account or card, web address or domain): exact
    lookups of the keys `incidents.search.query_keys` reads in it, through the (key, kind)
    index. Nothing typed that can be a key finds nothing."""
    pairs = search.query_keys(text)
    if not pairs:
        return queryset.none()
    by_kind: dict[str, list[str]] = {}
    for kind, key in sorted(pairs):
        by_kind.setdefault(kind, []).append(key)
    match = reduce(or_, (Q(kind=kind, key__in=keys) for kind, keys in by_kind.items()))
    return queryset.filter(pk__in=SearchKey.objects.filter(match).values("incident_id"))


def _local_day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def incident_filter(
    queryset: QuerySet[Incident],
    *,
    text: str = "",
    incident_type: str = "",
    group: str = "",
    states: Sequence[str] = (),
    level: str = "",
    unit: OrgUnit | None = None,
    filed_from: datetime.date | None = None,
    filed_to: datetime.date | None = None,
    channel: str = "",
    outcome: str = "",
    serious: bool | None = None,
    overdue: bool | None = None,
) -> QuerySet[Incident]:
    """The list filters, each optional: `unit` keeps its subtree, `filed_from`/`filed_to`
    are local days (both included), `overdue` keeps (or, False, drops) incidents with an open
    step past its deadline."""
    if text:
        queryset = incident_search(queryset, text=text)
    if incident_type:
        queryset = queryset.filter(incident_type_id=incident_type)
    if group:
        queryset = queryset.filter(incident_type__group=group)
    if states:
        queryset = queryset.filter(state__in=list(states))
    if level:
        queryset = queryset.filter(state__in=states_held_at(level))
    if unit is not None:
        queryset = queryset.filter(unit__path__startswith=unit.path)
    if filed_from is not None:
        queryset = queryset.filter(filed_at__gte=_local_day_start(filed_from))
    if filed_to is not None:
        queryset = queryset.filter(
            filed_at__lt=_local_day_start(filed_to + datetime.timedelta(days=1))
        )
    if channel:
        queryset = queryset.filter(channel=channel)
    if outcome:
        queryset = queryset.filter(outcome=outcome)
    if serious is not None:
        queryset = queryset.filter(serious=serious)
    if overdue is not None:
        late = Task.objects.filter(
            incident=OuterRef("pk"), status=TaskStatus.OPEN, due_at__lt=timezone.now()
        )
        queryset = queryset.filter(Exists(late)) if overdue else queryset.exclude(Exists(late))
    return queryset


def units_in_scope(*, actor: Actor) -> QuerySet[OrgUnit]:
    """The org units of the actor's subtree, by path (the list's unit filter)."""
    queryset = OrgUnit.objects.order_by("path")
    path = actor.subtree_path()
    return queryset if path is None else queryset.filter(path__startswith=path)


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
    panel_rows, panel_threads = home_panel_marks(actor=actor)
    return home_marker(
        task_rows=tasks,
        incident_rows=incidents,
        panel_rows=panel_rows,
        panel_threads=panel_threads,
    )


def home_marker(
    *,
    task_rows: list[tuple[int, str, int]],
    incident_rows: list[tuple[int, str]],
    panel_rows: Sequence[tuple] = (),
    panel_threads: Sequence[str] = (),
) -> str:
    """The home queue's marker from its rows: (task pk, status, incident pk), (incident
    pk, state) and the registered blocks' rows; one query for the events of all their
    threads."""
    ids = {incident_id for _pk, _status, incident_id in task_rows} | {
        pk for pk, _state in incident_rows
    }
    return list_marker(
        rows=[("t", *row) for row in task_rows]
        + [("i", *row) for row in incident_rows]
        + list(panel_rows),
        threads=[f"incident:{pk}" for pk in ids] + list(panel_threads),
    )

"""The escalation sweep: Celery beat runs `clocks_sweep` every few seconds (clocks.tasks).

Each batch, in one transaction:

1. claims up to `limit` open clocks whose next stage is due, oldest first, with
   `SELECT ... FOR UPDATE SKIP LOCKED` over the partial index `clock_open_next_at`; several
   workers (and two beat processes sending the task twice) each get different clocks;
2. locks their subjects (the task and its incident, for task clocks) with SKIP LOCKED too: a
   subject that someone is changing right now is left for the next sweep, and a subject that
   is finished (done, not applicable, incident closed) stops its clock instead of escalating;
3. fires the due stage of each remaining clock: an `Escalation` row (unique per clock and
   stage: the database refuses a second one), an audit event on the subject's thread (the
   incident's timeline) and a notification through the outbox, then points the clock at its
   next stage.

A worker killed mid-batch rolls the whole batch back; its clocks are still due and the next
sweep fires them, once. No ETA or countdown timers are involved.
"""

from __future__ import annotations

import datetime
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone

from fraudops.core import selectors as core_selectors
from fraudops.core.choices import LEVEL_LEAD_ROLE, ROLE_LEVEL, ROLE_MANAGER, Level
from fraudops.core.models import AuditEvent, OrgUnit, User
from fraudops.core.outbox import outbox_enqueue

from .choices import ClockStatus, EscalationStage
from .models import Clock, Escalation
from .notices import NOTICE_KIND
from .services import stage_time, stages_for

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
# A sweep task stops starting new batches after this long, well inside its time limit.
BUDGET_SECONDS = 40.0

# Subject guards: model label -> func(ids) -> {id: still running?} for the rows it could lock.
SubjectGuard = Callable[[list[int]], dict[int, bool]]
_guards: dict[str, SubjectGuard] = {}


def register_subject_guard(model_label: str, guard: SubjectGuard) -> None:
    """Tell the sweep how to lock subjects of a model and whether they still need their
    clock (e.g. "incidents.task": open, and its incident not closed).

    `guard(ids)` runs inside the sweep's transaction; it must lock the rows it returns with
    `select_for_update(skip_locked=True)` and leave out rows it could not lock. Without a
    guard, the sweep locks the subject rows and treats every existing one as running (the
    subject's app stops its clock when it finishes it).
    """
    _guards[model_label.lower()] = guard


def _default_guard(model: type[models.Model]) -> SubjectGuard:
    def guard(ids: list[int]) -> dict[int, bool]:
        locked = (
            model._default_manager.select_for_update(skip_locked=True)
            .filter(pk__in=ids)
            .values_list("pk", flat=True)
        )
        return dict.fromkeys(locked, True)

    return guard


@dataclass
class SweepResult:
    claimed: int = 0
    fired: int = 0
    stopped: int = 0
    deferred: int = 0

    def add(self, other: SweepResult) -> None:
        self.claimed += other.claimed
        self.fired += other.fired
        self.stopped += other.stopped
        self.deferred += other.deferred


def _check_subjects(clocks: list[Clock]) -> tuple[list[Clock], list[Clock], list[Clock]]:
    """Lock the clocks' subjects; split into (fire, stop, defer)."""
    by_type: dict[int, list[Clock]] = {}
    for clock in clocks:
        by_type.setdefault(clock.subject_type_id, []).append(clock)
    fire: list[Clock] = []
    stop: list[Clock] = []
    defer: list[Clock] = []
    for type_id, group in by_type.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        ids = sorted({clock.subject_id for clock in group})
        if model is None:
            stop.extend(group)
            continue
        guard = _guards.get(model._meta.label_lower) or _default_guard(model)
        running = guard(ids)
        missing = [pk for pk in ids if pk not in running]
        # Not returned: either locked by someone changing it now (try again next sweep) or
        # gone (stop its clock).
        exists = (
            set(model._default_manager.filter(pk__in=missing).values_list("pk", flat=True))
            if missing
            else set()
        )
        for clock in group:
            state = running.get(clock.subject_id)
            if state is True:
                fire.append(clock)
            elif state is False or clock.subject_id not in exists:
                stop.append(clock)
            else:
                defer.append(clock)
    return fire, stop, defer


def _units_for(clocks: list[Clock]) -> tuple[dict[int, OrgUnit], OrgUnit | None]:
    units = {
        unit.pk: unit
        for unit in OrgUnit.objects.select_related("parent", "parent__parent").filter(
            pk__in={clock.unit_id for clock in clocks}
        )
    }
    head_office = None
    for unit in units.values():
        top = unit
        while top.parent_id is not None:
            top = cast(OrgUnit, top.parent)  # parent_id is set: the parent exists
        if top.level == Level.HEAD_OFFICE:
            head_office = top
            break
    if head_office is None and units:
        head_office = core_selectors.head_office()
    return units, head_office


@dataclass
class Audience:
    """Who is told at a stage, in order: `user_ids` (the assignee, named in the notice),
    then `roles` at `unit` (what the `Escalation` row records), then each of `also`, a
    (unit, roles) pair for a manager who sits at another unit (a branch manager's manager
    is the sub-branch's head of operations)."""

    unit: OrgUnit | None
    roles: list[str]
    user_ids: list[int] = field(default_factory=list)
    also: list[tuple[OrgUnit, list[str]]] = field(default_factory=list)


def audience(
    *,
    unit: OrgUnit,
    owner_role: str,
    stage: str,
    head_office: OrgUnit | None,
    assignee_id: int | None = None,
) -> Audience:
    """Who is told at `stage` (docs/clocks.md §3). The assignee, when there is one, is told
    first at every stage. `overdue`: then the owner role at the owning unit, then the
    owner's manager (`ROLE_MANAGER`) at the unit of the manager's own level in the owning
    unit's chain; `level_above`: the lead role of the level above; `head_office`: head
    office's lead role. Reads only the unit chain already loaded (`_units_for`)."""
    user_ids = [assignee_id] if assignee_id else []
    if stage == EscalationStage.OVERDUE:
        roles = [owner_role]
        also: list[tuple[OrgUnit, list[str]]] = []
        manager = ROLE_MANAGER.get(owner_role)
        manager_level = ROLE_LEVEL.get(manager) if manager else None
        at = unit.ancestor_at(manager_level) if manager_level else None
        if manager and at is not None and manager not in roles:
            if at.pk == unit.pk:
                roles.append(manager)
            else:
                also.append((at, [manager]))
        return Audience(unit, roles, user_ids, also)
    if stage == EscalationStage.LEVEL_ABOVE and unit.parent is not None:
        return Audience(unit.parent, [LEVEL_LEAD_ROLE[unit.parent.level]], user_ids)
    return Audience(head_office, [LEVEL_LEAD_ROLE[Level.HEAD_OFFICE]], user_ids)


def _advance(clock: Clock, *, stage: str, now: datetime.datetime) -> None:
    plan = stages_for(clock.unit)
    clock.stage = stage
    if stage == EscalationStage.OVERDUE:
        clock.overdue_at = now
    later = plan[plan.index(stage) + 1 :] if stage in plan else []
    if later:
        clock.next_stage = later[0]
        clock.next_at = stage_time(
            due_at=clock.due_at, grace_minutes=clock.grace_minutes, stage=later[0]
        )
    else:
        clock.status = ClockStatus.ESCALATED
        clock.next_at = None
    clock.updated_at = now


def _pg_insert(
    model: type[models.Model],
    columns: list[str],
    rows: list[tuple[Any, ...]],
    *,
    suffix: str = "",
) -> list[tuple[Any, ...]]:
    """One multi-row INSERT through psycopg2's execute_values (the batch's hot path on
    PostgreSQL: Django's bulk_create costs more in Python than the database spends)."""
    # Only on PostgreSQL: the embedded SQLite default need not have psycopg2 importable.
    from psycopg2.extras import execute_values

    names = ", ".join(
        f'"{model._meta.get_field(c).column}"'  # type: ignore[union-attr]  # concrete fields
        for c in columns
    )
    with connection.cursor() as cursor:
        # psycopg2 ships no type hints: the rows RETURNING gave back (or None without it).
        return cast(
            "list[tuple[Any, ...]]",
            execute_values(
                cursor.cursor,
                f'INSERT INTO "{model._meta.db_table}" ({names}) VALUES %s {suffix}',
                rows,
                page_size=max(len(rows), 1),
                fetch=bool(suffix and "RETURNING" in suffix),
            ),
        )


@dataclass
class _Firing:
    """One stage about to fire (plain data: the batch's hot path builds no model objects)."""

    clock: Clock
    stage: str
    scheduled_at: datetime.datetime
    unit: OrgUnit
    told: OrgUnit
    roles: list[str]
    user_ids: list[int] = field(default_factory=list)
    also: list[tuple[OrgUnit, list[str]]] = field(default_factory=list)
    assignee: str = ""


def _insert_escalations(firings: list[_Firing], *, now: datetime.datetime) -> set[int]:
    """Insert the batch's escalations; the unique constraint decides, never luck. Returns
    the ids of the clocks whose stage was new (all of them, unless a stage had fired
    already, which the clock's row lock prevents)."""
    if connection.vendor == "postgresql":
        inserted = _pg_insert(
            Escalation,
            ["clock", "stage", "scheduled_at", "fired_at", "unit", "roles"],
            [
                (f.clock.pk, f.stage, f.scheduled_at, now, f.told.pk, json.dumps(f.roles))
                for f in firings
            ],
            suffix='ON CONFLICT ("clock_id", "stage") DO NOTHING RETURNING "clock_id"',
        )
        return {clock_id for (clock_id,) in inserted}
    rows = [
        Escalation(
            clock=f.clock,
            stage=f.stage,
            scheduled_at=f.scheduled_at,
            fired_at=now,
            unit=f.told,
            roles=f.roles,
        )
        for f in firings
    ]
    try:
        with transaction.atomic():
            Escalation.objects.bulk_create(rows)
        return {row.clock_id for row in rows}
    except IntegrityError:
        logger.warning("Escalation batch hit the once-per-stage constraint; inserting singly.")
    inserted_ids: set[int] = set()
    for row in rows:
        try:
            with transaction.atomic():
                row.pk = None
                row.save(force_insert=True)
            inserted_ids.add(row.clock_id)
        except IntegrityError:
            continue
    return inserted_ids


def _audit_data(f: _Firing) -> dict[str, Any]:
    clock = f.clock
    return {
        "kind": clock.kind,
        "stage": f.stage,
        "previous_stage": clock.stage,
        "subject": f"{clock.subject_type_id}:{clock.subject_id}",
        "subject_id": clock.subject_id,
        "due_at": clock.due_at.isoformat(),
        "scheduled_at": f.scheduled_at.isoformat(),
        "unit": f.unit.code,
        "told_unit": f.told.code,
        "told_unit_zh": f.told.name_zh,
        "told_unit_en": f.told.name_en,
        "roles": f.roles,
        **({"assignee_id": f.user_ids[0], "assignee": f.assignee} if f.user_ids else {}),
        **(
            {
                "also_told": [
                    {"unit": u.code, "unit_zh": u.name_zh, "unit_en": u.name_en, "roles": roles}
                    for u, roles in f.also
                ]
            }
            if f.also
            else {}
        ),
        "title_zh": clock.title_zh,
        "title_en": clock.title_en,
    }


def _insert_audits(firings: list[_Firing], *, now: datetime.datetime) -> None:
    """An audit event `clock.escalated` per stage fired, on the subject's thread."""
    action, actor = "clock.escalated", "system"
    if connection.vendor != "postgresql":
        AuditEvent.objects.bulk_create(
            [
                AuditEvent(
                    at=now,
                    action=action,
                    actor_label=actor,
                    thread=f.clock.thread,
                    target=f"clock:{f.clock.pk}",
                    data=_audit_data(f),
                )
                for f in firings
            ]
        )
        return
    _pg_insert(
        AuditEvent,
        ["at", "action", "outcome", "actor_label", "thread", "target", "data"],
        [
            (
                now,
                action,
                "ok",
                actor,
                f.clock.thread,
                f"clock:{f.clock.pk}",
                json.dumps(_audit_data(f)),
            )
            for f in firings
        ],
    )


def _assignee_names(clocks: list[Clock]) -> dict[int, str]:
    """The assignees' names for the audit trail: one query for the batch, none when no
    clock in it is assigned."""
    ids = {clock.assignee_id for clock in clocks if clock.assignee_id}
    if not ids:
        return {}
    return {
        pk: display or username
        for pk, display, username in User.objects.filter(pk__in=ids).values_list(
            "pk", "display_name", "username"
        )
    }


def _fire(clocks: list[Clock], *, now: datetime.datetime) -> int:
    units, head_office = _units_for(clocks)
    names = _assignee_names(clocks)
    firings: list[_Firing] = []
    for clock in clocks:
        unit = units[clock.unit_id]
        clock.unit = unit
        told = audience(
            unit=unit,
            owner_role=clock.owner_role,
            stage=clock.next_stage,
            head_office=head_office,
            assignee_id=clock.assignee_id,
        )
        firings.append(
            _Firing(
                clock=clock,
                stage=clock.next_stage,
                scheduled_at=cast(datetime.datetime, clock.next_at),  # claimed as due: set
                unit=unit,
                told=told.unit or unit,
                roles=told.roles,
                user_ids=told.user_ids,
                also=told.also,
                assignee=names.get(clock.assignee_id or 0, ""),
            )
        )
    inserted = _insert_escalations(firings, now=now)
    fired = [f for f in firings if f.clock.pk in inserted]
    # (A stage that had fired before only moves its clock on.)
    _insert_audits(fired, now=now)
    # Who is told, written to the outbox in this transaction; the texts are rendered and
    # the inbox rows written when the relay delivers it (clocks.notices), off the
    # sweep's critical path.
    if fired:
        outbox_enqueue(
            kind=NOTICE_KIND,
            payload={
                "fired_at": now.isoformat(),
                # [clock, stage, unit told, roles told, due, people told first, and
                # (unit, roles) told besides]; clocks.notices reads rows of 5 (older) too.
                "escalations": [
                    [
                        f.clock.pk,
                        f.stage,
                        f.told.pk,
                        f.roles,
                        f.clock.due_at.isoformat(),
                        f.user_ids,
                        [[u.pk, roles] for u, roles in f.also],
                    ]
                    for f in fired
                ],
            },
        )
    for f in firings:
        _advance(f.clock, stage=f.stage, now=now)
    _save_progress([f.clock for f in firings])
    return len(fired)


PROGRESS_FIELDS = ["status", "next_stage", "next_at", "stage", "overdue_at", "updated_at"]


def _save_progress(clocks: list[Clock]) -> None:
    """Write each clock's new stage in one statement (on PostgreSQL, an UPDATE joined to a
    VALUES list: Django's bulk_update builds a CASE per row and field, which costs more than
    the rest of the batch together)."""
    if connection.vendor != "postgresql":
        Clock.objects.bulk_update(clocks, PROGRESS_FIELDS)
        return
    columns = {
        name: Clock._meta.get_field(name).column  # type: ignore[union-attr]  # concrete fields
        for name in PROGRESS_FIELDS
    }
    types = {
        "status": "varchar",
        "next_stage": "varchar",
        "next_at": "timestamptz",
        "stage": "varchar",
        "overdue_at": "timestamptz",
        "updated_at": "timestamptz",
    }
    row = "(%s::bigint, " + ", ".join(f"%s::{types[name]}" for name in PROGRESS_FIELDS) + ")"
    params: list[Any] = []  # one row per clock: its id, then its progress fields
    for clock in clocks:
        params.append(clock.pk)
        params.extend(getattr(clock, name) for name in PROGRESS_FIELDS)
    assignments = ", ".join(f'"{columns[name]}" = v."{name}"' for name in PROGRESS_FIELDS)
    names = ", ".join(f'"{name}"' for name in PROGRESS_FIELDS)
    with connection.cursor() as cursor:
        cursor.execute(
            f'UPDATE "{Clock._meta.db_table}" AS c SET {assignments} '
            f"FROM (VALUES {', '.join([row] * len(clocks))}) AS v(id, {names}) "
            "WHERE c.id = v.id",
            params,
        )


def clocks_sweep_batch(*, limit: int = BATCH_SIZE, skip: set[int] | None = None) -> SweepResult:
    """Claim and process one batch of due clocks in one transaction."""
    result = SweepResult()
    with transaction.atomic():
        now = timezone.now()
        due = Clock.objects.select_for_update(skip_locked=True).filter(
            status=ClockStatus.OPEN, next_at__lte=now
        )
        if skip:
            due = due.exclude(pk__in=skip)
        # Index order (clock_open_next_at): no sort of the whole backlog per batch.
        clocks = list(due.order_by("next_at")[:limit])
        result.claimed = len(clocks)
        if not clocks:
            return result
        fire, stop, defer = _check_subjects(clocks)
        if stop:
            Clock.objects.filter(pk__in=[c.pk for c in stop]).update(
                status=ClockStatus.STOPPED, stopped_at=now, next_at=None
            )
        result.stopped = len(stop)
        result.deferred = len(defer)
        if skip is not None:
            skip.update(c.pk for c in defer)
        if fire:
            result.fired = _fire(fire, now=now)
    return result


def clocks_sweep(
    *,
    limit: int = BATCH_SIZE,
    budget_seconds: float = BUDGET_SECONDS,
    on_backlog: Callable[[], None] | None = None,
) -> SweepResult:
    """Process batches until nothing is due (or the time budget is spent).

    `on_backlog` is called once, after the first batch, if that batch was full: the Celery
    task uses it to ask another worker to join in, so a burst of deadlines does not wait for
    the next beat tick to be shared out.
    """
    total = SweepResult()
    skip: set[int] = set()
    started = time.monotonic()
    first = True
    while time.monotonic() - started < budget_seconds:
        result = clocks_sweep_batch(limit=limit, skip=skip)
        total.add(result)
        if first and on_backlog is not None and result.claimed >= limit:
            on_backlog()
        first = False
        if result.claimed == 0:
            break
    if total.fired or total.stopped:
        logger.info(
            "Clock sweep: %s escalations fired, %s clocks stopped, %s deferred.",
            total.fired,
            total.stopped,
            total.deferred,
        )
    return total

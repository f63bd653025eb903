"""Clocks: deadlines on any subject, escalated by a periodic sweep, each stage exactly once.

Other apps start and stop clocks inside their own transaction:

    from clocks.services import clock_start, clock_stop

    title_zh, title_en = approval_clock_titles(control)   # the caller's presentation
    clock_start(subject=control, kind="controls.freeze_approval", due_at=...,
                unit=sub_branch, owner_role=Role.SUB_BRANCH_MONITOR, thread=incident.thread,
                title_zh=title_zh, title_en=title_en, url=control_url(control))
    clock_stop(subject=control)                       # when it is decided

When a clock runs out the sweep (clocks.sweep, run by Celery beat every few seconds) fires
its stages in order: `overdue` at the deadline (the assignee if any, the owner role at the
unit and its manager are told), `level_above` after the grace period (the lead role of the
level above), and `head_office` after a second grace period (when the level above was not
head office).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypedDict

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone

from fraudops.core.actors import Actor
from fraudops.core.audit import audit_record
from fraudops.core.choices import Level
from fraudops.core.models import OrgUnit

from .choices import STAGE_ORDER, ClockStatus, EscalationStage
from .models import Clock, EscalationPolicy
from .selectors import grace_minutes_for, grace_resolver


def stages_for(unit: OrgUnit) -> list[str]:
    """The stages a clock owned at `unit` goes through: no level above head office."""
    if unit.level == Level.HEAD_OFFICE:
        return [EscalationStage.OVERDUE]
    if unit.level == Level.SUB_BRANCH:
        return [EscalationStage.OVERDUE, EscalationStage.LEVEL_ABOVE]
    return list(STAGE_ORDER)


def stage_time(*, due_at: datetime.datetime, grace_minutes: int, stage: str) -> datetime.datetime:
    """When `stage` falls due: the deadline, then one grace period per stage after it."""
    return due_at + datetime.timedelta(minutes=grace_minutes * STAGE_ORDER.index(stage))


def _subject_key(subject: models.Model) -> tuple[ContentType, int]:
    if subject.pk is None:
        raise ValueError("Save the subject before starting its clock.")
    return ContentType.objects.get_for_model(subject), subject.pk


def _schedule(clock: Clock, *, fired: set[str]) -> None:
    """Point the clock at its first stage that has not fired yet (or finish it)."""
    for stage in stages_for(clock.unit):
        if stage not in fired:
            clock.status = ClockStatus.OPEN
            clock.next_stage = stage
            clock.next_at = stage_time(
                due_at=clock.due_at, grace_minutes=clock.grace_minutes, stage=stage
            )
            return
    clock.status = ClockStatus.ESCALATED
    clock.next_at = None


def _truncated(values: Mapping[str, Any]) -> dict[str, str]:
    """The text columns cut to their lengths."""
    return {
        "thread": values["thread"][:64],
        "title_zh": values["title_zh"][:300],
        "title_en": values["title_en"][:300],
        "url": values["url"][:300],
    }


class _ClockValues(TypedDict):
    """What `clock_start` sets on a clock besides its subject and kind."""

    unit: OrgUnit
    owner_role: str
    thread: str
    title_zh: str
    title_en: str
    url: str
    due_at: datetime.datetime
    grace_minutes: int
    assignee_id: int | None


def clock_start(
    *,
    subject: models.Model,
    kind: str,
    due_at: datetime.datetime,
    unit: OrgUnit,
    owner_role: str,
    thread: str,
    title_zh: str,
    title_en: str,
    url: str = "",
    grace_minutes: int | None = None,
    assignee_id: int | None = None,
) -> Clock:
    """Start (or restart) the clock `kind` on `subject`, due at `due_at`.

    Call inside the transaction that changes the subject. Idempotent per (subject, kind):
    starting a clock that exists updates its deadline, owner and titles and reopens it if it
    was stopped; stages that already fired never fire again. `grace_minutes` overrides head
    office's policy for this kind (see `grace_minutes_for`). `assignee_id`: the person the
    subject is assigned to (told first when it runs out; `clock_assign` changes it).
    """
    if timezone.is_naive(due_at):
        raise ValueError("due_at must be timezone-aware.")
    subject_type, subject_id = _subject_key(subject)
    grace = grace_minutes if grace_minutes is not None else grace_minutes_for(kind=kind)
    values = {
        "unit": unit,
        "owner_role": owner_role,
        "thread": thread,
        "title_zh": title_zh,
        "title_en": title_en,
        "url": url,
        "due_at": due_at,
        "grace_minutes": grace,
        "assignee_id": assignee_id,
    }
    values.update(_truncated(values))
    lookup = {"subject_type": subject_type, "subject_id": subject_id, "kind": kind}
    with transaction.atomic():
        clock = Clock.objects.select_for_update().filter(**lookup).first()
        if clock is None:
            clock = Clock(**lookup, started_at=timezone.now(), **values)
            _schedule(clock, fired=set())
            try:
                with transaction.atomic():
                    clock.save(force_insert=True)
                return clock
            except IntegrityError:
                # Started at the same moment by someone else: restart theirs below.
                clock = Clock.objects.select_for_update().get(**lookup)
        for name, value in values.items():
            setattr(clock, name, value)
        if clock.status == ClockStatus.STOPPED:
            clock.started_at = timezone.now()
            clock.stopped_at = None
        _schedule(clock, fired=set(clock.escalations.values_list("stage", flat=True)))
        clock.save()
    return clock


@dataclass(frozen=True)
class ClockStart:
    """One clock for `clocks_start_many`: the arguments of `clock_start` but the kind, with
    the step code that picks head office's grace period."""

    subject: models.Model
    due_at: datetime.datetime
    unit: OrgUnit
    owner_role: str
    thread: str
    title_zh: str
    title_en: str
    url: str = ""
    step_code: str = ""
    assignee_id: int | None = None


def clocks_start_many(
    *, kind: str, starts: Sequence[ClockStart], incident_type: str | None = None
) -> list[Clock]:
    """Start the clocks `kind` of many subjects at once (a level's tasks when it is entered).

    Same result as `clock_start` for each, with the grace period of `incident_type` and the
    start's step code, at a fixed cost whatever the number: the grace policies are read once,
    the subjects' existing clocks are looked up once, and the new clocks (the usual case:
    their subjects were just created) are written in one INSERT. A subject that already has
    this clock is restarted through `clock_start`. Call inside the subject's transaction.
    """
    if not starts:
        return []
    if any(timezone.is_naive(start.due_at) for start in starts):
        raise ValueError("due_at must be timezone-aware.")
    keys = [_subject_key(start.subject) for start in starts]
    existing_filter = Q()
    for subject_type, subject_id in keys:
        existing_filter |= Q(subject_type=subject_type, subject_id=subject_id)
    existing = set(
        Clock.objects.filter(existing_filter, kind=kind).values_list("subject_type", "subject_id")
    )
    grace = grace_resolver(kind=kind, incident_type=incident_type)
    now = timezone.now()
    result, new = [], []
    for start, (subject_type, subject_id) in zip(starts, keys, strict=True):
        values: _ClockValues = {
            "unit": start.unit,
            "owner_role": start.owner_role,
            "thread": start.thread,
            "title_zh": start.title_zh,
            "title_en": start.title_en,
            "url": start.url,
            "due_at": start.due_at,
            "grace_minutes": grace(start.step_code),
            "assignee_id": start.assignee_id,
        }
        if (subject_type.pk, subject_id) in existing:
            result.append(clock_start(subject=start.subject, kind=kind, **values))
            continue
        clock = Clock(
            subject_type=subject_type,
            subject_id=subject_id,
            kind=kind,
            started_at=now,
            **{**values, **_truncated(values)},
        )
        _schedule(clock, fired=set())
        result.append(clock)
        new.append(clock)
    # One INSERT; the unique constraint still refuses a clock started meanwhile elsewhere.
    Clock.objects.bulk_create(new)
    return result


_STOPPABLE = [ClockStatus.OPEN, ClockStatus.ESCALATED]


def clock_assign(*, subject: models.Model, assignee_id: int | None, kind: str | None = None) -> int:
    """The subject was assigned to a person (or released, `assignee_id` None): its clocks
    (only `kind`, if given) tell that person first from now on. Call inside the transaction
    that assigns the subject; returns how many clocks it changed. Stages that fired already
    are not told again."""
    subject_type, subject_id = _subject_key(subject)
    clocks = Clock.objects.filter(subject_type=subject_type, subject_id=subject_id)
    if kind is not None:
        clocks = clocks.filter(kind=kind)
    return clocks.update(assignee_id=assignee_id, updated_at=timezone.now())


def clock_stop(*, subject: models.Model, kind: str | None = None) -> int:
    """Stop the clocks of `subject` (only `kind`, if given); returns how many were running.

    Call inside the transaction that finishes the subject: if the sweep is escalating this
    clock at the same moment, the update waits for it, and the sweep, which re-checks the
    subject under lock, never escalates a subject that was finished first.
    """
    subject_type, subject_id = _subject_key(subject)
    clocks = Clock.objects.filter(
        subject_type=subject_type, subject_id=subject_id, status__in=_STOPPABLE
    )
    if kind is not None:
        clocks = clocks.filter(kind=kind)
    return clocks.update(status=ClockStatus.STOPPED, stopped_at=timezone.now(), next_at=None)


def clocks_stop_thread(*, thread: str) -> int:
    """Stop every clock of a subject's thread (an incident closed or withdrawn)."""
    return Clock.objects.filter(thread=thread, status__in=_STOPPABLE).update(
        status=ClockStatus.STOPPED, stopped_at=timezone.now(), next_at=None
    )


# --- head office's escalation policies ----------------------------------------------------------

POLICY_FIELDS = ["kind", "incident_type_id", "step_code", "grace_minutes", "notes"]


def _policy_state(policy: EscalationPolicy) -> dict[str, Any]:
    return {name: getattr(policy, name) for name in POLICY_FIELDS}


def _policy_for_update(pk: int) -> EscalationPolicy | None:
    # By pk alone: the default ordering joins the (nullable) incident type, and PostgreSQL
    # refuses FOR UPDATE on the nullable side of an outer join.
    return EscalationPolicy.objects.select_for_update().filter(pk=pk).order_by("pk").first()


def escalation_policy_save(*, actor: Actor, policy: EscalationPolicy) -> EscalationPolicy:
    """Create `policy`, or save the changes made to it (the admin's form), validated, with
    an audit event holding the policy before and after, in the same transaction.

    Clocks started from now on use the new grace period; running clocks keep theirs.
    """
    with transaction.atomic():
        before = None
        if policy.pk is not None:
            current = _policy_for_update(policy.pk)
            before = _policy_state(current) if current is not None else None
        policy.full_clean()
        policy.save()
        audit_record(
            actor=actor,
            action="escalation_policy.created" if before is None else "escalation_policy.changed",
            thread=f"escalation_policy:{policy.pk}",
            target=f"escalation_policy:{policy.pk}",
            before=before,
            after=_policy_state(policy),
        )
    return policy


def escalation_policy_delete(*, actor: Actor, policy: EscalationPolicy) -> None:
    """Delete `policy` (clocks fall back to the next most specific one), with an audit event
    holding what it said, in the same transaction."""
    with transaction.atomic():
        current = _policy_for_update(policy.pk)
        if current is None:
            return
        audit_record(
            actor=actor,
            action="escalation_policy.deleted",
            thread=f"escalation_policy:{current.pk}",
            target=f"escalation_policy:{current.pk}",
            before=_policy_state(current),
        )
        current.delete()

"""Writes to incidents. Every one checks role and unit scope, runs inside `atomic()`, locks
the incident row first (so two people acting at once get one success and one conflict), and
writes its audit event in the same transaction.

The browser, the API, the admin and management commands all call these functions.
"""

from __future__ import annotations

import datetime
import hashlib
import os
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, can_proceed

from fraudops.core import chinese
from fraudops.core.actors import Actor
from fraudops.core.audit import audit_record
from fraudops.core.choices import ApiScope, Level, Role
from fraudops.core.errors import (
    Conflict,
    InvalidInput,
    InvalidTransition,
    NotFound,
    OutOfScope,
    PermissionRefused,
)
from fraudops.core.models import OrgUnit
from fraudops.core.services import refusals_audited, sequence_next
from workflows.choices import DeadlineFrom, EvidenceType
from workflows.models import IncidentType, PlaybookStep

from . import events, permissions
from .choices import (
    AccountKind,
    AccountRole,
    Channel,
    FraudScript,
    IdType,
    IncidentState,
    Outcome,
    PartyRole,
    StaffRole,
    TaskStatus,
    VehicleKind,
)
from .models import Account, Evidence, Incident, Party, Task, Vehicle

S = IncidentState

MAX_PARTIES = 50


# --- helpers ---------------------------------------------------------------------------------


def _incident_for_update(*, actor: Actor, incident_id: int, action: str) -> Incident:
    """Fetch and lock the incident, refusing it if it is outside the actor's subtree."""
    try:
        incident = (
            Incident.objects.select_for_update(of=("self",))
            .select_related("unit", "unit__parent", "unit__parent__parent", "playbook")
            .get(pk=incident_id)
        )
    except Incident.DoesNotExist:
        raise NotFound(_("No such incident.")) from None
    if not actor.sees(incident.unit):
        # Not found rather than forbidden: do not reveal incidents of other regions.
        raise NotFound(_("No such incident."))
    if actor.client is not None and not actor.has_scope(ApiScope.INCIDENTS_WRITE):
        raise PermissionRefused(
            _("This API client lacks the incidents:write scope."),
            thread=incident.thread,
            action=action,
        )
    return incident


def _check_expected_state(incident: Incident, expected_state: str | None, action: str) -> None:
    if expected_state and incident.state != expected_state:
        raise Conflict(
            _(
                "Someone else changed this incident at the same time: it is now “%(state)s”. "
                "Reload it and try again."
            )
            % {"state": incident.get_state_display()},
            thread=incident.thread,
            action=action,
        )


def _require_role_at(
    actor: Actor, *, unit: OrgUnit, roles: tuple[str, ...], thread: str, action: str
) -> None:
    """The actor must hold one of `roles` at exactly `unit` (API clients: within scope).

    The rule itself is `permissions.role_refusal`, which the pages also use to decide which
    buttons to show."""
    refusal = permissions.role_refusal(actor, unit=unit, roles=roles)
    if refusal is None:
        return
    if refusal == permissions.OUT_OF_SCOPE:
        if actor.client is not None:
            raise OutOfScope(thread=thread, action=action)
        raise OutOfScope(
            _("Only staff of %(unit)s can do this.") % {"unit": unit.name},
            thread=thread,
            action=action,
        )
    if refusal == permissions.MISSING_ROLE:
        names = ", ".join(str(Role(r).label) for r in roles)
        raise PermissionRefused(
            _("This needs one of these roles: %(roles)s.") % {"roles": names},
            thread=thread,
            action=action,
        )


def _save_transition(incident: Incident, *, action: str) -> None:
    try:
        incident.save()
    except ConcurrentTransition:
        raise Conflict(thread=incident.thread, action=action) from None


def _compute_due(step: PlaybookStep, *, incident: Incident, started: datetime.datetime):
    if step.deadline_minutes is None:
        return None
    base = incident.filed_at if step.deadline_from == DeadlineFrom.FILED else started
    return base + datetime.timedelta(minutes=step.deadline_minutes)


def _open_level_tasks(incident: Incident, level: str, *, now: datetime.datetime) -> list[Task]:
    """Instantiate the playbook's steps of `level` (once: a returned incident keeps them)."""
    unit = incident.unit.ancestor_at(level)
    existing = set(incident.tasks.filter(level=level).values_list("step_id", flat=True))
    tasks = []
    for step in incident.playbook.steps.filter(level=level).order_by("order"):
        if step.pk in existing:
            continue
        waiting = step.awaits_instruction
        tasks.append(
            Task(
                incident=incident,
                step=step,
                level=level,
                unit=unit,
                owner_role=step.owner_role,
                order=step.order,
                status=TaskStatus.WAITING if waiting else TaskStatus.OPEN,
                opened_at=None if waiting else now,
                due_at=None if waiting else _compute_due(step, incident=incident, started=now),
            )
        )
    created = Task.objects.bulk_create(tasks)
    events.level_entered(incident=incident, level=level, tasks=created)
    return created


def _snapshot(incident: Incident) -> dict[str, Any]:
    return {"state": incident.state, "level": incident.level}


# --- validation of filed data --------------------------------------------------------------


class _Errors:
    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}

    def add(self, field: str, message) -> None:
        self.fields.setdefault(field, []).append(str(message))

    def normalise(self, field: str, func, value):
        try:
            return func(value)
        except ValidationError as exc:
            for message in exc.messages:
                self.add(field, message)
            return value

    def raise_if_any(self) -> None:
        if self.fields:
            raise InvalidInput(fields=self.fields)


def _choice(errors: _Errors, field: str, value, choices, *, required=False, default=""):
    if value in (None, ""):
        if required:
            errors.add(field, _("This field is required."))
        return default
    if value not in choices.values:
        errors.add(
            field,
            _("“%(value)s” is not a valid choice. Use one of: %(choices)s.")
            % {"value": value, "choices": ", ".join(choices.values)},
        )
    return value


def _amount(errors: _Errors, field: str, value) -> Decimal:
    if value in (None, ""):
        return Decimal("0")
    try:
        amount = Decimal(chinese.fold(str(value)).replace(",", ""))
    except (InvalidOperation, ValueError):
        errors.add(field, _("Enter an amount in yuan, for example 12000.50."))
        return Decimal("0")
    if amount < 0 or amount != amount.quantize(Decimal("0.01")) or amount >= Decimal("1e14"):
        errors.add(field, _("Enter a positive amount in yuan with at most two decimals."))
        return Decimal("0")
    return amount


def _datetime(errors: _Errors, field: str, value, *, required=False):
    if value in (None, ""):
        if required:
            errors.add(field, _("This field is required."))
        return None
    if isinstance(value, datetime.datetime):
        parsed = value
    else:
        parsed = parse_datetime(chinese.fold(str(value)))
        if parsed is None:
            errors.add(field, _("Enter a date and time such as 2026-11-22 13:50."))
            return None
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def _text(
    errors: _Errors, field: str, value, *, max_length: int, required=False, prose=False
) -> str:
    """A text field: identifiers and names folded (`chinese.fold`); prose (summaries,
    notes, step results) kept as typed, line breaks included (`chinese.prose`)."""
    text = chinese.prose(value) if prose else chinese.fold(str(value or ""))
    if required and not text:
        errors.add(field, _("This field is required."))
    if len(text) > max_length:
        errors.add(
            field,
            _("Shorten this to at most %(max)d characters.") % {"max": max_length},
        )
    return text


def _clean_party(errors: _Errors, prefix: str, raw: dict) -> dict:
    role = _choice(errors, f"{prefix}.role", raw.get("role"), PartyRole, required=True)
    name = raw.get("name") or ""
    if name:
        name = errors.normalise(f"{prefix}.name", chinese.normalize_person_name, name)
    id_type = _choice(errors, f"{prefix}.id_type", raw.get("id_type"), IdType)
    id_number = raw.get("id_number") or ""
    if id_number:
        if not id_type:
            id_type = IdType.RESIDENT_ID
        if id_type == IdType.RESIDENT_ID:
            id_number = errors.normalise(
                f"{prefix}.id_number", chinese.normalize_id_number, id_number
            )
        elif id_type == IdType.USCC:
            id_number = errors.normalise(
                f"{prefix}.id_number", chinese.normalize_org_identifier, id_number
            )
        else:
            id_number = _text(errors, f"{prefix}.id_number", id_number, max_length=32).upper()
    phone = raw.get("phone") or ""
    if phone:
        phone = errors.normalise(f"{prefix}.phone", chinese.normalize_phone, phone)
    staff_role = _choice(errors, f"{prefix}.staff_role", raw.get("staff_role"), StaffRole)
    if role == PartyRole.INTERNAL_STAFF and not staff_role:
        staff_role = StaffRole.OTHER
    notes = _text(errors, f"{prefix}.notes", raw.get("notes"), max_length=500, prose=True)
    if not (name or id_number or phone):
        errors.add(prefix, _("Give at least a name, a document number or a phone number."))
    return {
        "role": role,
        "name": name,
        "id_type": id_type if id_number else "",
        "id_number": id_number,
        "phone": phone,
        "staff_role": staff_role,
        "notes": notes,
    }


def _clean_account(errors: _Errors, prefix: str, raw: dict, *, party_count: int) -> dict:
    role = _choice(errors, f"{prefix}.role", raw.get("role"), AccountRole, required=True)
    kind = _choice(
        errors, f"{prefix}.kind", raw.get("kind"), AccountKind, default=AccountKind.ACCOUNT
    )
    number = raw.get("number") or ""
    if not number:
        errors.add(f"{prefix}.number", _("This field is required."))
    elif kind == AccountKind.CARD:
        number = errors.normalise(f"{prefix}.number", chinese.normalize_card_number, number)
    else:
        number = errors.normalise(f"{prefix}.number", chinese.normalize_account_number, number)
    holder = raw.get("holder_name") or ""
    if holder:
        holder = errors.normalise(f"{prefix}.holder_name", chinese.normalize_person_name, holder)
    opening_unit = None
    code = raw.get("opening_unit") or ""
    if code:
        opening_unit = OrgUnit.objects.filter(code=code).first()
        if opening_unit is None:
            errors.add(f"{prefix}.opening_unit", _("No org unit has this code."))
    party_index = raw.get("party")
    if party_index is not None and not (
        isinstance(party_index, int) and 0 <= party_index < party_count
    ):
        errors.add(f"{prefix}.party", _("Refer to a party by its position in the list."))
        party_index = None
    return {
        "role": role,
        "kind": kind,
        "number": number,
        "holder_name": holder,
        "bank_name": _text(errors, f"{prefix}.bank_name", raw.get("bank_name"), max_length=100),
        "at_this_bank": bool(raw.get("at_this_bank")) or opening_unit is not None,
        "opening_unit": opening_unit,
        "party_index": party_index,
    }


def _clean_vehicle(errors: _Errors, prefix: str, raw: dict) -> dict:
    kind = _choice(errors, f"{prefix}.kind", raw.get("kind"), VehicleKind, required=True)
    value = _text(errors, f"{prefix}.value", raw.get("value"), max_length=500, required=True)
    normalized = value
    if value and kind == VehicleKind.PHISHING_URL:
        result = errors.normalise(f"{prefix}.value", chinese.normalize_url, value)
        normalized = result[0] if isinstance(result, tuple) else value
    elif value and kind == VehicleKind.FRAUD_PHONE:
        normalized = errors.normalise(f"{prefix}.value", chinese.normalize_phone, value)
    return {
        "kind": kind,
        "value": value,
        "normalized": normalized,
        "notes": _text(errors, f"{prefix}.notes", raw.get("notes"), max_length=500, prose=True),
    }


def _clean_filing(actor: Actor, data: dict) -> dict:
    errors = _Errors()
    type_code = data.get("incident_type") or ""
    incident_type = IncidentType.objects.filter(code=type_code, is_active=True).first()
    if incident_type is None:
        errors.add("incident_type", _("Choose one of the incident types."))
    playbook = incident_type.current_playbook() if incident_type else None
    if incident_type is not None and playbook is None:
        errors.add("incident_type", _("This type has no current playbook yet."))

    unit = actor.unit
    unit_code = data.get("unit")
    if unit_code:
        unit = OrgUnit.objects.filter(code=unit_code).select_related("parent").first()
        if unit is None:
            errors.add("unit", _("No org unit has this code."))
    if unit is not None and unit.level != Level.BRANCH:
        errors.add("unit", _("Incidents are filed by a branch: give a branch's code."))

    parties_raw = data.get("parties") or []
    accounts_raw = data.get("accounts") or []
    vehicles_raw = data.get("vehicles") or []
    if len(parties_raw) + len(accounts_raw) + len(vehicles_raw) > MAX_PARTIES * 3:
        errors.add("parties", _("Too many parties, accounts or vehicles in one filing."))
    parties = [_clean_party(errors, f"parties[{i}]", p) for i, p in enumerate(parties_raw)]
    accounts = [
        _clean_account(errors, f"accounts[{i}]", a, party_count=len(parties))
        for i, a in enumerate(accounts_raw)
    ]
    vehicles = [_clean_vehicle(errors, f"vehicles[{i}]", v) for i, v in enumerate(vehicles_raw)]

    now = timezone.now()
    occurred_at = _datetime(errors, "occurred_at", data.get("occurred_at"), required=True)
    if occurred_at and occurred_at > now + datetime.timedelta(minutes=5):
        errors.add("occurred_at", _("The time it happened cannot be in the future."))
    cleaned = {
        "incident_type": incident_type,
        "playbook": playbook,
        "unit": unit,
        "occurred_at": occurred_at,
        "summary": _text(
            errors, "summary", data.get("summary"), max_length=5000, required=True, prose=True
        ),
        "channel": _choice(errors, "channel", data.get("channel"), Channel),
        "fraud_script": _choice(errors, "fraud_script", data.get("fraud_script"), FraudScript),
        "fraud_script_detail": _text(
            errors, "fraud_script_detail", data.get("fraud_script_detail"), max_length=200
        ),
        "amount_lost": _amount(errors, "amount_lost", data.get("amount_lost")),
        "amount_recovered": _amount(errors, "amount_recovered", data.get("amount_recovered")),
        "amount_prevented": _amount(errors, "amount_prevented", data.get("amount_prevented")),
        "outcome": _choice(
            errors, "outcome", data.get("outcome"), Outcome, default=Outcome.UNKNOWN
        ),
        "serious": bool(data.get("serious")),
        "external_reference": _text(
            errors, "external_reference", data.get("external_reference"), max_length=64
        ),
        "parties": parties,
        "accounts": accounts,
        "vehicles": vehicles,
    }
    if cleaned["amount_recovered"] > cleaned["amount_lost"] > 0:
        errors.add("amount_recovered", _("The amount recovered cannot exceed the amount lost."))
    errors.raise_if_any()
    return cleaned


# --- services --------------------------------------------------------------------------------


@refusals_audited
def incident_file(*, actor: Actor, data: dict) -> Incident:
    """File an incident at a branch and start the branch's playbook steps.

    `data` holds the incident's fields, `parties`, `accounts` and `vehicles` (see the API's
    filing serializer). Everything is validated before anything is written; a bad value
    raises InvalidInput naming each field at fault, and nothing is saved.
    """
    cleaned = _clean_filing(actor, data)
    unit: OrgUnit = cleaned["unit"]
    if actor.client is not None:
        if not actor.has_scope(ApiScope.INCIDENTS_WRITE):
            raise PermissionRefused(_("This API client lacks the incidents:write scope."))
        if not actor.sees(unit):
            raise OutOfScope()
    else:
        _require_role_at(
            actor, unit=unit, roles=permissions.FILING_ROLES, thread="", action="incident.file"
        )

    now = timezone.now()
    with transaction.atomic():
        number = f"FI-{now.year}-{sequence_next(name='incident', year=now.year):06d}"
        incident = Incident.objects.create(
            number=number,
            incident_type=cleaned["incident_type"],
            playbook=cleaned["playbook"],
            unit=unit,
            filed_by=actor.user,
            filed_by_client=actor.client,
            filed_at=now,
            **{
                key: cleaned[key]
                for key in (
                    "occurred_at",
                    "summary",
                    "channel",
                    "fraud_script",
                    "fraud_script_detail",
                    "amount_lost",
                    "amount_recovered",
                    "amount_prevented",
                    "outcome",
                    "serious",
                    "external_reference",
                )
            },
        )
        parties = [Party(incident=incident, **p) for p in cleaned["parties"]]
        Party.objects.bulk_create(parties)
        accounts = []
        for raw in cleaned["accounts"]:
            index = raw.pop("party_index")
            accounts.append(
                Account(
                    incident=incident, party=parties[index] if index is not None else None, **raw
                )
            )
        Account.objects.bulk_create(accounts)
        Vehicle.objects.bulk_create([Vehicle(incident=incident, **v) for v in cleaned["vehicles"]])

        incident.start()
        _save_transition(incident, action="incident.file")
        _open_level_tasks(incident, Level.BRANCH, now=now)
        audit_record(
            actor=actor,
            action="incident.filed",
            thread=incident.thread,
            target=incident.number,
            before=None,
            after={
                "number": incident.number,
                "type": incident.incident_type_id,
                "unit": unit.code,
                "state": incident.state,
                "parties": len(parties),
                "accounts": len(accounts),
                "vehicles": len(cleaned["vehicles"]),
            },
        )
        events.incident_filed(incident=incident)
    return incident


def _task_for_update(*, actor: Actor, task_id: int, action: str) -> tuple[Incident, Task]:
    incident_id = Task.objects.filter(pk=task_id).values_list("incident_id", flat=True).first()
    if incident_id is None:
        raise NotFound(_("No such task."))
    # Lock order: the incident, then its task.
    incident = _incident_for_update(actor=actor, incident_id=incident_id, action=action)
    task = Task.objects.select_for_update().select_related("step", "unit").get(pk=task_id)
    return incident, task


def _require_task_worker(actor: Actor, task: Task, incident: Incident, action: str) -> None:
    _require_role_at(
        actor,
        unit=task.unit,
        roles=permissions.level_roles(task.level),
        thread=incident.thread,
        action=action,
    )


def _require_instructing_level(actor: Actor, task: Task, incident: Incident, action: str) -> None:
    """The level above the task's owner instructs (or dismisses) its waiting steps."""
    _require_role_at(
        actor,
        unit=permissions.instructing_unit(task),
        roles=permissions.instructing_roles(task),
        thread=incident.thread,
        action=action,
    )


def _check_task_open(task: Task, incident: Incident, action: str) -> None:
    if not incident.is_open:
        raise InvalidTransition(
            _("The incident is %(state)s: its tasks can no longer change.")
            % {"state": incident.get_state_display()},
            thread=incident.thread,
            action=action,
        )
    if task.status == TaskStatus.WAITING:
        raise InvalidTransition(
            _("This step waits for an instruction from the level above."),
            thread=incident.thread,
            action=action,
        )
    if task.is_finished:
        raise Conflict(
            _("This step was already recorded as %(status)s by someone else.")
            % {"status": task.get_status_display()},
            thread=incident.thread,
            action=action,
        )


def _clean_evidence(task: Task, evidence: dict) -> dict:
    errors = _Errors()
    cleaned: dict[str, Any] = {}
    for field in task.step.evidence or []:
        name, kind = field["name"], field.get("type", EvidenceType.TEXT)
        value = evidence.get(name)
        key = f"evidence.{name}"
        if kind == EvidenceType.FILE:
            if field.get("required") and not task.evidence_files.exists():
                errors.add(key, _("Attach the file for this step first."))
            continue
        if value in (None, ""):
            if field.get("required"):
                errors.add(key, _("This field is required."))
            continue
        if kind == EvidenceType.BOOL:
            cleaned[name] = value in (True, "true", "on", "1", 1, "yes")
        elif kind == EvidenceType.AMOUNT:
            cleaned[name] = str(_amount(errors, key, value))
        elif kind == EvidenceType.DATETIME:
            parsed = _datetime(errors, key, value)
            cleaned[name] = parsed.isoformat() if parsed else None
        elif kind == EvidenceType.URL:
            result = errors.normalise(key, chinese.normalize_url, value)
            cleaned[name] = result[0] if isinstance(result, tuple) else value
        elif kind == EvidenceType.CHOICE:
            allowed = [c[0] for c in field.get("choices", [])]
            if value not in allowed:
                errors.add(key, _("Choose one of: %(choices)s.") % {"choices": ", ".join(allowed)})
            cleaned[name] = value
        else:
            cleaned[name] = _text(
                errors, key, value, max_length=5000, prose=kind == EvidenceType.TEXTAREA
            )
    errors.raise_if_any()
    return cleaned


def _after_level_reported(incident: Incident, task: Task, *, actor: Actor, now) -> None:
    """A level's reporting step is done: send the incident up at once, never waiting for
    that level's slow steps (cooperating with the police can take weeks)."""
    before = _snapshot(incident)
    if task.level == Level.BRANCH and can_proceed(incident.report_to_sub_branch):
        incident.report_to_sub_branch()
        target_level = Level.SUB_BRANCH
    elif task.level == Level.SUB_BRANCH and can_proceed(incident.report_to_head_office):
        incident.report_to_head_office()
        target_level = Level.HEAD_OFFICE
    else:
        return
    _save_transition(incident, action="incident.report_up")
    audit_record(
        actor=actor,
        action="incident.reported_up",
        thread=incident.thread,
        target=incident.number,
        before=before,
        after=_snapshot(incident),
        data={"step": task.step.code},
    )
    _open_level_tasks(incident, target_level, now=now)


@refusals_audited
def task_complete(
    *,
    actor: Actor,
    task_id: int,
    note: str = "",
    evidence: dict | None = None,
) -> Task:
    """Record a step as done with its evidence; a reporting step sends the incident up."""
    action = "task.complete"
    with transaction.atomic():
        incident, task = _task_for_update(actor=actor, task_id=task_id, action=action)
        _require_task_worker(actor, task, incident, action)
        _check_task_open(task, incident, action)
        cleaned = _clean_evidence(task, evidence or {})
        now = timezone.now()
        before = {"status": task.status}
        task.status = TaskStatus.DONE
        task.completed_at = now
        task.completed_by = actor.user
        task.completed_by_client = actor.client
        task.note = chinese.prose(note)[:5000]
        task.evidence = cleaned
        task.save()
        audit_record(
            actor=actor,
            action="task.done",
            thread=incident.thread,
            target=f"task:{task.pk}",
            before=before,
            after={"status": task.status, "evidence": cleaned, "note": task.note},
            data={"step": task.step.code, "level": task.level, "on_time": _on_time(task)},
        )
        events.task_finished(task=task)
        if task.step.reports_up:
            _after_level_reported(incident, task, actor=actor, now=now)
    return task


def _on_time(task: Task) -> bool | None:
    if task.due_at is None or task.completed_at is None:
        return None
    return task.completed_at <= task.due_at


@refusals_audited
def task_mark_not_applicable(*, actor: Actor, task_id: int, reason: str) -> Task:
    """Record that a conditional step does not apply here, with the reason why."""
    action = "task.not_applicable"
    reason = chinese.prose(reason)
    with transaction.atomic():
        incident, task = _task_for_update(actor=actor, task_id=task_id, action=action)
        if task.status == TaskStatus.WAITING:
            # The level above decides that a step waiting for its instruction is not needed.
            _require_instructing_level(actor, task, incident, action)
            if not incident.is_open:
                raise InvalidTransition(thread=incident.thread, action=action)
        else:
            _require_task_worker(actor, task, incident, action)
            _check_task_open(task, incident, action)
        if not reason:
            raise InvalidInput(fields={"reason": [_("Say why this step does not apply.")]})
        step = task.step
        if not permissions.task_may_be_not_applicable(task):
            raise InvalidTransition(
                _("This step is required for every incident of this type: record it as done."),
                thread=incident.thread,
                action=action,
            )
        before = {"status": task.status}
        task.status = TaskStatus.NOT_APPLICABLE
        task.completed_at = timezone.now()
        task.completed_by = actor.user
        task.completed_by_client = actor.client
        task.note = reason[:5000]
        task.save()
        audit_record(
            actor=actor,
            action="task.not_applicable",
            thread=incident.thread,
            target=f"task:{task.pk}",
            before=before,
            after={"status": task.status, "reason": task.note},
            data={"step": step.code, "level": task.level},
        )
        events.task_finished(task=task)
    return task


@refusals_audited
def task_instruct(*, actor: Actor, task_id: int, instruction: str) -> Task:
    """The level above instructs a waiting step (e.g. "file the police report now"),
    which opens it and starts its clock."""
    action = "task.instruct"
    instruction = chinese.prose(instruction)
    with transaction.atomic():
        incident, task = _task_for_update(actor=actor, task_id=task_id, action=action)
        _require_instructing_level(actor, task, incident, action)
        if not incident.is_open:
            raise InvalidTransition(thread=incident.thread, action=action)
        if task.status != TaskStatus.WAITING:
            raise Conflict(
                _("This step is not waiting for an instruction any more."),
                thread=incident.thread,
                action=action,
            )
        if not instruction:
            raise InvalidInput(fields={"instruction": [_("Write the instruction.")]})
        now = timezone.now()
        task.status = TaskStatus.OPEN
        task.opened_at = now
        task.due_at = _compute_due(task.step, incident=incident, started=now)
        task.instructed_by = actor.user
        task.instruction = instruction[:5000]
        task.save()
        audit_record(
            actor=actor,
            action="task.instructed",
            thread=incident.thread,
            target=f"task:{task.pk}",
            before={"status": TaskStatus.WAITING},
            after={"status": task.status, "due_at": task.due_at, "instruction": task.instruction},
            data={"step": task.step.code, "level": task.level},
        )
        events.task_instructed(task=task)
    return task


TRANSITIONS = ("return", "resubmit", "close", "withdraw")


@refusals_audited
def incident_transition(
    *,
    actor: Actor,
    incident_id: int,
    transition: str,
    reason: str = "",
    expected_state: str | None = None,
) -> Incident:
    """Move the incident: return it for more information, resubmit it, close or withdraw it.

    Reporting up happens on its own when a level's reporting step is done.
    """
    action = f"incident.{transition}"
    reason = chinese.prose(reason)
    with transaction.atomic():
        incident = _incident_for_update(actor=actor, incident_id=incident_id, action=action)
        _check_expected_state(incident, expected_state, action)
        if transition not in TRANSITIONS:
            raise InvalidInput(
                fields={"transition": [_("Use one of: %s.") % ", ".join(TRANSITIONS)]}
            )
        before = _snapshot(incident)
        not_possible = InvalidTransition(
            _("“%(action)s” is not possible while the incident is %(state)s.")
            % {"action": transition, "state": incident.get_state_display()},
            thread=incident.thread,
            action=action,
        )
        if transition in ("return", "withdraw") and not reason:
            raise InvalidInput(fields={"reason": [_("Give the reason.")]})
        # Which states allow the transition, and who may use it there, is the pages' table.
        roles = permissions.TRANSITION_ROLES.get((transition, incident.state))
        if roles is None:
            raise not_possible
        _require_role_at(
            actor,
            unit=permissions.holding_unit(incident),
            roles=roles,
            thread=incident.thread,
            action=action,
        )
        if transition == "return":
            if incident.state == S.SUB_BRANCH_HANDLING:
                incident.return_to_branch(reason)
            else:
                incident.return_to_sub_branch(reason)
        elif transition == "resubmit":
            if incident.state == S.RETURNED_TO_BRANCH:
                method = incident.report_to_sub_branch
            else:
                method = incident.report_to_head_office
            if not can_proceed(method):
                raise not_possible
            method()
        elif transition == "close":
            if not can_proceed(incident.close):
                raise InvalidTransition(
                    _(
                        "Every mandatory step at every level must be done or marked not "
                        "applicable before the incident can be closed."
                    ),
                    code="open_tasks",
                    thread=incident.thread,
                    action=action,
                )
            incident.close()
        elif transition == "withdraw":
            if not can_proceed(incident.withdraw):
                raise not_possible
            incident.withdraw(reason)
        _save_transition(incident, action=action)
        audit_record(
            actor=actor,
            action="incident.transition",
            thread=incident.thread,
            target=incident.number,
            before=before,
            after=_snapshot(incident),
            data={"transition": transition, "reason": reason},
        )
        events.incident_transitioned(incident=incident, transition=transition)
    return incident


def incident_record_recovery(
    *, actor: Actor, incident: Incident, amount: Decimal, source: str
) -> Incident:
    """Money came back to the victim (an executed reversal; `source` names it): add
    `amount` to the incident's amount recovered, audited on its thread. Called inside the
    caller's transaction, with the incident's row already locked by it."""
    before = incident.amount_recovered
    incident.amount_recovered = before + amount
    Incident.objects.filter(pk=incident.pk).update(
        amount_recovered=incident.amount_recovered, updated_at=timezone.now()
    )
    audit_record(
        actor=actor,
        action="incident.recovered",
        thread=incident.thread,
        target=source,
        before={"amount_recovered": before},
        after={"amount_recovered": incident.amount_recovered},
        data={"amount": amount, "source": source},
    )
    return incident


def _sniff_content_type(head: bytes) -> str | None:
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return "text/plain"


@refusals_audited
def evidence_attach(
    *, actor: Actor, incident_id: int, uploaded_file, task_id: int | None = None, description=""
) -> Evidence:
    """Attach a file (photo of a fake card, police receipt, scan) after checking its type
    by content and its size."""
    action = "evidence.attach"
    name = os.path.basename(uploaded_file.name or "upload")
    extension = os.path.splitext(name)[1].lower()
    allowed: dict[str, list[str]] = settings.EVIDENCE_CONTENT_TYPES
    if uploaded_file.size > settings.EVIDENCE_MAX_BYTES:
        raise InvalidInput(
            fields={
                "file": [
                    _("The file is too large: at most %(mb)d MB.")
                    % {"mb": settings.EVIDENCE_MAX_BYTES // (1024 * 1024)}
                ]
            }
        )
    head = uploaded_file.read(2048)
    uploaded_file.seek(0)
    sniffed = _sniff_content_type(head)
    if sniffed == "text/plain" and extension == ".csv":
        sniffed = "text/csv"
    if sniffed not in allowed or extension not in allowed[sniffed]:
        raise InvalidInput(
            fields={"file": [_("Attach a PDF, JPEG, PNG, text or CSV file; this one is not.")]}
        )
    digest = hashlib.sha256()
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    uploaded_file.seek(0)
    with transaction.atomic():
        incident = _incident_for_update(actor=actor, incident_id=incident_id, action=action)
        if actor.user is not None and not (actor.working_levels() and actor.sees(incident.unit)):
            raise PermissionRefused(thread=incident.thread, action=action)
        task = None
        if task_id is not None:
            task = incident.tasks.filter(pk=task_id).first()
            if task is None:
                raise NotFound(_("No such task."))
            _require_task_worker(actor, task, incident, action)
        evidence = Evidence(
            incident=incident,
            task=task,
            original_name=name[:255],
            content_type=sniffed,
            size=uploaded_file.size,
            sha256=digest.hexdigest(),
            description=chinese.fold(description or "")[:200],
            uploaded_by=actor.user,
        )
        evidence.file.save(name, uploaded_file, save=False)
        evidence.save()
        audit_record(
            actor=actor,
            action="evidence.attached",
            thread=incident.thread,
            target=f"evidence:{evidence.pk}",
            after={"name": name, "size": evidence.size, "sha256": evidence.sha256},
        )
    return evidence

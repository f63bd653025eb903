"""The facts after filing: the case file grows with the investigation.

The incident's own facts (when it happened, the channel, the fraud script and its details,
whether it is serious) are edited in place; the account of what happened is never
rewritten: each addition is a `SummaryAmendment`, shown after the summary as filed. Parties,
accounts and fraud vehicles are added, corrected, and removed with a reason; a removed row
is kept (struck through on the page, in the audit trail) but leaves the case file
(`Party.objects` and `incident.parties` skip it).

Every service here:

- locks the incident row (`locks.incident_lock`: out of the actor's subtree is NotFound),
  then checks who may (`permissions.check_may_edit_facts`: the level holding the incident
  and the levels above it, while it is open);
- refuses an edit made against an older `revision` of the incident (`expected_revision`:
  the page's hidden field, the API's required field) with `Conflict`, before anything
  changes, and bumps the revision with each change it makes;
- validates identifiers with filing's own cleaners (`filing.clean_party`, `clean_account`,
  `clean_vehicle`, `clean_fact`: SPEC §6), so a bad value is an InvalidInput naming its
  field and nothing is saved;
- records before and after in the audit trail in the same transaction, and ends with
  `_facts_changed`, where what depends on the facts is kept up to date.

An edit that changes nothing (the same values again) is not an edit: no revision, no audit
row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fraudops.core.actors import Actor
from fraudops.core.audit import audit_record
from fraudops.core.concurrency import parse_expected_revision, save_or_conflict
from fraudops.core.errors import Conflict, InvalidInput, NotFound
from fraudops.core.parsing import FieldErrors, parse_prose
from fraudops.core.services import refusals_audited

from .. import permissions
from ..choices import MAX_NOTE
from ..models import Account, Incident, Party, SummaryAmendment, Vehicle
from ..row_guards import removal_objection
from .filing import (
    EDITABLE_FACTS,
    MAX_PARTIES,
    clean_account,
    clean_fact,
    clean_party,
    clean_vehicle,
)
from .locks import incident_check_revision, incident_lock
from .search import search_keys_refresh
from .steps import task_applicability_refresh

__all__ = [
    "account_add",
    "account_correct",
    "account_remove",
    "incident_facts_update",
    "party_add",
    "party_correct",
    "party_remove",
    "vehicle_add",
    "vehicle_correct",
    "vehicle_remove",
]

MAX_AMENDMENT = 5000


def _facts_changed(*, actor: Actor, incident: Incident) -> None:
    """Called at the end of every facts edit, inside its transaction, with the incident's
    row locked and its new revision saved: the one place where what is derived from the
    facts is kept in step with them (the steps the facts make not applicable, or
    applicable again: no payee account at this bank, not serious; the incident's search
    keys)."""
    task_applicability_refresh(actor=actor, incident=incident)
    search_keys_refresh(incident=incident)


# --- the incident's revision ------------------------------------------------------------------


def _lock_for_edit(
    *, actor: Actor, incident_id: int, expected_revision: Any, action: str
) -> Incident:
    """Lock the incident, check who may, then refuse a stale revision (nothing changed)."""
    parse_expected_revision(expected_revision)  # a malformed one is refused before the lock
    incident = incident_lock(actor=actor, pk=incident_id, action=action)
    permissions.check_may_edit_facts(actor, incident=incident, action=action)
    incident_check_revision(incident, expected_revision, action=action)
    return incident


def _bump(incident: Incident, *, action: str, fields: tuple[str, ...] = ()) -> None:
    incident.revision += 1
    save_or_conflict(incident, action=action, update_fields=["revision", "updated_at", *fields])


# --- the incident's own facts -------------------------------------------------------------------


@refusals_audited
def incident_facts_update(
    *,
    actor: Actor,
    incident_id: int,
    data: dict[str, Any],
    expected_revision: Any = None,
) -> Incident:
    """Edit the incident's facts: any of `occurred_at`, `channel`, `fraud_script`,
    `fraud_script_detail`, `serious` present in `data` (each cleaned as filing cleans it),
    and `summary_amendment`, a text added after the summary as filed (which never
    changes). Fields left out of `data` keep their value."""
    action = "incident.edit_facts"
    with transaction.atomic():
        incident = _lock_for_edit(
            actor=actor, incident_id=incident_id, expected_revision=expected_revision, action=action
        )
        errors = FieldErrors()
        cleaned = {
            name: clean_fact(errors, name, data[name]) for name in EDITABLE_FACTS if name in data
        }
        if not incident.incident_type.is_fraud:
            # A customer-safety event takes none of a fraud's facts (as at filing).
            for name in ("fraud_script", "fraud_script_detail", "serious"):
                if cleaned.get(name):
                    errors.add(name, _("Not a fraud: this incident type takes no such value."))
        amendment = errors.collect(
            parse_prose,
            data.get("summary_amendment"),
            field="summary_amendment",
            max_length=MAX_AMENDMENT,
            fallback="",
        )
        errors.raise_if_any()
        before: dict[str, Any] = {}
        after: dict[str, Any] = {}
        for name, value in cleaned.items():
            if getattr(incident, name) != value:
                before[name], after[name] = getattr(incident, name), value
                setattr(incident, name, value)
        if not after and not amendment:
            return incident
        _bump(incident, action=action, fields=tuple(after))
        if amendment:
            SummaryAmendment.objects.create(
                incident=incident,
                text=amendment,
                revision=incident.revision,
                created_by=actor.user,
                created_by_client=actor.client,
            )
            after["summary_amendment"] = amendment
        audit_record(
            actor=actor,
            action="incident.facts_updated",
            thread=incident.thread,
            target=incident.number,
            before=before,
            after=after,
            data={"revision": incident.revision},
        )
        _facts_changed(actor=actor, incident=incident)
    return incident


# --- parties, accounts and fraud vehicles ----------------------------------------------------


@dataclass(frozen=True)
class _RowKind:
    """How one kind of case-file row is cleaned, compared and recorded."""

    name: str  # the audit trail's word: party, account, vehicle
    model: type[Party] | type[Account] | type[Vehicle]
    # The row's current values as raw input, for a correction that gives only some fields.
    raw: Callable[[Any], dict[str, Any]]
    # Cleaned fields (filing's cleaner) and, for accounts, the holder resolved.
    clean: Callable[[FieldErrors, dict[str, Any], Incident], dict[str, Any]]
    snapshot: Callable[[Any], dict[str, Any]]
    not_found: Callable[[], str]
    too_many: Callable[[], str]


PARTY_FIELDS = ("role", "name", "id_type", "id_number", "phone", "staff_role", "notes")
ACCOUNT_FIELDS = (
    "role",
    "kind",
    "number",
    "holder_name",
    "bank_name",
    "at_this_bank",
    "opening_unit",
    "party",
)
VEHICLE_FIELDS = ("kind", "value", "notes")


def _party_snapshot(party: Party) -> dict[str, Any]:
    return {name: getattr(party, name) for name in PARTY_FIELDS}


def _account_snapshot(account: Account) -> dict[str, Any]:
    snapshot = {name: getattr(account, name) for name in ACCOUNT_FIELDS[:-2]}
    snapshot["opening_unit"] = account.opening_unit.code if account.opening_unit else ""
    snapshot["party"] = account.party_id
    return snapshot


def _account_raw(account: Account) -> dict[str, Any]:
    # A holder removed from the case file is not kept by a correction (it would be refused).
    raw = _account_snapshot(account)
    if account.party_id is not None and account.party is not None and account.party.is_removed:
        raw["party"] = None
    return raw


def _vehicle_snapshot(vehicle: Vehicle) -> dict[str, Any]:
    return {"kind": vehicle.kind, "value": vehicle.value, "notes": vehicle.notes}


def _clean_party(errors: FieldErrors, raw: dict[str, Any], incident: Incident) -> dict[str, Any]:
    return clean_party(errors, "", raw)


def _clean_account(errors: FieldErrors, raw: dict[str, Any], incident: Incident) -> dict[str, Any]:
    cleaned = clean_account(errors, "", raw)
    party_id: Any = raw.get("party")
    cleaned["party"] = None
    if party_id not in (None, ""):
        try:
            party = incident.parties.filter(pk=int(party_id)).first()
        except (TypeError, ValueError):
            party = None
        if party is None:
            errors.add("party", _("Choose one of this incident's parties as the holder."))
        cleaned["party"] = party
    return cleaned


def _clean_vehicle(errors: FieldErrors, raw: dict[str, Any], incident: Incident) -> dict[str, Any]:
    if not incident.incident_type.is_fraud:
        # A customer-safety event has no fraud vehicles (as at filing).
        errors.add("kind", _("Not a fraud: this incident type takes no such value."))
        return {}
    return clean_vehicle(errors, "", raw)


PARTY = _RowKind(
    name="party",
    model=Party,
    raw=_party_snapshot,
    clean=_clean_party,
    snapshot=_party_snapshot,
    not_found=lambda: _("No such party."),
    too_many=lambda: _("This incident already has the most parties it can hold."),
)
ACCOUNT = _RowKind(
    name="account",
    model=Account,
    raw=_account_raw,
    clean=_clean_account,
    snapshot=_account_snapshot,
    not_found=lambda: _("No such account."),
    too_many=lambda: _("This incident already has the most accounts it can hold."),
)
VEHICLE = _RowKind(
    name="vehicle",
    model=Vehicle,
    raw=_vehicle_snapshot,
    clean=_clean_vehicle,
    snapshot=_vehicle_snapshot,
    not_found=lambda: _("No such fraud vehicle."),
    too_many=lambda: _("This incident already has the most fraud vehicles it can hold."),
)


def _row_for_edit(kind: _RowKind, incident: Incident, row_id: int, action: str) -> Any:
    """The incident's row `row_id` (removed ones too), locked; a removed one is a Conflict."""
    row = kind.model.all_objects.select_for_update().filter(pk=row_id, incident=incident).first()
    if row is None:
        raise NotFound(kind.not_found())
    if row.is_removed:
        raise Conflict(
            _("It was removed from the case file on %(when)s: it can no longer change.")
            % {"when": timezone.localtime(row.removed_at).strftime("%Y-%m-%d %H:%M")},
            thread=incident.thread,
            action=action,
        )
    return row


def _record(
    kind: _RowKind,
    *,
    actor: Actor,
    incident: Incident,
    row: Any,
    verb: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> None:
    audit_record(
        actor=actor,
        action=f"{kind.name}.{verb}",
        thread=incident.thread,
        target=f"{kind.name}:{row.pk}",
        before=before,
        after=after,
        data={"revision": incident.revision},
    )


def _row_add(
    kind: _RowKind, *, actor: Actor, incident_id: int, data: dict[str, Any], expected_revision: Any
) -> Any:
    action = f"{kind.name}.add"
    with transaction.atomic():
        incident = _lock_for_edit(
            actor=actor, incident_id=incident_id, expected_revision=expected_revision, action=action
        )
        errors = FieldErrors()
        cleaned = kind.clean(errors, data, incident)
        errors.raise_if_any()
        if kind.model.objects.filter(incident=incident).count() >= MAX_PARTIES:
            raise InvalidInput(kind.too_many())
        row = kind.model.objects.create(incident=incident, **cleaned)
        _bump(incident, action=action)
        _record(
            kind,
            actor=actor,
            incident=incident,
            row=row,
            verb="added",
            before=None,
            after=kind.snapshot(row),
        )
        _facts_changed(actor=actor, incident=incident)
    return row


def _row_correct(
    kind: _RowKind,
    *,
    actor: Actor,
    incident_id: int,
    row_id: int,
    data: dict[str, Any],
    expected_revision: Any,
) -> Any:
    action = f"{kind.name}.correct"
    with transaction.atomic():
        incident = _lock_for_edit(
            actor=actor, incident_id=incident_id, expected_revision=expected_revision, action=action
        )
        row = _row_for_edit(kind, incident, row_id, action)
        errors = FieldErrors()
        cleaned = kind.clean(errors, {**kind.raw(row), **data}, incident)
        errors.raise_if_any()
        before = kind.snapshot(row)
        for name, value in cleaned.items():
            setattr(row, name, value)
        after = kind.snapshot(row)
        if after == before:
            return row
        row.save()
        _bump(incident, action=action)
        changed = [name for name in after if after[name] != before[name]]
        _record(
            kind,
            actor=actor,
            incident=incident,
            row=row,
            verb="corrected",
            before={name: before[name] for name in changed},
            after={name: after[name] for name in changed},
        )
        _facts_changed(actor=actor, incident=incident)
    return row


def _row_remove(
    kind: _RowKind,
    *,
    actor: Actor,
    incident_id: int,
    row_id: int,
    reason: str,
    expected_revision: Any,
) -> Any:
    action = f"{kind.name}.remove"
    with transaction.atomic():
        incident = _lock_for_edit(
            actor=actor, incident_id=incident_id, expected_revision=expected_revision, action=action
        )
        row = _row_for_edit(kind, incident, row_id, action)
        reason = parse_prose(
            reason,
            field="reason",
            max_length=MAX_NOTE,
            required=True,
            required_message=_("Say why it is removed from the case file."),
        )
        objection = removal_objection(kind.name, row)
        if objection:
            raise Conflict(objection, code="row_in_use", thread=incident.thread, action=action)
        row.removed_at = timezone.now()
        row.removed_by = actor.user
        row.removed_by_client = actor.client
        row.removal_reason = reason
        row.save(update_fields=["removed_at", "removed_by", "removed_by_client", "removal_reason"])
        _bump(incident, action=action)
        _record(
            kind,
            actor=actor,
            incident=incident,
            row=row,
            verb="removed",
            before=kind.snapshot(row),
            after={"removed_at": row.removed_at, "reason": reason},
        )
        _facts_changed(actor=actor, incident=incident)
    return row


# --- the public services, one per kind and verb ------------------------------------------------
# `data` holds the row's fields as filing takes them (see the API's serializers); an account's
# holder is `party`, the id of one of the incident's parties. A correction gives only the
# fields that change.


@refusals_audited
def party_add(
    *, actor: Actor, incident_id: int, data: dict[str, Any], expected_revision: Any = None
) -> Party:
    """Add a party found after filing (a second payee, a linked customer)."""
    party: Party = _row_add(
        PARTY, actor=actor, incident_id=incident_id, data=data, expected_revision=expected_revision
    )
    return party


@refusals_audited
def party_correct(
    *,
    actor: Actor,
    incident_id: int,
    party_id: int,
    data: dict[str, Any],
    expected_revision: Any = None,
) -> Party:
    """Correct a party's fields (those given in `data`)."""
    party: Party = _row_correct(
        PARTY,
        actor=actor,
        incident_id=incident_id,
        row_id=party_id,
        data=data,
        expected_revision=expected_revision,
    )
    return party


@refusals_audited
def party_remove(
    *,
    actor: Actor,
    incident_id: int,
    party_id: int,
    reason: str,
    expected_revision: Any = None,
) -> Party:
    """Remove a party from the case file, with the reason (the row is kept)."""
    party: Party = _row_remove(
        PARTY,
        actor=actor,
        incident_id=incident_id,
        row_id=party_id,
        reason=reason,
        expected_revision=expected_revision,
    )
    return party


@refusals_audited
def account_add(
    *, actor: Actor, incident_id: int, data: dict[str, Any], expected_revision: Any = None
) -> Account:
    """Add an account or card found after filing (the second payee account the history
    shows, a linked account)."""
    account: Account = _row_add(
        ACCOUNT,
        actor=actor,
        incident_id=incident_id,
        data=data,
        expected_revision=expected_revision,
    )
    return account


@refusals_audited
def account_correct(
    *,
    actor: Actor,
    incident_id: int,
    account_id: int,
    data: dict[str, Any],
    expected_revision: Any = None,
) -> Account:
    """Correct an account's fields (those given in `data`)."""
    account: Account = _row_correct(
        ACCOUNT,
        actor=actor,
        incident_id=incident_id,
        row_id=account_id,
        data=data,
        expected_revision=expected_revision,
    )
    return account


@refusals_audited
def account_remove(
    *,
    actor: Actor,
    incident_id: int,
    account_id: int,
    reason: str,
    expected_revision: Any = None,
) -> Account:
    """Remove an account from the case file, with the reason (the row is kept)."""
    account: Account = _row_remove(
        ACCOUNT,
        actor=actor,
        incident_id=incident_id,
        row_id=account_id,
        reason=reason,
        expected_revision=expected_revision,
    )
    return account


@refusals_audited
def vehicle_add(
    *, actor: Actor, incident_id: int, data: dict[str, Any], expected_revision: Any = None
) -> Vehicle:
    """Add a fraud vehicle found after filing (a phishing site, a fraud phone number)."""
    vehicle: Vehicle = _row_add(
        VEHICLE,
        actor=actor,
        incident_id=incident_id,
        data=data,
        expected_revision=expected_revision,
    )
    return vehicle


@refusals_audited
def vehicle_correct(
    *,
    actor: Actor,
    incident_id: int,
    vehicle_id: int,
    data: dict[str, Any],
    expected_revision: Any = None,
) -> Vehicle:
    """Correct a fraud vehicle's fields (those given in `data`)."""
    vehicle: Vehicle = _row_correct(
        VEHICLE,
        actor=actor,
        incident_id=incident_id,
        row_id=vehicle_id,
        data=data,
        expected_revision=expected_revision,
    )
    return vehicle


@refusals_audited
def vehicle_remove(
    *,
    actor: Actor,
    incident_id: int,
    vehicle_id: int,
    reason: str,
    expected_revision: Any = None,
) -> Vehicle:
    """Remove a fraud vehicle from the case file, with the reason (the row is kept)."""
    vehicle: Vehicle = _row_remove(
        VEHICLE,
        actor=actor,
        incident_id=incident_id,
        row_id=vehicle_id,
        reason=reason,
        expected_revision=expected_revision,
    )
    return vehicle

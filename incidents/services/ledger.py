"""The incident's amounts as a ledger: recoveries and preventions are entries, the
incident's amounts recovered and prevented are their totals (kept on the incident, updated
in the transaction of each entry), and the outcome follows the figures unless someone set
it by hand with a reason.

- `ledger_entry_add`: the building block, inside the caller's transaction with the incident
  locked (an executed reversal, the amounts given at filing). An entry with a reference is
  written once: the same kind, source and reference again returns the entry already there.
- `ledger_entry_record`, `ledger_entry_void`, `incident_amount_lost_set`,
  `incident_outcome_set`, `incident_outcome_clear`: what people and API clients call; each
  locks the incident, checks `permissions.check_may_edit_amounts`, validates with the kit
  (`fraudops.core.parsing`) and audits before and after in its own transaction. A refusal
  changes nothing.

Concurrency: the incident's row lock serialises every write of its amounts, so totals are
recomputed from the entries under the lock and never lost. A write given
`expected_revision` is refused as a conflict when the incident has moved on since; setting
the amount lost or the outcome by hand moves the revision on (an entry does not: core
banking's confirmations must never make a person's open form stale).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fraudops.core.actors import Actor
from fraudops.core.audit import audit_record
from fraudops.core.errors import Conflict, InvalidInput, NotFound
from fraudops.core.parsing import (
    FieldErrors,
    parse_amount,
    parse_choice,
    parse_datetime,
    parse_prose,
    parse_text,
)
from fraudops.core.services import refusals_audited

from .. import permissions
from ..choices import MAX_NOTE, LedgerKind, LedgerSource, Outcome, outcome_for
from ..models import Incident, LedgerEntry
from .locks import incident_check_revision, incident_lock

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
MAX_REFERENCE = 64


# --- figures -----------------------------------------------------------------------------------


def incident_figures(incident: Incident) -> dict[str, Any]:
    """What the audit trail records before and after a change of the amounts."""
    return {
        "amount_lost": incident.amount_lost,
        "amount_recovered": incident.amount_recovered,
        "amount_prevented": incident.amount_prevented,
        "outcome": incident.outcome,
        "outcome_set_by_hand": incident.outcome_set_by_hand,
    }


def incident_totals_apply(incident: Incident) -> None:
    """Recompute the incident's totals from its entries not voided, and its outcome from the
    figures unless it was set by hand; write them to the row. Inside the caller's
    transaction, with the incident locked."""
    live = Q(ledger_entries__voided_at__isnull=True)
    totals = Incident.objects.filter(pk=incident.pk).aggregate(
        recovered=Sum(
            "ledger_entries__amount", filter=live & Q(ledger_entries__kind=LedgerKind.RECOVERY)
        ),
        prevented=Sum(
            "ledger_entries__amount",
            filter=live & Q(ledger_entries__kind=LedgerKind.PREVENTION),
        ),
    )
    # Quantized: SQLite's SUM comes back as Decimal("50000"), PostgreSQL's as 50000.00.
    incident.amount_recovered = (totals["recovered"] or ZERO).quantize(CENT)
    incident.amount_prevented = (totals["prevented"] or ZERO).quantize(CENT)
    _outcome_follow(incident)
    _write(incident, "amount_recovered", "amount_prevented", "outcome")


def _outcome_follow(incident: Incident) -> None:
    if not incident.outcome_set_by_hand:
        incident.outcome = outcome_for(
            lost=incident.amount_lost,
            recovered=incident.amount_recovered,
            prevented=incident.amount_prevented,
        )


def _write(incident: Incident, *fields: str) -> None:
    # An UPDATE of these columns only: the incident's state column is django_fsm's
    # (protected, guarded by ConcurrentTransitionMixin) and is not touched here.
    incident.updated_at = timezone.now()
    if {"amount_lost", "outcome_set_by_hand"} & set(fields):
        # A person's correction of the figures is an edit of the case file: it moves the
        # revision on, so that a form opened before it is refused as stale.
        incident.revision += 1
        fields = (*fields, "revision")
    Incident.objects.filter(pk=incident.pk).update(
        **{name: getattr(incident, name) for name in (*fields, "updated_at")}
    )


def _entry_snapshot(entry: LedgerEntry) -> dict[str, Any]:
    return {
        "entry": entry.pk,
        "kind": entry.kind,
        "source": entry.source,
        "amount": entry.amount,
        "occurred_at": entry.occurred_at,
        "reference": entry.reference,
        "note": entry.note,
    }


# --- the building block --------------------------------------------------------------------------


def _entry_add(
    *,
    actor: Actor,
    incident: Incident,
    kind: str,
    source: str,
    amount: Decimal,
    occurred_at: datetime.datetime,
    reference: str = "",
    note: str = "",
) -> tuple[LedgerEntry, bool]:
    if reference:
        existing = (
            LedgerEntry.objects.filter(
                incident=incident,
                kind=kind,
                source=source,
                reference=reference,
                voided_at__isnull=True,
            )
            .order_by("pk")
            .first()
        )
        if existing is not None:
            if existing.amount != amount:
                raise Conflict(
                    _(
                        "An entry with the reference %(reference)s is already recorded for "
                        "%(amount)s yuan; void it first to record a different amount."
                    )
                    % {"reference": reference, "amount": existing.amount},
                    code="duplicate_reference",
                    thread=incident.thread,
                    action="incident.ledger_record",
                )
            return existing, False
    before = incident_figures(incident)
    entry = LedgerEntry.objects.create(
        incident=incident,
        kind=kind,
        source=source,
        amount=amount,
        occurred_at=occurred_at,
        reference=reference,
        note=note,
        recorded_by=actor.user,
        recorded_by_client=actor.client,
    )
    incident_totals_apply(incident)
    audit_record(
        actor=actor,
        action="incident.ledger_entry_added",
        thread=incident.thread,
        target=f"ledger:{entry.pk}",
        before=before,
        after=incident_figures(incident),
        data=_entry_snapshot(entry),
    )
    return entry, True


def ledger_entry_add(
    *,
    actor: Actor,
    incident: Incident,
    kind: str,
    source: str,
    amount: Decimal,
    occurred_at: datetime.datetime,
    reference: str = "",
    note: str = "",
) -> LedgerEntry:
    """Write one entry of the incident's ledger (already validated: `amount` > 0, `kind` a
    `LedgerKind`, `source` a `LedgerSource`), update the incident's totals and outcome, and
    audit before and after on its thread. Called inside the caller's transaction, with the
    incident's row already locked by it (an executed reversal, filing).

    With a `reference`, the entry is written once: the same kind, source and reference with
    the same amount returns the entry already there and changes nothing; a different amount
    is a Conflict (void the first entry to correct it)."""
    entry, _created = _entry_add(
        actor=actor,
        incident=incident,
        kind=kind,
        source=source,
        amount=amount,
        occurred_at=occurred_at,
        reference=reference,
        note=note,
    )
    return entry


# --- what people and API clients call -------------------------------------------------------------


def _reason(errors: FieldErrors, value: Any) -> str:
    return errors.collect(
        parse_prose, value, field="reason", max_length=MAX_NOTE, required=True, fallback=""
    )


def _clean_entry(data: dict[str, Any]) -> dict[str, Any]:
    errors = FieldErrors()
    kind = errors.collect(
        parse_choice, data.get("kind"), field="kind", choices=LedgerKind, required=True, fallback=""
    )
    source = errors.collect(
        parse_choice,
        data.get("source"),
        field="source",
        choices=LedgerSource,
        required=True,
        fallback="",
    )
    if source == LedgerSource.REVERSAL_EXECUTED:
        # Core banking's confirmation of the reversal writes that entry itself (referenced
        # by the reversal's number); one typed by hand first would refuse the confirmation.
        errors.add(
            "source",
            _(
                "An executed reversal is recorded by core banking's confirmation of it; "
                "choose another source."
            ),
        )
    amount = errors.collect(
        parse_amount, data.get("amount"), field="amount", required=True, fallback=None
    )
    now = timezone.now()
    occurred_at = errors.collect(
        parse_datetime, data.get("occurred_at"), field="occurred_at", fallback=None
    )
    if occurred_at is None:
        occurred_at = now
    elif occurred_at > now + datetime.timedelta(minutes=5):
        errors.add("occurred_at", _("The time it happened cannot be in the future."))
    reference = errors.collect(
        parse_text, data.get("reference"), field="reference", max_length=MAX_REFERENCE, fallback=""
    )
    note = errors.collect(
        parse_prose, data.get("note"), field="note", max_length=MAX_NOTE, fallback=""
    )
    errors.raise_if_any()
    return {
        "kind": kind,
        "source": source,
        "amount": amount,
        "occurred_at": occurred_at,
        "reference": reference,
        "note": note,
    }


def _check_recovery_fits(incident: Incident, amount: Decimal, *, action: str) -> None:
    """A recovery typed by hand may not take the amount recovered above the amount lost
    (when one is recorded): a slip of the keyboard, or the amount lost needs correcting
    first. Read under the incident's lock, so two recoveries at once cannot both fit."""
    lost = incident.amount_lost
    if lost > 0 and incident.amount_recovered + amount > lost:
        left = max(lost - incident.amount_recovered, ZERO)
        raise InvalidInput(
            fields={
                "amount": [
                    _(
                        "This would bring the amount recovered above the amount lost "
                        "(%(lost)s yuan): at most %(left)s yuan more can be recorded. "
                        "Correct the amount lost first if it was more."
                    )
                    % {"lost": lost, "left": left}
                ]
            },
            thread=incident.thread,
            action=action,
        )


@refusals_audited
def ledger_entry_record(
    *,
    actor: Actor,
    incident_id: int,
    data: dict[str, Any],
    expected_revision: int | None = None,
) -> tuple[LedgerEntry, bool]:
    """Record a recovery or prevention on the incident (`data`: `kind`, `source`,
    `amount`, `occurred_at` (default now), `reference`, `note`), by staff of the level that
    holds it or a level above, or an API client with incidents:write in whose subtree it
    lies. Returns (entry, created): an entry with the same kind, source and reference
    already there is returned as it is (created False)."""
    action = "incident.ledger_record"
    cleaned = _clean_entry(data)
    with transaction.atomic():
        incident = incident_lock(actor=actor, pk=incident_id, action=action)
        permissions.check_may_edit_amounts(actor, incident=incident, action=action)
        incident_check_revision(incident, expected_revision, action=action)
        if cleaned["kind"] == LedgerKind.RECOVERY:
            duplicate = cleaned["reference"] and (
                LedgerEntry.objects.filter(
                    incident=incident,
                    kind=cleaned["kind"],
                    source=cleaned["source"],
                    reference=cleaned["reference"],
                    voided_at__isnull=True,
                ).exists()
            )
            if not duplicate:
                _check_recovery_fits(incident, cleaned["amount"], action=action)
        return _entry_add(actor=actor, incident=incident, **cleaned)


@refusals_audited
def ledger_entry_void(
    *,
    actor: Actor,
    incident_id: int,
    entry_id: int,
    reason: str,
    expected_revision: int | None = None,
) -> LedgerEntry:
    """Void a wrong entry, with the reason: it stays in the ledger, marked void, and the
    totals (and the outcome, unless set by hand) leave it out. Voiding twice is a
    Conflict."""
    action = "incident.ledger_void"
    errors = FieldErrors()
    reason = _reason(errors, reason)
    errors.raise_if_any()
    with transaction.atomic():
        incident = incident_lock(actor=actor, pk=incident_id, action=action)
        permissions.check_may_edit_amounts(actor, incident=incident, action=action)
        incident_check_revision(incident, expected_revision, action=action)
        entry = (
            LedgerEntry.objects.select_for_update().filter(pk=entry_id, incident=incident).first()
        )
        if entry is None:
            raise NotFound(_("No such ledger entry."))
        if entry.voided_at is not None:
            raise Conflict(
                _("This entry was already voided by someone else."),
                thread=incident.thread,
                action=action,
            )
        before = incident_figures(incident)
        entry.voided_at = timezone.now()
        entry.voided_by = actor.user
        entry.voided_by_client = actor.client
        entry.void_reason = reason
        entry.save(update_fields=["voided_at", "voided_by", "voided_by_client", "void_reason"])
        incident_totals_apply(incident)
        audit_record(
            actor=actor,
            action="incident.ledger_entry_voided",
            thread=incident.thread,
            target=f"ledger:{entry.pk}",
            before=before,
            after=incident_figures(incident),
            data={**_entry_snapshot(entry), "reason": reason},
        )
    return entry


@refusals_audited
def incident_amount_lost_set(
    *,
    actor: Actor,
    incident_id: int,
    amount: Any,
    reason: str,
    expected_revision: int | None = None,
) -> Incident:
    """Correct the amount lost, with the reason; the outcome follows (unless set by hand).
    It may not go below the amount already recovered (void the recovery first). The same
    amount again changes nothing."""
    action = "incident.amount_lost_set"
    errors = FieldErrors()
    parsed = errors.collect(
        parse_amount,
        amount,
        field="amount_lost",
        required=True,
        allow_zero=True,
        fallback=None,
    )
    reason = _reason(errors, reason)
    errors.raise_if_any()
    # Required: never None past the check.
    lost = (parsed if parsed is not None else ZERO).quantize(CENT)
    with transaction.atomic():
        incident = incident_lock(actor=actor, pk=incident_id, action=action)
        permissions.check_may_edit_amounts(actor, incident=incident, action=action)
        incident_check_revision(incident, expected_revision, action=action)
        if lost == incident.amount_lost:
            return incident
        if lost > 0 and lost < incident.amount_recovered:
            raise InvalidInput(
                fields={
                    "amount_lost": [
                        _(
                            "The amount lost cannot be less than the amount already "
                            "recovered (%(recovered)s yuan)."
                        )
                        % {"recovered": incident.amount_recovered}
                    ]
                },
                thread=incident.thread,
                action=action,
            )
        before = incident_figures(incident)
        incident.amount_lost = lost
        _outcome_follow(incident)
        _write(incident, "amount_lost", "outcome")
        audit_record(
            actor=actor,
            action="incident.amount_lost_changed",
            thread=incident.thread,
            target=incident.number,
            before=before,
            after=incident_figures(incident),
            data={"reason": reason},
        )
    return incident


@refusals_audited
def incident_outcome_set(
    *,
    actor: Actor,
    incident_id: int,
    outcome: str,
    reason: str,
    expected_revision: int | None = None,
) -> Incident:
    """Set the outcome by hand, with the reason: it no longer follows the amounts until
    cleared (`incident_outcome_clear`)."""
    action = "incident.outcome_set"
    errors = FieldErrors()
    outcome = errors.collect(
        parse_choice, outcome, field="outcome", choices=Outcome, required=True, fallback=""
    )
    reason = _reason(errors, reason)
    errors.raise_if_any()
    with transaction.atomic():
        incident = incident_lock(actor=actor, pk=incident_id, action=action)
        permissions.check_may_edit_amounts(actor, incident=incident, action=action)
        incident_check_revision(incident, expected_revision, action=action)
        before = {**incident_figures(incident), "outcome_reason": incident.outcome_reason}
        incident.outcome = outcome
        incident.outcome_set_by_hand = True
        incident.outcome_reason = reason
        _write(incident, "outcome", "outcome_set_by_hand", "outcome_reason")
        audit_record(
            actor=actor,
            action="incident.outcome_set_by_hand",
            thread=incident.thread,
            target=incident.number,
            before=before,
            after={**incident_figures(incident), "outcome_reason": reason},
            data={"reason": reason},
        )
    return incident


@refusals_audited
def incident_outcome_clear(
    *,
    actor: Actor,
    incident_id: int,
    reason: str = "",
    expected_revision: int | None = None,
) -> Incident:
    """Let the outcome follow the amounts again (it is recomputed at once). Conflict when
    it already does (someone else cleared it)."""
    action = "incident.outcome_clear"
    reason = parse_prose(reason, field="reason", max_length=MAX_NOTE)
    with transaction.atomic():
        incident = incident_lock(actor=actor, pk=incident_id, action=action)
        permissions.check_may_edit_amounts(actor, incident=incident, action=action)
        incident_check_revision(incident, expected_revision, action=action)
        if not incident.outcome_set_by_hand:
            raise Conflict(
                _("The outcome already follows the amounts."),
                thread=incident.thread,
                action=action,
            )
        before = {**incident_figures(incident), "outcome_reason": incident.outcome_reason}
        incident.outcome_set_by_hand = False
        incident.outcome_reason = ""
        _outcome_follow(incident)
        _write(incident, "outcome", "outcome_set_by_hand", "outcome_reason")
        audit_record(
            actor=actor,
            action="incident.outcome_follows_amounts",
            thread=incident.thread,
            target=incident.number,
            before=before,
            after={**incident_figures(incident), "outcome_reason": ""},
            data={"reason": reason},
        )
    return incident


# The reason recorded when an outcome given at filing differs from what the figures say.
FILED_OUTCOME_REASON = gettext_lazy("Given when the incident was filed.")

"""Filing an incident: its data validated in full before anything is written, then the
incident, its parties, accounts and fraud vehicles, and the branch's playbook steps.

The row cleaners (`clean_party`, `clean_account`, `clean_vehicle`, `clean_occurred_at`) are
the one validation of a case file's rows (SPEC §6): filing uses them for each row it is
given, and the edits after filing (`services/facts.py`) for the row they add or correct."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar, cast

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fraudops.core import chinese
from fraudops.core.actors import Actor
from fraudops.core.audit import audit_record
from fraudops.core.choices import Level
from fraudops.core.concurrency import save_or_conflict
from fraudops.core.models import OrgUnit
from fraudops.core.parsing import (
    FieldErrors,
    parse_amount,
    parse_choice,
    parse_datetime,
    parse_prose,
    parse_text,
    parse_with,
)
from fraudops.core.services import refusals_audited, sequence_next
from workflows.models import IncidentType

from .. import events, notices, permissions
from ..choices import (
    FILING_REFERENCE,
    AccountKind,
    AccountRole,
    Channel,
    FraudScript,
    IdType,
    LedgerKind,
    LedgerSource,
    Outcome,
    PartyRole,
    StaffRole,
    VehicleKind,
    outcome_for,
)
from ..models import Account, Incident, Party, Vehicle
from .ledger import FILED_OUTCOME_REASON, ledger_entry_add
from .levels import level_tasks_open
from .search import search_keys_store
from .steps import task_applicability_refresh

MAX_PARTIES = 50

T = TypeVar("T")


# --- validation of filed data --------------------------------------------------------------
# Each value goes through one of the kit's parsers (`fraudops.core.parsing`); `FieldErrors`
# collects every refusal, so one InvalidInput names each field at fault. A row's fields are
# named `<prefix>.<field>` (filing: ``parties[0].id_number``), or by the field alone when the
# prefix is empty (one row edited after filing: ``id_number``).


def _key(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def _choice(
    errors: FieldErrors,
    field: str,
    value: Any,
    choices: type[models.TextChoices],
    *,
    required: bool = False,
    default: str = "",
) -> str:
    return errors.collect(
        parse_choice,
        value,
        field=field,
        choices=choices,
        required=required,
        default=default,
        fallback=value or default,
    )


def _amount(errors: FieldErrors, field: str, value: Any) -> Decimal:
    """Amounts lost, recovered or prevented: 0 when nothing was (never negative)."""
    zero = Decimal("0")
    # parse_amount returns `default` (zero) for an empty value: never None here.
    return cast(
        Decimal,
        errors.collect(
            parse_amount, value, field=field, allow_zero=True, default=zero, fallback=zero
        ),
    )


def _text(
    errors: FieldErrors,
    field: str,
    value: Any,
    *,
    max_length: int,
    required: bool = False,
    prose: bool = False,
) -> str:
    """Identifiers and names folded (`parse_text`); prose (summaries, notes) kept as typed,
    line breaks included (`parse_prose`). Too long is refused."""
    parse = parse_prose if prose else parse_text
    return errors.collect(
        parse, value, field=field, max_length=max_length, required=required, fallback=""
    )


def _normalised(
    errors: FieldErrors, field: str, normalise: Callable[[Any], T], value: Any
) -> T | Any:
    # The normalised value, or the value as given when it is refused (noted in `errors`).
    return errors.collect(parse_with, normalise, value, field=field, fallback=value)


def clean_party(errors: FieldErrors, prefix: str, raw: dict[str, Any]) -> dict[str, Any]:
    """A party's fields, validated and normalised (names, document numbers, phones)."""
    role = _choice(errors, _key(prefix, "role"), raw.get("role"), PartyRole, required=True)
    name = raw.get("name") or ""
    if name:
        name = _normalised(errors, _key(prefix, "name"), chinese.normalize_person_name, name)
    id_type = _choice(errors, _key(prefix, "id_type"), raw.get("id_type"), IdType)
    id_number = raw.get("id_number") or ""
    if id_number:
        if not id_type:
            id_type = IdType.RESIDENT_ID
        if id_type == IdType.RESIDENT_ID:
            id_number = _normalised(
                errors, _key(prefix, "id_number"), chinese.normalize_id_number, id_number
            )
        elif id_type == IdType.USCC:
            id_number = _normalised(
                errors, _key(prefix, "id_number"), chinese.normalize_org_identifier, id_number
            )
        else:
            id_number = _text(errors, _key(prefix, "id_number"), id_number, max_length=32).upper()
    phone = raw.get("phone") or ""
    if phone:
        phone = _normalised(errors, _key(prefix, "phone"), chinese.normalize_phone, phone)
    staff_role = _choice(errors, _key(prefix, "staff_role"), raw.get("staff_role"), StaffRole)
    if role == PartyRole.INTERNAL_STAFF and not staff_role:
        staff_role = StaffRole.OTHER
    notes = _text(errors, _key(prefix, "notes"), raw.get("notes"), max_length=500, prose=True)
    if not (name or id_number or phone):
        errors.add(
            prefix or "name", _("Give at least a name, a document number or a phone number.")
        )
    return {
        "role": role,
        "name": name,
        "id_type": id_type if id_number else "",
        "id_number": id_number,
        "phone": phone,
        "staff_role": staff_role,
        "notes": notes,
    }


def clean_account(errors: FieldErrors, prefix: str, raw: dict[str, Any]) -> dict[str, Any]:
    """An account's or card's fields, validated and normalised (Luhn for cards, the
    opening unit by its code). Its holder (`party`) is the caller's to resolve."""
    role = _choice(errors, _key(prefix, "role"), raw.get("role"), AccountRole, required=True)
    kind = _choice(
        errors, _key(prefix, "kind"), raw.get("kind"), AccountKind, default=AccountKind.ACCOUNT
    )
    number = raw.get("number") or ""
    if not number:
        errors.add(_key(prefix, "number"), _("This field is required."))
    elif kind == AccountKind.CARD:
        number = _normalised(errors, _key(prefix, "number"), chinese.normalize_card_number, number)
    else:
        number = _normalised(
            errors, _key(prefix, "number"), chinese.normalize_account_number, number
        )
    holder = raw.get("holder_name") or ""
    if holder:
        holder = _normalised(
            errors, _key(prefix, "holder_name"), chinese.normalize_person_name, holder
        )
    opening_unit = None
    code = raw.get("opening_unit") or ""
    if code:
        opening_unit = OrgUnit.objects.filter(code=code).first()
        if opening_unit is None:
            errors.add(_key(prefix, "opening_unit"), _("No org unit has this code."))
    return {
        "role": role,
        "kind": kind,
        "number": number,
        "holder_name": holder,
        "bank_name": _text(errors, _key(prefix, "bank_name"), raw.get("bank_name"), max_length=100),
        "at_this_bank": bool(raw.get("at_this_bank")) or opening_unit is not None,
        "opening_unit": opening_unit,
    }


def clean_vehicle(errors: FieldErrors, prefix: str, raw: dict[str, Any]) -> dict[str, Any]:
    """A fraud vehicle: its value as typed, and its normalised form (URL, phone)."""
    kind = _choice(errors, _key(prefix, "kind"), raw.get("kind"), VehicleKind, required=True)
    value = _text(errors, _key(prefix, "value"), raw.get("value"), max_length=500, required=True)
    normalized = value
    if value and kind == VehicleKind.PHISHING_URL:
        result = _normalised(errors, _key(prefix, "value"), chinese.normalize_url, value)
        normalized = result[0] if isinstance(result, tuple) else value
    elif value and kind == VehicleKind.FRAUD_PHONE:
        normalized = _normalised(errors, _key(prefix, "value"), chinese.normalize_phone, value)
    return {
        "kind": kind,
        "value": value,
        "normalized": normalized,
        "notes": _text(errors, _key(prefix, "notes"), raw.get("notes"), max_length=500, prose=True),
    }


def clean_occurred_at(errors: FieldErrors, value: Any) -> datetime.datetime | None:
    """When it happened: required, and not in the future (five minutes' grace for clocks)."""
    occurred_at = errors.collect(parse_datetime, value, field="occurred_at", required=True)
    if occurred_at and occurred_at > timezone.now() + datetime.timedelta(minutes=5):
        errors.add("occurred_at", _("The time it happened cannot be in the future."))
    return occurred_at


# The incident's own facts that can be edited after filing, and how each is cleaned.
EDITABLE_FACTS: tuple[str, ...] = (
    "occurred_at",
    "channel",
    "fraud_script",
    "fraud_script_detail",
    "serious",
)


def clean_fact(errors: FieldErrors, name: str, value: Any) -> Any:
    """One of `EDITABLE_FACTS`, cleaned as filing cleans it."""
    if name == "occurred_at":
        return clean_occurred_at(errors, value)
    if name == "channel":
        return _choice(errors, "channel", value, Channel)
    if name == "fraud_script":
        return _choice(errors, "fraud_script", value, FraudScript)
    if name == "fraud_script_detail":
        return _text(errors, "fraud_script_detail", value, max_length=200)
    if name == "serious":
        return value in (True, "true", "on", "1", 1, "yes")
    raise KeyError(name)


def _clean_filed_account(
    errors: FieldErrors, prefix: str, raw: dict[str, Any], *, party_count: int
) -> dict[str, Any]:
    """A filed account: its holder is named by the party's position in the filing."""
    cleaned = clean_account(errors, prefix, raw)
    party_index = raw.get("party")
    if party_index is not None and not (
        isinstance(party_index, int) and 0 <= party_index < party_count
    ):
        errors.add(f"{prefix}.party", _("Refer to a party by its position in the list."))
        party_index = None
    cleaned["party_index"] = party_index
    return cleaned


def _clean_filing(actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    errors = FieldErrors()
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
    parties = [clean_party(errors, f"parties[{i}]", p) for i, p in enumerate(parties_raw)]
    accounts = [
        _clean_filed_account(errors, f"accounts[{i}]", a, party_count=len(parties))
        for i, a in enumerate(accounts_raw)
    ]
    vehicles = [clean_vehicle(errors, f"vehicles[{i}]", v) for i, v in enumerate(vehicles_raw)]

    occurred_at = clean_occurred_at(errors, data.get("occurred_at"))
    cleaned: dict[str, Any] = {
        "incident_type": incident_type,
        "playbook": playbook,
        "unit": unit,
        "occurred_at": occurred_at,
        "summary": _text(
            errors, "summary", data.get("summary"), max_length=5000, required=True, prose=True
        ),
        **{
            name: clean_fact(errors, name, data.get(name))
            for name in ("channel", "fraud_script", "fraud_script_detail")
        },
        "amount_lost": _amount(errors, "amount_lost", data.get("amount_lost")),
        "amount_recovered": _amount(errors, "amount_recovered", data.get("amount_recovered")),
        "amount_prevented": _amount(errors, "amount_prevented", data.get("amount_prevented")),
        "outcome": _choice(errors, "outcome", data.get("outcome"), Outcome),
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
    if incident_type is not None and not incident_type.is_fraud:
        _refuse_fraud_facts(errors, cleaned)
    errors.raise_if_any()
    return cleaned


# What only a fraud has: none of it is asked of, or taken for, a customer-safety event.
FRAUD_ONLY_FACTS: tuple[str, ...] = (
    "fraud_script",
    "fraud_script_detail",
    "amount_lost",
    "amount_recovered",
    "amount_prevented",
    "serious",
    "vehicles",
)


def _refuse_fraud_facts(errors: FieldErrors, cleaned: dict[str, Any]) -> None:
    """A type that is not a fraud (`IncidentType.is_fraud`: a card left in an ATM) takes no
    script, amounts, seriousness, outcome or fraud vehicles: refused by name, so a bank
    system learns it rather than seeing them dropped."""
    for name in FRAUD_ONLY_FACTS:
        if cleaned[name]:
            errors.add(name, _("Not a fraud: this incident type takes no such value."))
    if cleaned["outcome"] not in ("", Outcome.UNKNOWN):
        errors.add("outcome", _("Not a fraud: this incident type takes no such value."))


# --- services --------------------------------------------------------------------------------


@refusals_audited
def incident_file(*, actor: Actor, data: dict[str, Any]) -> Incident:
    """File an incident at a branch and start the branch's playbook steps.

    `data` holds the incident's fields, `parties`, `accounts` and `vehicles` (see the API's
    filing serializer). Everything is validated before anything is written; a bad value
    raises InvalidInput naming each field at fault, and nothing is saved.
    """
    cleaned = _clean_filing(actor, data)
    unit: OrgUnit = cleaned["unit"]
    permissions.check_may_file(actor, unit=unit)

    now = timezone.now()
    with transaction.atomic():
        number = f"FI-{now.year}-{sequence_next(name='incident', year=now.year):06d}"
        incident: Incident = Incident.objects.create(
            number=number,
            incident_type=cleaned["incident_type"],
            playbook=cleaned["playbook"],
            unit=unit,
            filed_by=actor.user,
            filed_by_client=actor.client,
            filed_at=now,
            **_filed_outcome(cleaned),
            **{
                key: cleaned[key]
                for key in (
                    "occurred_at",
                    "summary",
                    "channel",
                    "fraud_script",
                    "fraud_script_detail",
                    "amount_lost",
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
        vehicles = [Vehicle(incident=incident, **v) for v in cleaned["vehicles"]]
        Vehicle.objects.bulk_create(vehicles)
        search_keys_store(incident, parties=parties, accounts=accounts, vehicles=vehicles)

        incident.start()
        save_or_conflict(incident, action="incident.file")
        level_tasks_open(incident, Level.BRANCH, now=now)
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
        # The amounts recovered and prevented given at filing open the incident's ledger.
        for kind, key in (
            (LedgerKind.RECOVERY, "amount_recovered"),
            (LedgerKind.PREVENTION, "amount_prevented"),
        ):
            if cleaned[key] > 0:
                ledger_entry_add(
                    actor=actor,
                    incident=incident,
                    kind=kind,
                    source=LedgerSource.OTHER,
                    amount=cleaned[key],
                    occurred_at=now,
                    reference=FILING_REFERENCE,
                )
        # The steps the filed facts make not applicable (no payee account here, ...).
        task_applicability_refresh(actor=actor, incident=incident)
        # The sub-branch's monitors are told at once (urgent for T1–T3, payee here).
        notices.incident_filed(incident=incident, actor=actor, accounts=accounts)
        events.incident_filed(incident=incident)
    return incident


def _filed_outcome(cleaned: dict[str, Any]) -> dict[str, Any]:
    """The outcome follows the amounts given; an outcome the filer chose that they do not
    say (an interception with no amount: "attempt prevented") is kept as set by hand."""
    derived = outcome_for(
        lost=cleaned["amount_lost"],
        recovered=cleaned["amount_recovered"],
        prevented=cleaned["amount_prevented"],
    )
    given = cleaned["outcome"]
    if not given or given in (Outcome.UNKNOWN, derived):
        return {"outcome": derived}
    return {
        "outcome": given,
        "outcome_set_by_hand": True,
        "outcome_reason": str(FILED_OUTCOME_REASON),
    }

"""The incident's timeline as human sentences: one per audit action code, in the reader's
language, with what changed (before → after). Refusals are shown as such.

Other apps whose services write audit events on the incident's thread (escalations,
account control, the watch list) describe their own actions with
`register_timeline_action("escalation.raised", func)` where
`func(event, context) -> str` returns the sentence (translated at call time); `context`
holds `tasks` (task id -> Task of this incident) for naming steps.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fraudops.core.choices import Level
from fraudops.core.formats import yuan_text
from fraudops.core.i18n import pick
from workflows.choices import EvidenceType

from .choices import (
    AccountKind,
    AccountRole,
    Channel,
    FraudScript,
    IdType,
    IncidentState,
    LedgerKind,
    LedgerSource,
    Outcome,
    PartyRole,
    StaffRole,
    TaskStatus,
    VehicleKind,
)

_renderers: dict[str, Callable[[Any, dict], str]] = {}


def register_timeline_action(action: str, render: Callable[[Any, dict], str]) -> None:
    _renderers[action] = render


# What a refused action was trying to do, for "Refused: …" lines.
ATTEMPTS = {
    "incident.file": gettext_lazy("file an incident"),
    "incident.return": gettext_lazy("return the incident"),
    "incident.resubmit": gettext_lazy("resubmit the incident"),
    "incident.close": gettext_lazy("close the incident"),
    "incident.withdraw": gettext_lazy("withdraw the incident"),
    "incident.report_up": gettext_lazy("report the incident up"),
    "task.complete": gettext_lazy("record a step as done"),
    "task.not_applicable": gettext_lazy("mark a step not applicable"),
    "task.instruct": gettext_lazy("instruct a step"),
    "task.reopen": gettext_lazy("reopen a step"),
    "task.claim": gettext_lazy("take a step"),
    "task.assign": gettext_lazy("assign a step"),
    "task.unassign": gettext_lazy("give a step back to its owner role"),
    "evidence.attach": gettext_lazy("attach a file"),
    "incident.edit_facts": gettext_lazy("change the incident's facts"),
    "party.add": gettext_lazy("add a party"),
    "party.correct": gettext_lazy("correct a party"),
    "party.remove": gettext_lazy("remove a party"),
    "account.add": gettext_lazy("add an account"),
    "account.correct": gettext_lazy("correct an account"),
    "account.remove": gettext_lazy("remove an account"),
    "vehicle.add": gettext_lazy("add a fraud vehicle"),
    "vehicle.correct": gettext_lazy("correct a fraud vehicle"),
    "vehicle.remove": gettext_lazy("remove a fraud vehicle"),
    "incident.ledger_record": gettext_lazy("record an amount in the ledger"),
    "incident.ledger_void": gettext_lazy("void a ledger entry"),
    "incident.amount_lost_set": gettext_lazy("correct the amount lost"),
    "incident.outcome_set": gettext_lazy("set the outcome"),
    "incident.outcome_clear": gettext_lazy("let the outcome follow the amounts"),
}

# Labels of the keys that appear in before/after snapshots.
KEY_LABELS = {
    "state": gettext_lazy("state"),
    "level": gettext_lazy("level"),
    "status": gettext_lazy("status"),
    "reason": gettext_lazy("reason"),
    "note": gettext_lazy("note"),
    "instruction": gettext_lazy("instruction"),
    "due_at": gettext_lazy("due"),
    "name": gettext_lazy("file"),
    "size": gettext_lazy("size (bytes)"),
    "unit": gettext_lazy("unit"),
    "number": gettext_lazy("number"),
    "type": gettext_lazy("type"),
    "parties": gettext_lazy("parties"),
    "accounts": gettext_lazy("accounts"),
    "vehicles": gettext_lazy("fraud vehicles"),
    "amount_recovered": gettext_lazy("amount recovered"),
    # The facts after filing (incidents/services/facts.py).
    "occurred_at": gettext_lazy("occurred at"),
    "channel": gettext_lazy("channel"),
    "fraud_script": gettext_lazy("fraud script"),
    "fraud_script_detail": gettext_lazy("fraud script details"),
    "serious": gettext_lazy("serious"),
    "summary_amendment": gettext_lazy("added to what happened"),
    "role": gettext_lazy("role"),
    "id_type": gettext_lazy("document type"),
    "id_number": gettext_lazy("document number"),
    "phone": gettext_lazy("phone"),
    "staff_role": gettext_lazy("staff role"),
    "notes": gettext_lazy("notes"),
    "kind": gettext_lazy("kind"),
    "holder_name": gettext_lazy("holder"),
    "bank_name": gettext_lazy("bank"),
    "at_this_bank": gettext_lazy("at this bank"),
    "opening_unit": gettext_lazy("opening branch"),
    "party": gettext_lazy("holder (party)"),
    "value": gettext_lazy("value"),
}

# Coded values in the snapshots of the facts edits, by the action's subject and key.
CHOICE_KEYS: dict[str, dict[str, Any]] = {
    "incident": {"channel": Channel, "fraud_script": FraudScript},
    "party": {"role": PartyRole, "id_type": IdType, "staff_role": StaffRole},
    "account": {"role": AccountRole, "kind": AccountKind},
    "vehicle": {"kind": VehicleKind},
    "amount_lost": gettext_lazy("amount lost"),
    "amount_prevented": gettext_lazy("amount prevented"),
    "outcome": gettext_lazy("outcome"),
    "outcome_set_by_hand": gettext_lazy("outcome set by hand"),
    "outcome_reason": gettext_lazy("why the outcome was set by hand"),
}
# Not shown as changes: evidence values are shown as facts; files (by id) on the step and the
# evidence card.
HIDDEN_KEYS = {"sha256", "evidence", "done", "rule", "files"}


@dataclass
class Change:
    label: str
    before: str = ""
    after: str = ""


@dataclass
class Entry:
    at: Any
    actor: str
    unit: str
    sentence: str
    refused: bool = False
    message: str = ""
    changes: list[Change] = field(default_factory=list)
    facts: list[tuple[str, str]] = field(default_factory=list)


def _value(key: str, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if key == "state":
        try:
            return str(IncidentState(value).label)
        except ValueError:
            return str(value)
    if key == "level":
        try:
            return str(Level(value).label)
        except ValueError:
            return str(value)
    if key == "status":
        try:
            return str(TaskStatus(value).label)
        except ValueError:
            return str(value)
    if key == "outcome":
        try:
            return str(Outcome(value).label)
        except ValueError:
            return str(value)
    if key.startswith("amount_"):
        return yuan_text(value) or str(value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, str) and key.endswith("_at"):
        parsed = parse_datetime(value)
        if parsed is not None:
            return timezone.localtime(parsed).strftime("%Y-%m-%d %H:%M")
    text = str(value)
    return text if len(text) <= 300 else text[:300] + "…"


def _coded_value(action: str, key: str, value: Any) -> str:
    """A snapshot value, with the label of a coded one (a channel, a party's role)."""
    choices = CHOICE_KEYS.get(action.split(".", 1)[0], {}).get(key)
    if choices is not None and value:
        try:
            return str(choices(value).label)
        except ValueError:
            pass
    return _value(key, value)


def _step_title(event, context: dict) -> str:
    target = event.target or ""
    if target.startswith("task:"):
        try:
            task = context["tasks"].get(int(target.split(":", 1)[1]))
        except ValueError:
            task = None
        if task is not None:
            return task.step.title
    return (event.data or {}).get("step", "")


def _level_name(code: str | None) -> str:
    try:
        return str(Level(code).label) if code else ""
    except ValueError:
        return code or ""


def _filed(event, context) -> str:
    return _("Filed the incident")


def _reported_up(event, context) -> str:
    level = _level_name((event.after or {}).get("level"))
    return _("Reported the incident up: it is now with the %(level)s") % {"level": level}


def _transition(event, context) -> str:
    data = event.data or {}
    transition = data.get("transition")
    reason = data.get("reason") or ""
    if transition == "return":
        return _("Returned the incident for more information: %(reason)s") % {"reason": reason}
    if transition == "resubmit":
        return _("Resubmitted the incident")
    if transition == "close":
        return _("Closed the incident")
    if transition == "withdraw":
        return _("Withdrew the incident: %(reason)s") % {"reason": reason}
    return _("Changed the incident's state")


def _task_done(event, context) -> str:
    data = event.data or {}
    if data.get("record"):
        sentence = _("“%(step)s” is done by its record %(record)s") % {
            "step": _step_title(event, context),
            "record": data["record"],
        }
    else:
        sentence = _("Recorded “%(step)s” as done") % {"step": _step_title(event, context)}
    if data.get("on_time") is False:
        sentence += " " + _("(after its deadline)")
    return sentence


def _task_not_applicable(event, context) -> str:
    reason = (event.after or {}).get("reason", "")
    return _("Marked “%(step)s” not applicable: %(reason)s") % {
        "step": _step_title(event, context),
        "reason": reason,
    }


def _task_reopened(event, context) -> str:
    if (event.data or {}).get("automatic"):
        return _("Reopened “%(step)s”: the incident's facts make it apply") % {
            "step": _step_title(event, context)
        }
    return _("Reopened “%(step)s”: %(reason)s") % {
        "step": _step_title(event, context),
        "reason": (event.after or {}).get("reason", ""),
    }


def _task_record_linked(event, context) -> str:
    data = event.data or {}
    step = _step_title(event, context) if data.get("step") else ""
    if (event.after or {}).get("done"):
        if step:
            return _("%(record)s has done its part of “%(step)s”") % {
                "record": data.get("record", ""),
                "step": step,
            }
        return _("%(record)s has done its part") % {"record": data.get("record", "")}
    if step:
        return _("%(record)s linked to “%(step)s”") % {
            "record": data.get("record", ""),
            "step": step,
        }
    return _("%(record)s linked to the incident") % {"record": data.get("record", "")}


def _task_instructed(event, context) -> str:
    instruction = (event.after or {}).get("instruction", "")
    return _("Instructed “%(step)s”: %(instruction)s") % {
        "step": _step_title(event, context),
        "instruction": instruction,
    }


def _recovered(event, context) -> str:
    return _(
        "%(amount)s yuan came back through %(source)s; the amount recovered is now %(total)s yuan"
    ) % {
        "amount": (event.data or {}).get("amount", ""),
        "source": event.target,
        "total": (event.after or {}).get("amount_recovered", ""),
    }


def _choice_label(choices, value: Any) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value or "")


def _ledger_added(event, context) -> str:
    data = event.data or {}
    params = {
        "amount": yuan_text(data.get("amount")) or data.get("amount", ""),
        "source": _choice_label(LedgerSource, data.get("source")),
        "reference": data.get("reference") or "—",
    }
    if data.get("kind") == LedgerKind.PREVENTION:
        return _("Recorded %(amount)s yuan prevented (%(source)s, reference %(reference)s)") % (
            params
        )
    return _("Recorded %(amount)s yuan recovered (%(source)s, reference %(reference)s)") % params


def _ledger_voided(event, context) -> str:
    data = event.data or {}
    return _("Voided the ledger entry of %(amount)s yuan (%(source)s): %(reason)s") % {
        "amount": yuan_text(data.get("amount")) or data.get("amount", ""),
        "source": _choice_label(LedgerSource, data.get("source")),
        "reason": data.get("reason", ""),
    }


def _amount_lost_changed(event, context) -> str:
    return _("Corrected the amount lost: %(reason)s") % {
        "reason": (event.data or {}).get("reason", "")
    }


def _outcome_set(event, context) -> str:
    return _("Set the outcome to “%(outcome)s” by hand: %(reason)s") % {
        "outcome": _choice_label(Outcome, (event.after or {}).get("outcome")),
        "reason": (event.data or {}).get("reason", ""),
    }


def _outcome_follows(event, context) -> str:
    reason = (event.data or {}).get("reason", "")
    outcome = _choice_label(Outcome, (event.after or {}).get("outcome"))
    if reason:
        return _("Let the outcome follow the amounts again (now “%(outcome)s”): %(reason)s") % {
            "outcome": outcome,
            "reason": reason,
        }
    return _("Let the outcome follow the amounts again (now “%(outcome)s”)") % {"outcome": outcome}


def _evidence_attached(event, context) -> str:
    after = event.after or {}
    task = context["tasks"].get(after.get("task"))
    labels = {f["name"]: f["label"] for f in task.step.evidence_fields()} if task else {}
    if after.get("field") in labels:
        return _("Attached the file %(name)s as “%(field)s” of “%(step)s”") % {
            "name": after.get("name", ""),
            "field": labels[after["field"]],
            "step": task.step.title,
        }
    return _("Attached the file %(name)s") % {"name": after.get("name", "")}


def _facts_updated(event, context) -> str:
    after = event.after or {}
    if set(after) == {"summary_amendment"}:
        return _("Added to what happened")
    return _("Changed the incident's facts")


def _row_label(event) -> str:
    """What a party, account or vehicle snapshot is called in a sentence."""
    row = event.before if event.action.endswith(".removed") else event.after
    row = row if isinstance(row, dict) else {}
    subject = event.action.split(".", 1)[0]
    if subject == "party":
        role = _coded_value("party.", "role", row.get("role"))
        who = row.get("name") or row.get("id_number") or row.get("phone") or ""
        return f"{role} {who}".strip()
    if subject == "account":
        return f"{row.get('number', '')} ({_coded_value('account.', 'role', row.get('role'))})"
    return f"{row.get('value', '')} ({_coded_value('vehicle.', 'kind', row.get('kind'))})"


def _row_added(event, context) -> str:
    subject = event.action.split(".", 1)[0]
    label = _row_label(event)
    if subject == "party":
        return _("Added the party %(party)s") % {"party": label}
    if subject == "account":
        return _("Added the account %(account)s") % {"account": label}
    return _("Added the fraud vehicle %(vehicle)s") % {"vehicle": label}


def _row_corrected(event, context) -> str:
    subject = event.action.split(".", 1)[0]
    if subject == "party":
        return _("Corrected a party")
    if subject == "account":
        return _("Corrected an account")
    return _("Corrected a fraud vehicle")


def _row_removed(event, context) -> str:
    subject = event.action.split(".", 1)[0]
    params = {"row": _row_label(event), "reason": (event.after or {}).get("reason", "")}
    if subject == "party":
        return _("Removed the party %(row)s from the case file: %(reason)s") % params
    if subject == "account":
        return _("Removed the account %(row)s from the case file: %(reason)s") % params
    return _("Removed the fraud vehicle %(row)s from the case file: %(reason)s") % params


register_timeline_action("incident.filed", _filed)
register_timeline_action("incident.reported_up", _reported_up)
register_timeline_action("incident.transition", _transition)
# Kept for the events written before the amounts became a ledger.
register_timeline_action("incident.recovered", _recovered)
register_timeline_action("incident.ledger_entry_added", _ledger_added)
register_timeline_action("incident.ledger_entry_voided", _ledger_voided)


def _task_claimed(event, context) -> str:
    return _("Took “%(step)s” as their own") % {"step": _step_title(event, context)}


def _task_assigned(event, context) -> str:
    before, after = (event.before or {}), (event.after or {})
    if before.get("assignee"):
        return _("Reassigned “%(step)s” from %(before)s to %(after)s") % {
            "step": _step_title(event, context),
            "before": before["assignee"],
            "after": after.get("assignee", ""),
        }
    return _("Assigned “%(step)s” to %(person)s") % {
        "step": _step_title(event, context),
        "person": after.get("assignee", ""),
    }


def _task_unassigned(event, context) -> str:
    sentence = _("Gave “%(step)s”, held by %(person)s, back to its owner role") % {
        "step": _step_title(event, context),
        "person": (event.before or {}).get("assignee", ""),
    }
    reason = (event.data or {}).get("reason")
    return f"{sentence}: {reason}" if reason else sentence


register_timeline_action("incident.amount_lost_changed", _amount_lost_changed)
register_timeline_action("incident.outcome_set_by_hand", _outcome_set)
register_timeline_action("incident.outcome_follows_amounts", _outcome_follows)
register_timeline_action("task.done", _task_done)
register_timeline_action("task.not_applicable", _task_not_applicable)
register_timeline_action("task.instructed", _task_instructed)
register_timeline_action("task.reopened", _task_reopened)
register_timeline_action("task.record_linked", _task_record_linked)
register_timeline_action("task.claimed", _task_claimed)
register_timeline_action("task.assigned", _task_assigned)
register_timeline_action("task.unassigned", _task_unassigned)
register_timeline_action("evidence.attached", _evidence_attached)
register_timeline_action("incident.facts_updated", _facts_updated)
for _subject in ("party", "account", "vehicle"):
    register_timeline_action(f"{_subject}.added", _row_added)
    register_timeline_action(f"{_subject}.corrected", _row_corrected)
    register_timeline_action(f"{_subject}.removed", _row_removed)

# Actions whose sentence says it all: no list of before → after.
QUIET_ACTIONS = {
    "incident.filed",
    "task.claimed",
    "task.assigned",
    "task.unassigned",
    "party.added",
    "account.added",
    "vehicle.added",
    "party.removed",
    "account.removed",
    "vehicle.removed",
}


# The incident's own actions; for other apps' actions, whose sentence already says what
# happened, only these plainly labelled keys are listed (their other keys are codes).
OWN_ACTIONS = {
    "incident.filed",
    "incident.reported_up",
    "incident.transition",
    "task.done",
    "task.not_applicable",
    "task.instructed",
    "task.reopened",
    "task.record_linked",
    "task.claimed",
    "task.assigned",
    "task.unassigned",
    "evidence.attached",
    "incident.recovered",
    "incident.facts_updated",
    *(
        f"{subject}.{verb}"
        for subject in ("party", "account", "vehicle")
        for verb in ("added", "corrected", "removed")
    ),
    "incident.ledger_entry_added",
    "incident.ledger_entry_voided",
    "incident.amount_lost_changed",
    "incident.outcome_set_by_hand",
    "incident.outcome_follows_amounts",
}
PLAIN_KEYS = {"reason", "note", "instruction", "due_at"}


def _changes(event) -> list[Change]:
    before = event.before if isinstance(event.before, dict) else {}
    after = event.after if isinstance(event.after, dict) else {}
    foreign = event.action not in OWN_ACTIONS and event.action in _renderers
    changes = []
    for key in list(dict.fromkeys([*before.keys(), *after.keys()])):
        if key in HIDDEN_KEYS or (foreign and key not in PLAIN_KEYS):
            continue
        old, new = before.get(key), after.get(key)
        if key in before and key in after and old == new:
            continue
        if event.action in ("task.not_applicable", "task.instructed", "task.reopened") and key in (
            "reason",
            "instruction",
        ):
            continue  # already in the sentence
        if key == "outcome_reason" and event.action.startswith("incident.outcome_"):
            continue  # already in the sentence
        label = str(KEY_LABELS.get(key, key.replace("_", " ")))
        changes.append(
            Change(
                label=label,
                before=_coded_value(event.action, key, old) if key in before else "",
                after=_coded_value(event.action, key, new) if key in after else "",
            )
        )
    return changes


def _evidence_facts(event, context) -> list[tuple[str, str]]:
    after = event.after if isinstance(event.after, dict) else {}
    evidence = after.get("evidence") or {}
    if not evidence:
        return []
    task = None
    target = event.target or ""
    if target.startswith("task:"):
        try:
            task = context["tasks"].get(int(target.split(":", 1)[1]))
        except ValueError:
            task = None
    definitions = task.step.evidence_fields() if task is not None else []
    return evidence_shown(definitions, evidence, limit=300)


def evidence_shown(
    definitions: list[dict], evidence: dict, *, limit: int | None = None
) -> list[tuple[str, str]]:
    """Recorded evidence as (label, value) in the reader's language, in the step's order:
    yes/no, a choice's label, a date and time in local time, an amount in yuan. Values the
    step no longer defines follow, under their field names. The task's page and the
    timeline both show evidence this way."""
    shown = []
    for definition in definitions:
        name = definition["name"]
        if name not in evidence:
            continue
        value = evidence[name]
        kind = definition.get("type")
        if value is None or value == "":
            text = "—"
        elif kind == EvidenceType.BOOL:
            text = _("yes") if value else _("no")
        elif kind == EvidenceType.CHOICE:
            labels = {c[0]: evidence_choice_label(c) for c in definition.get("choices", [])}
            text = labels.get(value, str(value))
        elif kind == EvidenceType.DATETIME:
            parsed = parse_datetime(value) if isinstance(value, str) else None
            text = timezone.localtime(parsed).strftime("%Y-%m-%d %H:%M") if parsed else str(value)
        elif kind == EvidenceType.AMOUNT:
            text = yuan_text(value) or str(value)
        else:
            text = str(value)
        shown.append((definition["label"], _shorten(text, limit)))
    defined = {definition["name"] for definition in definitions}
    for name, value in evidence.items():
        if name not in defined:
            shown.append((name, _shorten(_value(name, value), limit)))
    return shown


def _shorten(text: str, limit: int | None) -> str:
    return text if limit is None or len(text) <= limit else text[:limit] + "…"


def evidence_choice_label(choice) -> str:
    """A playbook choice is [value, Chinese label, English label]."""
    value = choice[0]
    zh = choice[1] if len(choice) > 1 else value
    en = choice[2] if len(choice) > 2 else zh
    return pick(zh, en)


def timeline_entries(events, *, tasks: dict[int, Any]) -> list[Entry]:
    """The audit events of an incident as timeline entries, oldest first."""
    context = {"tasks": tasks}
    entries = []
    for event in events:
        actor = ""
        if event.actor_user is not None:
            actor = event.actor_user.display_name or event.actor_user.username
        elif event.actor_label == "system":
            actor = _("FraudOps (automatic)")
        else:
            actor = event.actor_label
        unit = event.actor_unit.name if event.actor_unit is not None else ""
        if event.outcome == "refused":
            attempt = ATTEMPTS.get(event.action, event.action)
            entries.append(
                Entry(
                    at=event.at,
                    actor=actor,
                    unit=unit,
                    sentence=_("Refused: tried to %(attempt)s") % {"attempt": attempt},
                    refused=True,
                    message=(event.data or {}).get("message", ""),
                )
            )
            continue
        render = _renderers.get(event.action)
        sentence = render(event, context) if render else event.action
        entries.append(
            Entry(
                at=event.at,
                actor=actor,
                unit=unit,
                sentence=sentence,
                changes=[] if event.action in QUIET_ACTIONS else _changes(event),
                facts=_evidence_facts(event, context) if event.action == "task.done" else [],
            )
        )
    return entries

"""Account control on the incident's timeline: one sentence per audit action, in the
reader's language (registered with incidents.timeline from AppConfig.ready())."""

from __future__ import annotations

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fraudops.core.formats import duration_text
from fraudops.core.models import OrgUnit
from incidents import timeline as incident_timeline

from .choices import ControlKind, DeliveryChannel
from .presentation import clock_time

# What a refused account-control action was trying to do ("Refused: tried to …").
ATTEMPTS = {
    "control.request": gettext_lazy("request account control"),
    "control.reversal_request": gettext_lazy("request a remittance reversal"),
    "control.release_request": gettext_lazy("request the release of a hold"),
    "control.approve": gettext_lazy("approve an account control request"),
    "control.reject": gettext_lazy("reject an account control request"),
    "control.withdraw": gettext_lazy("withdraw an account control request"),
    "control.assistance_acknowledge": gettext_lazy("acknowledge an assistance request"),
    "control.confirm": gettext_lazy("confirm a core-banking instruction"),
    "control.immediate": gettext_lazy("put an immediate stop-payment on an account"),
    "control.review": gettext_lazy("review an immediate stop-payment"),
}


def _unit(context: dict, code: str | None) -> str:
    """A unit's name by code, each code looked up once per timeline (a timeline names one
    to three units; a bank's org chart has thousands)."""
    if not code:
        return ""
    units = context.setdefault("_controls_units", {})
    if code not in units:
        units[code] = OrgUnit.objects.filter(code=code).first()
    unit = units[code]
    return unit.name if unit is not None else code


def _kind(value: str | None) -> str:
    return str(ControlKind(value).label) if value in ControlKind.values else (value or "")


def _facts(event) -> dict:
    return {**(event.data or {}), **(event.after or {})}


def _requested(event, context) -> str:
    facts = _facts(event)
    if facts.get("kind") == ControlKind.REVERSAL:
        return _(
            "Requested reversal %(number)s of remittance %(reference)s (%(amount)s yuan), "
            "for the remote authorisation centre of %(unit)s"
        ) % {
            "number": event.target,
            "reference": facts.get("remittance_reference", ""),
            "amount": facts.get("amount", ""),
            "unit": _unit(context, facts.get("approving_unit")),
        }
    if facts.get("releases"):
        return _("Requested release %(number)s of hold %(hold)s") % {
            "number": event.target,
            "hold": facts["releases"],
        }
    return _("Requested %(kind)s %(number)s on account %(account)s, for %(unit)s to approve") % {
        "kind": _kind(facts.get("kind")),
        "number": event.target,
        "account": facts.get("account", ""),
        "unit": _unit(context, facts.get("approving_unit")),
    }


def _immediate(event, context) -> str:
    facts = _facts(event)
    return _(
        "Put immediate stop-payment %(number)s on account %(account)s of this branch, "
        "without waiting for approval; reported to %(unit)s to review"
    ) % {
        "number": event.target,
        "account": facts.get("account", ""),
        "unit": _unit(context, facts.get("reported_to")),
    }


def _reviewed(event, context) -> str:
    after = event.after or {}
    if after.get("release"):
        return _("Reviewed immediate stop-payment %(number)s: release %(release)s requested") % {
            "number": event.target,
            "release": after["release"],
        }
    return _("Reviewed immediate stop-payment %(number)s: confirmed") % {"number": event.target}


def _approved(event, context) -> str:
    facts = _facts(event)
    return _("Approved %(kind)s %(number)s, %(elapsed)s after the request") % {
        "kind": _kind(facts.get("kind")),
        "number": event.target,
        "elapsed": duration_text(facts.get("approval_seconds")),
    }


def _first_approved(event, context) -> str:
    return _("Gave the first approval of %(number)s; a second approver must confirm it") % {
        "number": event.target
    }


def _rejected(event, context) -> str:
    return _("Rejected %(number)s: %(reason)s") % {
        "number": event.target,
        "reason": (event.after or {}).get("reason", ""),
    }


def _withdrawn(event, context) -> str:
    return _("Withdrew %(number)s: %(reason)s") % {
        "number": event.target,
        "reason": (event.after or {}).get("reason", ""),
    }


def _issued(event, context) -> str:
    return _("Instruction for %(number)s issued to core banking") % {"number": event.target}


def _delivered(event, context) -> str:
    via = (event.after or {}).get("via", "")
    label = str(DeliveryChannel(via).label) if via in DeliveryChannel.values else via
    return _("Core banking received %(number)s (%(via)s)") % {
        "number": event.target,
        "via": label,
    }


def _confirmed(event, context) -> str:
    after = event.after or {}
    data = event.data or {}
    if after.get("state") == "executed":
        return _(
            "Core banking executed %(number)s (reference %(reference)s), %(elapsed)s after approval"
        ) % {
            "number": event.target,
            "reference": after.get("reference") or "-",
            "elapsed": duration_text(data.get("seconds_since_approval")),
        }
    return _("Core banking could not execute %(number)s: %(detail)s") % {
        "number": event.target,
        "detail": after.get("detail") or "-",
    }


def _released(event, context) -> str:
    return _("Hold %(number)s released (release %(release)s executed)") % {
        "number": event.target,
        "release": (event.data or {}).get("release", ""),
    }


def _assistance_requested(event, context) -> str:
    after = event.after or {}
    due = parse_datetime(after.get("due_at") or "")
    return _(
        "Asked %(unit)s for assistance in controlling accounts it holds (head office "
        "copied); to acknowledge by %(due)s"
    ) % {
        "unit": _unit(context, after.get("to")),
        "due": clock_time(due) if due else "-",
    }


def _assistance_acknowledged(event, context) -> str:
    data = event.data or {}
    return _("%(unit)s acknowledged the assistance request after %(elapsed)s") % {
        "unit": _unit(context, data.get("to")),
        "elapsed": duration_text(data.get("seconds")),
    }


RENDERERS = {
    "control.requested": _requested,
    "control.approved": _approved,
    "control.immediate_stop_payment": _immediate,
    "control.reviewed": _reviewed,
    "control.first_approved": _first_approved,
    "control.rejected": _rejected,
    "control.withdrawn": _withdrawn,
    "control.instruction_issued": _issued,
    "control.instruction_delivered": _delivered,
    "control.confirmed": _confirmed,
    "control.released": _released,
    "control.assistance_requested": _assistance_requested,
    "control.assistance_acknowledged": _assistance_acknowledged,
}


def register() -> None:
    for action, render in RENDERERS.items():
        incident_timeline.register_timeline_action(action, render)
    # incidents.timeline names refused attempts from this table; it has no register
    # function for it, so add ours without touching its own entries.
    for action, label in ATTEMPTS.items():
        incident_timeline.ATTEMPTS.setdefault(action, label)

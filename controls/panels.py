"""Account control on the incident page (a panel) and in incident lists (badges)."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from fraudops.core.actors import Actor
from incidents.panels import Badge

from . import selectors
from .choices import (
    ACTIVE_STATES,
    CONTROL_STATE_COLOURS,
    HOLD_KIND_CHOICES,
    HOLD_KINDS,
    IN_FLIGHT_STATES,
    PENDING_STATES,
    UNFINISHED_STATES,
    ControlKind,
    ControlState,
)
from .models import AssistanceRequest, ControlRequest
from .permissions import (
    may_acknowledge,
    may_decide,
    may_release,
    may_request,
    may_review,
    may_stop_immediately,
    may_withdraw,
)


def _annotate(control: ControlRequest, actor: Actor, *, assisting: set[int], incident) -> None:
    control.incident = incident
    control.may_decide = may_decide(actor, control=control)
    control.may_withdraw = may_withdraw(actor, control=control)
    control.may_release = may_release(
        actor,
        control=control,
        incident=incident,
        assisting_unit_ids=assisting,
        has_open_release=getattr(control, "has_open_release", False),
    )
    control.may_review = may_review(actor, control=control)


def incident_panel_context(incident, actor: Actor) -> dict | None:
    """Each account's control status and clock, the requests for linked accounts and
    reversals, the incident's timeliness, and the forms to request more."""
    if actor.user is None or not incident.incident_type.is_fraud:
        # Not a fraud (a customer-safety event): no account control to offer.
        return None
    controls = selectors.incident_controls(incident=incident)
    assistances = list(
        AssistanceRequest.objects.filter(incident=incident)
        .select_related("to_unit", "acknowledged_by")
        .order_by("requested_at")
    )
    assisting = {a.to_unit_id for a in assistances}
    open_releases = {
        c.releases_id
        for c in controls
        if c.kind == ControlKind.RELEASE and c.state in UNFINISHED_STATES
    }
    for control in controls:
        control.has_open_release = control.pk in open_releases
        _annotate(control, actor, assisting=assisting, incident=incident)
    for assistance in assistances:
        assistance.may_acknowledge = may_acknowledge(actor, assistance=assistance)

    accounts = list(incident.accounts.all())
    by_account = {account.pk: [] for account in accounts}
    numbers = {account.number: account.pk for account in accounts}
    linked, reversals = [], []
    for control in controls:
        if control.kind == ControlKind.REVERSAL:
            reversals.append(control)
            continue
        key = control.account_id or numbers.get(control.account_number)
        if key in by_account:
            by_account[key].append(control)
        else:
            linked.append(control)
    region = incident.unit.region
    # The branch stops an account of its own outlet at once (no approval): offered per
    # account opened at the filing branch with no live stop-payment on it.
    may_stop_now = incident.is_open and may_stop_immediately(actor, incident=incident)
    rows = []
    for account in accounts:
        unit = account.opening_unit
        live_stop = any(
            c.kind == ControlKind.STOP_PAYMENT and c.state in ACTIVE_STATES
            for c in by_account[account.pk]
        )
        rows.append(
            {
                "account": account,
                "controls": by_account[account.pk],
                "controllable": bool(account.at_this_bank and unit is not None),
                "stop_now": may_stop_now
                and account.at_this_bank
                and account.opening_unit_id == incident.unit_id
                and not live_stop,
                # By path: no query per account for its region.
                "cross_region": bool(
                    unit is not None
                    and region is not None
                    and not unit.path.startswith(region.path)
                ),
            }
        )
    may_hold = incident.is_open and may_request(
        actor, incident=incident, kind=ControlKind.STOP_PAYMENT, assisting_unit_ids=assisting
    )
    may_reverse = incident.is_open and may_request(
        actor, incident=incident, kind=ControlKind.REVERSAL
    )
    if not controls and not may_hold and not may_reverse and not assistances and not may_stop_now:
        # Nothing to show and nothing this person could do here.
        return None
    return {
        "control_rows": rows,
        "control_linked": linked,
        "control_reversals": reversals,
        "control_assistances": assistances,
        "control_timeliness": selectors.incident_timeliness(incident=incident, controls=controls),
        "control_may_hold": may_hold,
        "control_may_reverse": may_reverse,
        "control_hold_kinds": HOLD_KIND_CHOICES,
        "control_controllable_accounts": [r["account"] for r in rows if r["controllable"]],
    }


# Each group shows in the colour of its states (controls.choices).
_BADGES = {
    "pending": (_("Control awaiting approval"), CONTROL_STATE_COLOURS[ControlState.REQUESTED]),
    "in_flight": (_("Control sent to core banking"), CONTROL_STATE_COLOURS[ControlState.SENT]),
    "failed": (_("Control failed"), CONTROL_STATE_COLOURS[ControlState.FAILED]),
}


def incident_badges(incident_ids, actor: Actor) -> dict[int, list[Badge]]:
    """One query for a page of incidents: the most urgent control status of each."""
    states = ControlRequest.objects.filter(
        incident_id__in=list(incident_ids),
        state__in=[*PENDING_STATES, *IN_FLIGHT_STATES, ControlState.FAILED],
    ).values_list("incident_id", "state")
    found: dict[int, set[str]] = {}
    for incident_id, state in states:
        group = (
            "pending"
            if state in PENDING_STATES
            else "in_flight"
            if state in IN_FLIGHT_STATES
            else "failed"
        )
        found.setdefault(incident_id, set()).add(group)
    badges: dict[int, list[Badge]] = {}
    for incident_id, groups in found.items():
        for group in ("failed", "pending", "in_flight"):
            if group in groups:
                label, tone = _BADGES[group]
                badges[incident_id] = [Badge(label=str(label), tone=tone, url="/controls/")]
                break
    return badges


def account_removal_objection(kind: str, row) -> str | None:
    """Removing an account from the case file (`incidents.row_guards`): refused while a
    request on it is waiting or in flight, or a hold on it is in force (release or withdraw
    it first), so that no hold is left on an account the case file no longer has."""
    if kind != "account":
        return None
    live = Q(state__in=UNFINISHED_STATES) | Q(kind__in=HOLD_KINDS, state=ControlState.EXECUTED)
    control = (
        ControlRequest.objects.filter(live, account_id=row.pk)
        .order_by("requested_at", "pk")
        .first()
    )
    if control is None:
        return None
    return gettext(
        "Account %(account)s has %(kind)s request %(number)s (%(state)s): release or "
        "withdraw it before removing the account from the case file."
    ) % {
        "account": control.account_number,
        "kind": control.get_kind_display(),
        "number": control.number,
        "state": control.get_state_display(),
    }

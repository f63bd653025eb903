"""The branch's immediate stop-payment and the sub-branch's review of it (seed 002, branch
step 2 of T1-T3: 查询客户账户流水,对于诈骗账户开在本网点的,立即进行账户控制并报送分行).

When the fraud account was opened at the branch that files the incident, the branch controls
it at once: the stop-payment is recorded as immediate, issued to core banking in the same
transaction (no approval, no approval clock), and reported to the sub-branch (its monitors
are told and find it in their queue to review). The sub-branch reviews it afterwards, by
someone other than the requester: it confirms it, or lifts it through the ordinary release
flow (`releases.control_release_request`: a release request, approved by another monitor,
executed by core banking).

Locks: the incident, then the request (`controls.lock_objects`).
"""

from __future__ import annotations

import datetime
from typing import cast

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clocks.services import clock_start, clock_stop
from fraudops.core.actors import Actor
from fraudops.core.audit import audit_record
from fraudops.core.choices import Role
from fraudops.core.concurrency import check_expected_state, save_or_conflict
from fraudops.core.errors import Conflict, InvalidInput, NotFound
from fraudops.core.models import OrgUnit
from fraudops.core.parsing import parse_amount, parse_choice, parse_prose
from fraudops.core.services import refusals_audited
from incidents.models import Account, Incident
from incidents.services import incident_lock

from .. import notify
from ..choices import ACTIVE_STATES, ClockKind, ControlKind, ImmediateReview
from ..lock_objects import INCIDENT_RELATED, control_lock, scope_reached_through_request
from ..models import ControlRequest
from ..permissions import check_may_review, check_may_stop_immediately
from ..presentation import control_url, review_clock_titles
from ..step_records import request_link
from .common import audit_label, snapshot
from .instructions import instruction_issue
from .releases import control_release_request
from .requests import _next_number, check_incident_open

# The sub-branch reviews the immediate stop-payment with the branch's report: the same day.
REVIEW_WITHIN = datetime.timedelta(hours=24)


@refusals_audited
def immediate_stop_payment_create(
    *,
    actor: Actor,
    incident_id: int,
    account_id: int | None,
    amount: str | None = None,
    reason: str = "",
) -> ControlRequest:
    """Put an immediate stop-payment on an account of the incident opened at the incident's
    own branch, as that branch's staff: issued to core banking at once (no approval), the
    sub-branch told and asked to review it, the branch's stop-payment step done.

    Refused, with nothing changed: someone not of the filing branch (403), an account of
    another outlet or another bank (`account`: use the ordinary request with approval), a
    closed incident, a live stop-payment already on the account (409).
    """
    action = "control.immediate"
    fields: dict[str, list[str]] = {}
    held = None
    try:
        held = parse_amount(amount, field="amount", required=False)
    except InvalidInput as exc:
        fields.update(exc.fields)
    try:
        reason = parse_prose(reason, field="reason", max_length=2000)
    except InvalidInput as exc:
        fields.update(exc.fields)
    if not account_id:
        fields["account"] = [_("Choose the account to stop.")]
    with transaction.atomic():
        incident = incident_lock(
            actor=actor,
            pk=incident_id,
            action=action,
            scope=_scope_own_branch,
            related=INCIDENT_RELATED,
        )
        check_may_stop_immediately(actor, incident=incident, action=action)
        if fields or account_id is None:
            raise InvalidInput(fields=fields)
        account = (
            Account.objects.select_related("opening_unit")
            .filter(pk=account_id, incident=incident)
            .first()
        )
        if account is None:
            raise InvalidInput(fields={"account": [_("This incident has no such account.")]})
        check_may_stop_immediately(actor, incident=incident, account=account, action=action)
        check_incident_open(incident, action)
        existing = ControlRequest.objects.filter(
            incident=incident,
            kind=ControlKind.STOP_PAYMENT,
            account_number=account.number,
            state__in=ACTIVE_STATES,
        ).first()
        if existing is not None:
            raise Conflict(
                _("%(kind)s on account %(account)s was already requested: %(number)s (%(state)s).")
                % {
                    "kind": ControlKind.STOP_PAYMENT.label,
                    "account": existing.account_number,
                    "number": existing.number,
                    "state": existing.get_state_display(),
                },
                code="duplicate_request",
                thread=incident.thread,
                action=action,
            )
        now = timezone.now()
        branch = cast(OrgUnit, account.opening_unit)  # the incident's own branch (checked)
        control: ControlRequest = ControlRequest(
            number=_next_number(ControlKind.STOP_PAYMENT, now),
            kind=ControlKind.STOP_PAYMENT,
            immediate=True,
            incident=incident,
            account=account,
            account_number=account.number,
            account_holder=account.holder_name,
            opening_unit=branch,
            approving_unit=cast(OrgUnit, incident.unit.region),  # a branch's: in a region
            amount=held,
            reason=reason,
            needs_second_approval=False,
            requested_by=actor.user,
            requesting_unit=actor.unit,
            requested_at=now,
            due_at=now + REVIEW_WITHIN,
        )
        control.apply_immediately()
        control.save()
        audit_record(
            actor=actor,
            action="control.immediate_stop_payment",
            thread=incident.thread,
            target=control.number,
            after={
                **audit_label(control),
                "state": control.state,
                "immediate": True,
                "opening_unit": branch.code,
                "reported_to": control.approving_unit.code,
                "review_by": control.due_at,
                "reason": reason,
            },
        )
        instruction_issue(actor=actor, control=control)
        # The sub-branch's review after the fact has its own clock: it escalates on its own
        # if nobody reviews the stop-payment in time.
        title_zh, title_en = review_clock_titles(control=control, incident=incident)
        clock_start(
            subject=control,
            kind=ClockKind.REVIEW,
            due_at=control.due_at,
            unit=control.approving_unit,
            owner_role=Role.SUB_BRANCH_MONITOR,
            thread=incident.thread,
            title_zh=title_zh,
            title_en=title_en,
            url=control_url(control),
        )
        notify.immediate_stop_payment_reported(control=control, incident=incident)
        request_link(actor=actor, incident=incident, control=control)
    return control


def _scope_own_branch(actor: Actor, incident: Incident, action: str) -> None:
    """The incident must lie in the actor's subtree (NotFound otherwise, like a missing one);
    who may act is `check_may_stop_immediately`'s."""
    if not actor.sees(incident.unit):
        raise NotFound(_("No such incident."))


@refusals_audited
def immediate_stop_payment_review(
    *,
    actor: Actor,
    control_id: int | None = None,
    number: str | None = None,
    outcome: str,
    note: str = "",
    expected_state: str | None = None,
) -> ControlRequest:
    """The sub-branch reviews a branch's immediate stop-payment, after the fact: `confirmed`
    keeps it; `released` asks to lift it through the release flow (a release request in the
    same transaction, approved by another monitor and executed by core banking; only once
    core banking has executed the stop-payment). Never by its requester; once."""
    action = "control.review"
    outcome = parse_choice(outcome, field="outcome", choices=ImmediateReview)
    note = parse_prose(note, field="note", max_length=2000)
    lookup: dict[str, int | str | None] = (
        {"pk": control_id} if control_id is not None else {"number": number}
    )
    incident_id = (
        ControlRequest.objects.filter(**lookup).values_list("incident_id", flat=True).first()
    )
    if incident_id is None:
        raise NotFound(_("No such account control request."))
    with transaction.atomic():
        incident = incident_lock(
            actor=actor,
            pk=incident_id,
            action=action,
            scope=scope_reached_through_request,
            related=("unit", "unit__parent"),
        )
        control = control_lock(actor=actor, control_id=control_id, number=number)
        check_may_review(actor, control=control, action=action)
        check_expected_state(
            obj=control, expected=expected_state, thread=incident.thread, action=action
        )
        before = {**snapshot(control), "review_outcome": control.review_outcome}
        release = None
        if outcome == ImmediateReview.RELEASED:
            if not note:
                raise InvalidInput(fields={"note": [_("Say why the hold can be lifted.")]})
            release = control_release_request(actor=actor, control_id=control.pk, reason=note)
        control.record_review(by=actor.user, outcome=outcome, note=note)
        save_or_conflict(control, thread=incident.thread, action=action)
        clock_stop(subject=control, kind=ClockKind.REVIEW)
        audit_record(
            actor=actor,
            action="control.reviewed",
            thread=incident.thread,
            target=control.number,
            before=before,
            after={
                "state": control.state,
                "review_outcome": control.review_outcome,
                "note": note,
                "release": release.number if release is not None else None,
            },
            data=audit_label(control),
        )
        notify.immediate_stop_payment_reviewed(control=control, incident=incident, release=release)
    return control

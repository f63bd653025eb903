"""Telling people about account control: who is told, what they read, in both languages,
through the notifications app (its outbox row is written in the caller's transaction).

Messages are written once as English source strings (marked for translation) and rendered in
Chinese and English, so that each person reads the notification in their own language. The
services call one function per occasion (`control_requested`, `control_approved`, …) inside
their transaction; delivery happens after commit, once per key.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from fraudops.core.choices import Level, Role
from fraudops.core.formats import duration_text
from fraudops.core.i18n import bilingual_text
from fraudops.core.models import OrgUnit, User
from notifications.services import Message, notification_send

from .choices import ControlKind, InstructionStatus
from .models import AssistanceRequest, ControlRequest
from .permissions import approver_role
from .presentation import assistance_url, clock_time, control_url

Params = Callable[[], dict]


# --- who ----------------------------------------------------------------------------------------


def users_with_role(
    *, units: Iterable[OrgUnit], role: str, exclude: Iterable[int] = ()
) -> list[int]:
    unit_ids = [unit.pk for unit in units]
    return list(
        User.objects.filter(unit_id__in=unit_ids, is_active=True, role_assignments__role=role)
        .exclude(pk__in=list(exclude))
        .order_by("pk")
        .values_list("pk", flat=True)
        .distinct()
    )


def head_office_monitors(*, exclude: Iterable[int] = ()) -> list[int]:
    return list(
        User.objects.filter(
            Q(unit__level=Level.HEAD_OFFICE),
            is_active=True,
            role_assignments__role=Role.HEAD_OFFICE_MONITOR,
        )
        .exclude(pk__in=list(exclude))
        .order_by("pk")
        .values_list("pk", flat=True)
        .distinct()
    )


def notify(
    *,
    user_ids: Iterable[int],
    title: str,
    body: str,
    params: Params,
    url: str,
    key: str,
    thread: str = "",
    tone: str = "info",
) -> None:
    """Tell `user_ids` (inside the caller's transaction; delivered after commit, once per key).

    `title` and `body` are English source strings marked with gettext_noop.
    """
    recipients = sorted({pk for pk in user_ids if pk})
    if not recipients:
        return
    title_zh, title_en = bilingual_text(title, params)
    body_zh, body_en = bilingual_text(body, params)
    notification_send(
        message=Message(
            key=key[:190],
            kind="controls",
            tone=tone,
            user_ids=tuple(recipients),
            title_zh=title_zh,
            title_en=title_en,
            body_zh=body_zh,
            body_en=body_en,
            url=url,
            thread=thread,
        )
    )


# --- what: one function per occasion ----------------------------------------------------------


def _params(control: ControlRequest, incident, **extra) -> Params:
    """Notification parameters of a request, evaluated once per language."""

    def params() -> dict:
        return {
            "number": control.number,
            "kind": ControlKind(control.kind).label,
            "account": control.account_number,
            "incident": incident.number,
            "amount": control.amount if control.amount is not None else _("whole account"),
            "unit": control.approving_unit.name,
            **{key: value() if callable(value) else value for key, value in extra.items()},
        }

    return params


def assistance_requested(*, assistance: AssistanceRequest, incident) -> None:
    """The region asked is told at once; head office is copied."""
    url = assistance_url(assistance)

    def params() -> dict:
        return {
            "incident": incident.number,
            "from": assistance.from_unit.name,
            "to": assistance.to_unit.name,
            "minutes": settings.CONTROLS_ACKNOWLEDGE_MINUTES,
            "summary": incident.summary[:200],
        }

    notify(
        user_ids=users_with_role(units=[assistance.to_unit], role=Role.SUB_BRANCH_MONITOR),
        title=gettext_noop("Assistance requested by %(from)s on %(incident)s"),
        body=gettext_noop(
            "Accounts held in your region received money in incident %(incident)s. "
            "Acknowledge within %(minutes)s minutes, investigate and control the payee "
            "account and the accounts that transacted with it. %(summary)s"
        ),
        params=params,
        url=url,
        key=f"controls:assistance:{assistance.pk}:asked",
        thread=incident.thread,
        tone="danger",
    )
    notify(
        user_ids=head_office_monitors(),
        title=gettext_noop("Copy: %(from)s asked %(to)s for assistance on %(incident)s"),
        body=gettext_noop(
            "Head office is copied on this cross-region request to control accounts. %(summary)s"
        ),
        params=params,
        url=url,
        key=f"controls:assistance:{assistance.pk}:copied",
        thread=incident.thread,
    )


def assistance_acknowledged(
    *, assistance: AssistanceRequest, incident, elapsed: float, note: str
) -> None:
    """The requester and the requesting region's monitors learn it was acknowledged."""

    def params() -> dict:
        return {
            "incident": incident.number,
            "to": assistance.to_unit.name,
            "elapsed": duration_text(elapsed),
            "note": note,
        }

    notify(
        user_ids=[
            assistance.requested_by_id,
            *users_with_role(units=[assistance.from_unit], role=Role.SUB_BRANCH_MONITOR),
        ],
        title=gettext_noop("%(to)s acknowledged the assistance request on %(incident)s"),
        body=gettext_noop("Acknowledged after %(elapsed)s. %(note)s"),
        params=params,
        url=assistance_url(assistance),
        key=f"controls:assistance:{assistance.pk}:acknowledged",
        thread=incident.thread,
    )


def control_requested(*, control: ControlRequest, incident, url: str) -> None:
    """The approvers of a new request (never the requester) are asked to decide by `url`."""
    notify(
        user_ids=users_with_role(
            units=[control.approving_unit],
            role=approver_role(control.kind),
            exclude=[control.requested_by_id],
        ),
        title=gettext_noop("%(kind)s %(number)s awaits your decision"),
        body=gettext_noop(
            "Incident %(incident)s: %(kind)s on account %(account)s, amount %(amount)s. "
            "Decide by %(due)s."
        ),
        params=_params(control, incident, due=lambda: clock_time(control.due_at)),
        url=url,
        key=f"controls:{control.pk}:requested",
        thread=incident.thread,
        tone="danger",
    )


def control_approved(*, control: ControlRequest, incident) -> None:
    """The requester learns it was approved and sent to core banking."""
    notify(
        user_ids=[control.requested_by_id],
        title=gettext_noop("%(kind)s %(number)s approved"),
        body=gettext_noop(
            "Incident %(incident)s: %(kind)s on account %(account)s was approved in "
            "%(elapsed)s and sent to core banking."
        ),
        params=_params(control, incident, elapsed=lambda: duration_text(control.approval_seconds)),
        url=control_url(control),
        key=f"controls:{control.pk}:approved",
        thread=incident.thread,
    )


def second_approval_needed(*, control: ControlRequest, incident, first_approver_id: int) -> None:
    """The other approvers are asked for the second approval."""
    notify(
        user_ids=users_with_role(
            units=[control.approving_unit],
            role=approver_role(control.kind),
            exclude=[control.requested_by_id, first_approver_id],
        ),
        title=gettext_noop("%(kind)s %(number)s needs a second approval"),
        body=gettext_noop(
            "Incident %(incident)s: %(kind)s on account %(account)s, amount %(amount)s, "
            "is above the limit for one approver. Give the second approval."
        ),
        params=_params(control, incident),
        url=control_url(control),
        key=f"controls:{control.pk}:first_approved",
        thread=incident.thread,
        tone="danger",
    )


def control_rejected(*, control: ControlRequest, incident, reason: str) -> None:
    """The requester learns it was rejected, and why."""
    notify(
        user_ids=[control.requested_by_id],
        title=gettext_noop("%(kind)s %(number)s rejected"),
        body=gettext_noop("Incident %(incident)s, account %(account)s: %(reason)s"),
        params=_params(control, incident, reason=reason),
        url=control_url(control),
        key=f"controls:{control.pk}:rejected",
        thread=incident.thread,
        tone="warning",
    )


def instruction_confirmed(
    *, control: ControlRequest, incident, result: str, reference: str, detail: str
) -> None:
    """The requester and the approvers learn what core banking did."""
    executed = result == InstructionStatus.EXECUTED
    notify(
        user_ids=[
            control.requested_by_id,
            control.first_approved_by_id,
            control.second_approved_by_id,
        ],
        title=gettext_noop("%(kind)s %(number)s executed by core banking")
        if executed
        else gettext_noop("%(kind)s %(number)s FAILED in core banking"),
        body=gettext_noop(
            "Incident %(incident)s, account %(account)s: core banking reference "
            "%(reference)s. %(detail)s"
        ),
        params=_params(control, incident, reference=reference or "-", detail=detail),
        url=control_url(control),
        key=f"controls:{control.pk}:{result}",
        thread=incident.thread,
        tone="info" if executed else "danger",
    )


def immediate_stop_payment_reported(*, control: ControlRequest, incident) -> None:
    """The branch put an immediate stop-payment on: the sub-branch's monitors are told (the
    branch's report, 报送分行) and asked to review it."""
    notify(
        user_ids=users_with_role(
            units=[control.approving_unit],
            role=Role.SUB_BRANCH_MONITOR,
            exclude=[control.requested_by_id],
        ),
        title=gettext_noop("Immediate stop-payment %(number)s by %(branch)s: review it"),
        body=gettext_noop(
            "Incident %(incident)s: %(branch)s stopped account %(account)s, opened at the "
            "branch, amount %(amount)s, without waiting for approval; core banking has the "
            "instruction. Review it by %(due)s: confirm it or release it."
        ),
        params=_params(
            control,
            incident,
            branch=lambda: control.requesting_unit.name,
            due=lambda: clock_time(control.due_at),
        ),
        url=control_url(control),
        key=f"controls:{control.pk}:immediate",
        thread=incident.thread,
        tone="danger",
    )


def immediate_stop_payment_reviewed(
    *, control: ControlRequest, incident, release: ControlRequest | None
) -> None:
    """The branch learns what the sub-branch decided about its immediate stop-payment."""
    notify(
        user_ids=[control.requested_by_id],
        title=gettext_noop("Immediate stop-payment %(number)s confirmed by %(unit)s")
        if release is None
        else gettext_noop("Immediate stop-payment %(number)s: %(unit)s asks to release it"),
        body=gettext_noop("Incident %(incident)s, account %(account)s. %(note)s"),
        params=_params(control, incident, note=control.review_note),
        url=control_url(control),
        key=f"controls:{control.pk}:reviewed",
        thread=incident.thread,
        tone="info" if release is None else "warning",
    )

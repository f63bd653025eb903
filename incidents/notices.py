"""Telling people when an incident changes hands (issue 11, item 4; docs/notifications.md).

One function per hand-over, called by the incident services inside their transaction,
right after the audit event of the change: each queues one notification through
`notifications.services.notification_send` (an outbox row in the same transaction), so the
notice exists exactly when the change commits and reaches each person once, however often
the outbox relays it. Texts are English source strings rendered in Chinese and English
(`bilingual_fields`); each person reads their own language, in the inbox and by email.

Who is told (the receiving level's lead, `LEVEL_LEAD_ROLE`, unless said otherwise), and
the notice's key:

- filed, in the browser or through the API (`incident:<pk>:filed`): the sub-branch's
  monitors; urgent (tone danger) for T1–T3 with a payee account at this bank;
- reported up (`incident:<pk>:reported:<level>:<event>`): the receiving level's lead;
- instruction on a waiting step (`task:<pk>:instructed`): the step's owner role at its unit;
- returned for more information (`incident:<pk>:returned:<level>:<event>`): the lead of the
  level it returns to, and at the branch the person who filed it;
- resubmitted (`incident:<pk>:resubmitted:<level>:<event>`): the lead of the level it goes
  back to;
- closed (`incident:<pk>:closed`) and withdrawn (`incident:<pk>:withdrawn`): the units that
  worked it: the filing branch's manager, its filer, the sub-branch's monitors (for a
  withdrawal, only if the sub-branch had it); never the person who did it.

`<event>` is the id of the change's audit event, so a second return or resubmission of the
same incident is its own notice, while a replay of one is not.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_noop

from fraudops.core.actors import Actor
from fraudops.core.choices import LEVEL_LEAD_ROLE, Level, Role
from fraudops.core.i18n import bilingual_fields
from fraudops.core.models import AuditEvent, OrgUnit
from notifications.choices import Tone
from notifications.services import Message, notification_send
from workflows.choices import MONEY_TO_A_FRAUD_ACCOUNT

from .choices import AccountRole
from .models import Account, Incident, Task

# T1–T3: money went to a fraud account; with that account here, every minute counts.
URGENT_TYPES = MONEY_TO_A_FRAUD_ACCOUNT

KIND_FILED = "incident.filed"
KIND_REPORTED = "incident.reported_up"
KIND_INSTRUCTED = "task.instructed"
KIND_RETURNED = "incident.returned"
KIND_RESUBMITTED = "incident.resubmitted"
KIND_CLOSED = "incident.closed"
KIND_WITHDRAWN = "incident.withdrawn"

_ROLE_LABELS = dict(Role.choices)

Params = Callable[[], dict[str, Any]]


def is_urgent_filing(incident: Incident, *, accounts: Iterable[Account] | None = None) -> bool:
    """T1–T3 with a payee account at this bank: the sub-branch must control it at once.
    `accounts`: the incident's accounts when the caller holds them (filing), else read."""
    if incident.incident_type_id not in URGENT_TYPES:
        return False
    if accounts is not None:
        return any(a.role == AccountRole.PAYEE and a.at_this_bank for a in accounts)
    return incident.accounts.filter(role=AccountRole.PAYEE, at_this_bank=True).exists()


def _when(moment: datetime.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "-"


def _who(actor: Actor) -> str:
    if actor.user is not None:
        return str(actor.user)
    if actor.client is not None:
        return actor.client.name
    return "FraudOps"


def _params(incident: Incident, actor: Actor | None = None, **extra: Any) -> Params:
    """The texts' parameters, evaluated once per language (names and labels come out in
    it); a callable in `extra` is called then too."""

    def params() -> dict[str, Any]:
        values = {
            "number": incident.number,
            "type": incident.incident_type.name,
            "branch": incident.unit.name,
            "summary": incident.summary[:300],
            "who": _who(actor) if actor is not None else "-",
        }
        values.update({key: value() if callable(value) else value for key, value in extra.items()})
        return values

    return params


def _send(
    *,
    incident: Incident,
    key: str,
    kind: str,
    title: str,
    body: str,
    params: Params,
    unit: OrgUnit | None,
    roles: tuple[str, ...],
    tone: str = Tone.INFO,
    url: str = "",
    user_ids: tuple[int, ...] = (),
    audiences: tuple[tuple[int, tuple[str, ...]], ...] = (),
    actor: Actor | None = None,
) -> None:
    if unit is None and not user_ids and not audiences:
        return
    texts = bilingual_fields(params, title=title, body=body)
    notification_send(
        message=Message(
            key=key,
            kind=kind,
            tone=tone,
            url=url or incident.get_absolute_url(),
            thread=incident.thread,
            unit_id=unit.pk if unit is not None else None,
            roles=roles,
            user_ids=tuple(pk for pk in user_ids if pk),
            audiences=audiences,
            exclude_user_ids=(actor.user.pk,) if actor is not None and actor.user else (),
            title_zh=texts["title_zh"],
            title_en=texts["title_en"],
            body_zh=texts["body_zh"],
            body_en=texts["body_en"],
        )
    )


def _lead_at(incident: Incident, level: str) -> tuple[OrgUnit | None, tuple[str, ...]]:
    return incident.unit.ancestor_at(level), (LEVEL_LEAD_ROLE[level],)


# --- one function per hand-over ---------------------------------------------------------


def incident_filed(
    *, incident: Incident, actor: Actor, accounts: Iterable[Account] | None = None
) -> None:
    """A branch (a teller in the browser, or core banking through the API) filed it: the
    sub-branch's monitors are told at once (for a customer-safety event, the branch's
    manager); urgent for T1–T3 with a payee account here
    (`accounts`: the filed ones, to spare reading them again)."""
    if not incident.incident_type.is_fraud:
        # A customer-safety event (a card left in an ATM) stays at its branch: its manager
        # is told, not the sub-branch, whose fraud work it is not.
        _send(
            incident=incident,
            key=f"incident:{incident.pk}:filed",
            kind=KIND_FILED,
            title=gettext_noop("New event %(number)s at %(branch)s: %(type)s"),
            body=gettext_noop("Filed at %(filed)s by %(who)s. %(summary)s"),
            params=_params(incident, actor, filed=_when(incident.filed_at)),
            unit=incident.unit,
            roles=(LEVEL_LEAD_ROLE[Level.BRANCH],),
            actor=actor,
        )
        return
    urgent = is_urgent_filing(incident, accounts=accounts)
    if urgent:
        title = gettext_noop("URGENT: %(type)s %(number)s filed by %(branch)s")
        body = gettext_noop(
            "The payee account is held at this bank: control it at once. Filed at %(filed)s "
            "by %(who)s. %(summary)s"
        )
    else:
        title = gettext_noop("New incident %(number)s filed by %(branch)s: %(type)s")
        body = gettext_noop("Filed at %(filed)s by %(who)s. %(summary)s")
    _send(
        incident=incident,
        key=f"incident:{incident.pk}:filed",
        kind=KIND_FILED,
        title=title,
        body=body,
        params=_params(incident, actor, filed=_when(incident.filed_at)),
        unit=incident.unit.ancestor_at(Level.SUB_BRANCH),
        roles=(Role.SUB_BRANCH_MONITOR,),
        tone=Tone.DANGER if urgent else Tone.INFO,
        actor=actor,
    )


def incident_reported_up(
    *, incident: Incident, actor: Actor, task: Task, level: str, event: AuditEvent
) -> None:
    """The level's reporting step is done and the incident reached `level`: its lead there
    is told."""
    unit, roles = _lead_at(incident, level)
    _send(
        incident=incident,
        key=f"incident:{incident.pk}:reported:{level}:{event.pk}",
        kind=KIND_REPORTED,
        title=gettext_noop("Incident %(number)s reported to %(unit)s: %(type)s"),
        body=gettext_noop(
            "%(from)s reported it (%(step)s, by %(who)s); it is now with %(unit)s. %(summary)s"
        ),
        params=_params(
            incident,
            actor,
            unit=lambda: unit.name if unit else "-",
            step=lambda: task.step.title,
            **{"from": lambda: task.unit.name},
        ),
        unit=unit,
        roles=roles,
        tone=Tone.WARNING,
        actor=actor,
    )


def task_instructed(*, incident: Incident, actor: Actor, task: Task) -> None:
    """The level above instructed a waiting step: its owner role at its unit is told, and
    the person holding it (named owners) if they hold another role."""
    _send(
        incident=incident,
        key=f"task:{task.pk}:instructed",
        kind=KIND_INSTRUCTED,
        title=gettext_noop("Instruction on %(number)s: %(step)s"),
        body=gettext_noop("%(who)s instructs %(role)s at %(unit)s: %(instruction)s Due: %(due)s."),
        params=_params(
            incident,
            actor,
            step=lambda: task.step.title,
            role=lambda: _ROLE_LABELS.get(task.owner_role, task.owner_role),
            unit=lambda: task.unit.name,
            instruction=task.instruction,
            due=_when(task.due_at),
        ),
        unit=task.unit,
        roles=(task.owner_role,),
        user_ids=(task.assignee_id,) if task.assignee_id else (),  # whoever holds the step
        tone=Tone.WARNING,
        url=f"{incident.get_absolute_url()}#task-{task.pk}",
        actor=actor,
    )


def incident_returned(
    *, incident: Incident, actor: Actor, level: str, reason: str, event: AuditEvent
) -> None:
    """Sent back to `level` for more information: that level's lead is told (and, at the
    branch, the person who filed it)."""
    unit, roles = _lead_at(incident, level)
    filer = (incident.filed_by_id,) if level == Level.BRANCH and incident.filed_by_id else ()
    _send(
        incident=incident,
        key=f"incident:{incident.pk}:returned:{level}:{event.pk}",
        kind=KIND_RETURNED,
        title=gettext_noop("Incident %(number)s returned to %(unit)s for more information"),
        body=gettext_noop("%(who)s returned it: %(reason)s"),
        params=_params(incident, actor, unit=lambda: unit.name if unit else "-", reason=reason),
        unit=unit,
        roles=roles,
        user_ids=filer,
        tone=Tone.WARNING,
        actor=actor,
    )


def incident_resubmitted(
    *, incident: Incident, actor: Actor, level: str, event: AuditEvent
) -> None:
    """A returned incident was sent up again to `level`: its lead there is told."""
    unit, roles = _lead_at(incident, level)
    _send(
        incident=incident,
        key=f"incident:{incident.pk}:resubmitted:{level}:{event.pk}",
        kind=KIND_RESUBMITTED,
        title=gettext_noop("Incident %(number)s resubmitted to %(unit)s"),
        body=gettext_noop(
            "%(who)s sent it up again after it was returned for more information. %(summary)s"
        ),
        params=_params(incident, actor, unit=lambda: unit.name if unit else "-"),
        unit=unit,
        roles=roles,
        actor=actor,
    )


def _workers(incident: Incident, *, sub_branch: bool) -> dict[str, Any]:
    """The units that worked it: the filing branch's manager and its filer, and the
    sub-branch's monitors (when it reached the sub-branch)."""
    audiences: tuple[tuple[int, tuple[str, ...]], ...] = ()
    region = incident.unit.ancestor_at(Level.SUB_BRANCH) if sub_branch else None
    if region is not None:
        audiences = ((region.pk, (Role.SUB_BRANCH_MONITOR,)),)
    return {
        "unit": incident.unit,
        "roles": (Role.BRANCH_MANAGER,),
        "user_ids": (incident.filed_by_id,) if incident.filed_by_id else (),
        "audiences": audiences,
    }


def incident_closed(*, incident: Incident, actor: Actor, level: str = Level.HEAD_OFFICE) -> None:
    """Closed by the lead of `level`, the last its playbook reaches (head office; the branch
    for a customer-safety event): the units that worked it are told (not the one closing);
    the sub-branch only if the incident reached it."""
    _send(
        incident=incident,
        key=f"incident:{incident.pk}:closed",
        kind=KIND_CLOSED,
        title=gettext_noop("Incident %(number)s closed: %(type)s"),
        body=gettext_noop("Closed at %(closed)s by %(who)s. Outcome: %(outcome)s."),
        params=_params(
            incident,
            actor,
            closed=_when(incident.closed_at),
            outcome=lambda: incident.get_outcome_display(),
        ),
        actor=actor,
        **_workers(incident, sub_branch=level != Level.BRANCH),
    )


def incident_withdrawn(*, incident: Incident, actor: Actor, reason: str, level: str) -> None:
    """Withdrawn by the lead of the level holding it: the units that worked it are told."""
    _send(
        incident=incident,
        key=f"incident:{incident.pk}:withdrawn",
        kind=KIND_WITHDRAWN,
        title=gettext_noop("Incident %(number)s withdrawn"),
        body=gettext_noop("%(who)s withdrew it: %(reason)s"),
        params=_params(incident, actor, reason=reason),
        actor=actor,
        **_workers(incident, sub_branch=level != Level.BRANCH),
    )

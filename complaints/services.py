"""Writes on complaints: filing, the investigation and its documents, the level above's
review, the reply (drafted, signed off by another person, sent), the outcome, withdrawal,
links to incidents, and head office's reply deadlines.

Every write runs in one transaction: the complaint row is locked first
(`SELECT … FOR UPDATE`), the actor is checked (`permissions.check_may_*`; out of sight is
NotFound), the change is saved (django_fsm guards the state column), and the audit event is
written on the complaint's thread (`complaint:<pk>`) in the same transaction; links to an
incident are audited on the incident's thread too, so its timeline and live page see them.
The reply clock (`complaints.reply`) starts at filing and stops when the reply is sent or
the complaint is withdrawn; the notice to the responsible unit goes through the outbox.
"""

from __future__ import annotations

import datetime
import logging
import posixpath
import uuid
from collections.abc import Mapping
from typing import Any

from django.core.files.base import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from clocks.services import clock_start, clock_stop
from fraudops.core.actors import Actor
from fraudops.core.audit import audit_record
from fraudops.core.choices import Role
from fraudops.core.concurrency import save_or_conflict
from fraudops.core.errors import InvalidInput, InvalidTransition, NotFound, PermissionRefused
from fraudops.core.models import OrgUnit
from fraudops.core.parsing import (
    FieldErrors,
    parse_choice,
    parse_datetime,
    parse_prose,
    parse_text,
)
from fraudops.core.services import refusals_audited, sequence_next
from incidents.choices import PartyRole
from incidents.models import Incident
from incidents.services.evidence import evidence_storage, file_check, file_sha256
from incidents.services.filing import clean_party
from notifications.services import Message, notification_send

from .choices import (
    CLOSING_OUTCOMES,
    REPLY_DEADLINES_THREAD,
    REPLY_OWED_STATES,
    ClockKind,
    ComplaintOutcome,
    ComplaintSource,
    ReplyChannel,
    ReviewConclusion,
)
from .models import Complaint, ComplaintDocument, ComplaintIncident, ComplaintReview, ReplyDeadline
from .permissions import (
    check_may_file,
    check_may_review,
    check_may_sign_off,
    check_may_work,
    lead_role,
)
from .presentation import complaint_url, received_notice, reply_clock_titles
from .selectors import reply_deadline_for

logger = logging.getLogger(__name__)

# Where complaint documents live in the evidence storage (apart from incident evidence,
# whose orphan sweep looks only under its own prefix).
DOCUMENT_PREFIX = "complaints"
MAX_REQUEST = 4000
MAX_PROSE = 8000


# --- helpers -----------------------------------------------------------------------------------


def _complaint_lock(*, actor: Actor, number: str) -> Complaint:
    """Fetch and lock the complaint row (its unit chain joined); NotFound if missing or out
    of the actor's sight."""
    complaint: Complaint | None = (
        Complaint.objects.select_for_update(of=("self",))
        .select_related("unit", "unit__parent")
        .filter(number=number)
        .first()
    )
    if complaint is None or not actor.sees(complaint.unit):
        raise NotFound(_("No such complaint."))
    return complaint


def _snapshot(complaint: Complaint) -> dict[str, Any]:
    return {"state": complaint.state}


def _not_now(complaint: Complaint, action: str) -> InvalidTransition:
    return InvalidTransition(
        _("The complaint is %(state)s: this cannot be done now.")
        % {"state": complaint.get_state_display()},
        thread=complaint.thread,
        action=action,
    )


def _check_state(complaint: Complaint, transition: Any, action: str) -> None:
    if not can_proceed(transition):
        raise _not_now(complaint, action)


def _required_prose(value: Any, *, field: str, message: str, max_length: int = MAX_PROSE) -> str:
    return parse_prose(
        value, field=field, max_length=max_length, required=True, required_message=message
    )


# --- filing ------------------------------------------------------------------------------------


def _responsible_unit(errors: FieldErrors, actor: Actor, code: Any) -> OrgUnit | None:
    if not code:
        if actor.unit is None:
            errors.add("unit", _("Name the unit responsible for the reply."))
        return actor.unit
    unit = OrgUnit.objects.filter(code=str(code).strip(), is_active=True).first()
    if unit is None:
        errors.add("unit", _("No org unit has this code."))
    return unit


@refusals_audited
def complaint_file(*, actor: Actor, data: Mapping[str, Any]) -> Complaint:
    """Record a complaint received (`data`: source, reference, received_at, complainant
    {name, id_type, id_number, phone}, request, unit (code; default the actor's)), start its
    reply clock and tell the responsible unit's lead role. Every bad field is named at once;
    nothing is saved unless all are valid."""
    action = "complaint.file"
    errors = FieldErrors()
    source = errors.collect(
        parse_choice,
        data.get("source"),
        field="source",
        choices=ComplaintSource,
        required=True,
        fallback="",
    )
    reference = errors.collect(
        parse_text, data.get("reference"), field="reference", max_length=64, fallback=""
    )
    received_at = errors.collect(
        parse_datetime, data.get("received_at"), field="received_at", required=True
    )
    if received_at and received_at > timezone.now() + datetime.timedelta(minutes=5):
        errors.add("received_at", _("The time it was received cannot be in the future."))
    raw_complainant = data.get("complainant") or {}
    if not isinstance(raw_complainant, Mapping):
        raw_complainant = {}
    # Validated exactly like an incident's party (names, document numbers, phones).
    complainant = clean_party(
        errors, "complainant", {**raw_complainant, "role": PartyRole.OTHER, "staff_role": ""}
    )
    request = errors.collect(
        _required_prose,
        data.get("request"),
        field="request",
        message=_("Say what the complainant asks for."),
        max_length=MAX_REQUEST,
        fallback="",
    )
    unit = _responsible_unit(errors, actor, data.get("unit"))
    errors.raise_if_any()
    assert unit is not None and received_at is not None  # noted in `errors` otherwise
    check_may_file(actor, unit=unit, action=action)

    with transaction.atomic():
        now = timezone.now()
        complaint: Complaint = Complaint(
            number=f"TS-{now.year}-{sequence_next(name='complaint', year=now.year):06d}",
            source=source,
            reference=reference,
            received_at=received_at,
            unit=unit,
            complainant_name=complainant["name"],
            complainant_id_type=complainant["id_type"],
            complainant_id_number=complainant["id_number"],
            complainant_phone=complainant["phone"],
            request=request,
            due_at=received_at + reply_deadline_for(source=source),
            filed_at=now,
            filed_by=actor.user,
            filed_by_client=actor.client,
        )
        complaint.save()
        url = complaint_url(complaint)
        title_zh, title_en = reply_clock_titles(complaint)
        clock_start(
            subject=complaint,
            kind=ClockKind.REPLY,
            due_at=complaint.due_at,
            unit=unit,
            owner_role=lead_role(unit),
            thread=complaint.thread,
            title_zh=title_zh,
            title_en=title_en,
            url=url,
        )
        audit_record(
            actor=actor,
            action="complaint.filed",
            thread=complaint.thread,
            target=complaint.number,
            after={
                "state": complaint.state,
                "source": source,
                "reference": reference,
                "received_at": received_at,
                "unit": unit.code,
                "complainant": {k: v for k, v in complainant.items() if k not in ("role",)},
                "request": request,
                "due_at": complaint.due_at,
            },
        )
        (n_zh, n_en), (b_zh, b_en) = received_notice(complaint)
        notification_send(
            message=Message(
                key=f"complaint:{complaint.pk}:received",
                kind="complaints",
                tone="warning",
                unit_id=unit.pk,
                roles=(lead_role(unit),),
                # A manager filing it needs no notice of their own filing.
                exclude_user_ids=(actor.user.pk,) if actor.user is not None else (),
                title_zh=n_zh,
                title_en=n_en,
                body_zh=b_zh,
                body_en=b_en,
                url=url,
                thread=complaint.thread,
            )
        )
    return complaint


# --- the investigation and its documents -------------------------------------------------------


@refusals_audited
def complaint_investigation_record(*, actor: Actor, number: str, findings: Any) -> Complaint:
    """Record (or update, while investigating) what the responsible unit found."""
    action = "complaint.investigate"
    with transaction.atomic():
        complaint = _complaint_lock(actor=actor, number=number)
        check_may_work(actor, complaint=complaint, action=action)
        _check_state(complaint, complaint.investigate, action)
        text = _required_prose(
            findings, field="findings", message=_("Write down what the investigation found.")
        )
        before = {**_snapshot(complaint), "findings": complaint.findings}
        complaint.investigate(findings=text, by=actor.user)
        save_or_conflict(complaint, action=action)
        audit_record(
            actor=actor,
            action="complaint.investigated",
            thread=complaint.thread,
            target=complaint.number,
            before=before,
            after={**_snapshot(complaint), "findings": text},
        )
    return complaint


def _document_stage(uploaded_file: File[bytes]) -> tuple[str, str, str, int, str]:
    """Check a file as incident evidence is checked and write it to the evidence storage,
    under the complaints' prefix: (stored name, original name, type, size, sha256)."""
    name, content_type = file_check(uploaded_file, field="file")
    sha256 = file_sha256(uploaded_file)
    storage = evidence_storage()
    wanted = posixpath.join(
        DOCUMENT_PREFIX,
        f"{timezone.now():%Y/%m/%d}",
        f"{uuid.uuid4().hex[:16]}-{storage.get_valid_name(name)}",
    )
    max_length = ComplaintDocument._meta.get_field("file").max_length
    stored = storage.save(wanted, uploaded_file, max_length=max_length)
    size = uploaded_file.size if uploaded_file.size is not None else storage.size(stored)
    return stored, name[:255], content_type, size, sha256


@refusals_audited
def complaint_document_add(
    *, actor: Actor, number: str, uploaded_file: File[bytes], description: Any = ""
) -> ComplaintDocument:
    """Keep a document with the complaint (the petition, forms retrieved, the signed reply).
    The file is checked and stored before the lock; a refused write deletes it again."""
    action = "complaint.add_document"
    description = parse_prose(description, field="description", max_length=500)
    # Out of sight: refused before anything is stored.
    with transaction.atomic():
        complaint = _complaint_lock(actor=actor, number=number)
        check_may_work(actor, complaint=complaint, action=action)
        if not complaint.is_open:
            raise _not_now(complaint, action)
    stored, original, content_type, size, sha256 = _document_stage(uploaded_file)
    try:
        with transaction.atomic():
            complaint = _complaint_lock(actor=actor, number=number)
            check_may_work(actor, complaint=complaint, action=action)
            if not complaint.is_open:
                raise _not_now(complaint, action)
            document = ComplaintDocument.objects.create(
                complaint=complaint,
                file=stored,
                original_name=original,
                content_type=content_type,
                size=size,
                sha256=sha256,
                description=description,
                uploaded_by=actor.user,
            )
            audit_record(
                actor=actor,
                action="complaint.document_added",
                thread=complaint.thread,
                target=f"complaint_document:{document.pk}",
                after={"name": original, "size": size, "sha256": sha256},
            )
    except BaseException:
        try:
            evidence_storage().delete(stored)
        except OSError:
            logger.warning("Could not delete complaint document %s.", stored)
        raise
    return document


@refusals_audited
def complaint_review_record(
    *, actor: Actor, number: str, conclusion: Any, finding: Any
) -> ComplaintReview:
    """The level above records its compliance review (seed case 5: whether the teller
    explained the designated-account rules, and how)."""
    action = "complaint.review"
    with transaction.atomic():
        complaint = _complaint_lock(actor=actor, number=number)
        check_may_review(actor, complaint=complaint, action=action)
        if complaint.state not in REPLY_OWED_STATES:
            raise _not_now(complaint, action)
        errors = FieldErrors()
        conclusion = errors.collect(
            parse_choice,
            conclusion,
            field="conclusion",
            choices=ReviewConclusion,
            required=True,
            fallback="",
        )
        finding = errors.collect(
            _required_prose,
            finding,
            field="finding",
            message=_("Write down what the review found."),
            fallback="",
        )
        errors.raise_if_any()
        assert actor.unit is not None  # check_may_review: staff above the unit
        review = ComplaintReview.objects.create(
            complaint=complaint,
            unit=actor.unit,
            conclusion=conclusion,
            finding=finding,
            reviewed_by=actor.user,
        )
        audit_record(
            actor=actor,
            action="complaint.reviewed",
            thread=complaint.thread,
            target=f"complaint_review:{review.pk}",
            after={"unit": actor.unit.code, "conclusion": conclusion, "finding": finding},
        )
    return review


# --- the reply ---------------------------------------------------------------------------------


@refusals_audited
def complaint_reply_draft(*, actor: Actor, number: str, text: Any) -> Complaint:
    """Draft (or redraft, before sign-off) the reply; its author cannot sign it off."""
    action = "complaint.draft_reply"
    with transaction.atomic():
        complaint = _complaint_lock(actor=actor, number=number)
        check_may_work(actor, complaint=complaint, action=action)
        _check_state(complaint, complaint.draft_reply, action)
        reply = _required_prose(text, field="text", message=_("Write the reply."))
        before = {
            **_snapshot(complaint),
            "text": complaint.reply_text,
            "by": complaint.reply_drafted_by_id,
        }
        complaint.draft_reply(text=reply, by=actor.user)
        save_or_conflict(complaint, action=action)
        audit_record(
            actor=actor,
            action="complaint.reply_drafted",
            thread=complaint.thread,
            target=complaint.number,
            before=before,
            after={**_snapshot(complaint), "text": reply, "by": complaint.reply_drafted_by_id},
        )
    return complaint


@refusals_audited
def complaint_reply_sign_off(*, actor: Actor, number: str) -> Complaint:
    """The responsible unit's manager signs the drafted reply off. Four-eyes: its author is
    refused (FourEyesRefused, audited), and nothing changes."""
    action = "complaint.sign_off"
    with transaction.atomic():
        complaint = _complaint_lock(actor=actor, number=number)
        check_may_sign_off(actor, complaint=complaint, action=action)
        _check_state(complaint, complaint.sign_off, action)
        assert actor.user is not None  # check_may_sign_off: people only
        before = _snapshot(complaint)
        complaint.sign_off(by=actor.user)
        save_or_conflict(complaint, action=action)
        audit_record(
            actor=actor,
            action="complaint.reply_signed_off",
            thread=complaint.thread,
            target=complaint.number,
            before=before,
            after={**_snapshot(complaint), "drafted_by": complaint.reply_drafted_by_id},
        )
    return complaint


@refusals_audited
def complaint_reply_send(*, actor: Actor, number: str, channel: Any) -> Complaint:
    """Record that the signed-off reply was sent (and how); the reply clock stops."""
    action = "complaint.send_reply"
    with transaction.atomic():
        complaint = _complaint_lock(actor=actor, number=number)
        check_may_work(actor, complaint=complaint, action=action)
        _check_state(complaint, complaint.send, action)
        channel = parse_choice(channel, field="channel", choices=ReplyChannel, required=True)
        before = _snapshot(complaint)
        complaint.send(channel=channel, by=actor.user)
        save_or_conflict(complaint, action=action)
        clock_stop(subject=complaint, kind=ClockKind.REPLY)
        audit_record(
            actor=actor,
            action="complaint.reply_sent",
            thread=complaint.thread,
            target=complaint.number,
            before=before,
            after={
                **_snapshot(complaint),
                "channel": channel,
                "late": complaint.reply_sent_at > complaint.due_at
                if complaint.reply_sent_at
                else False,
            },
        )
    return complaint


@refusals_audited
def complaint_close(*, actor: Actor, number: str, outcome: Any, note: Any = "") -> Complaint:
    """Set the outcome once the reply was sent: upheld, partly upheld or not upheld."""
    action = "complaint.close"
    with transaction.atomic():
        complaint = _complaint_lock(actor=actor, number=number)
        check_may_work(actor, complaint=complaint, action=action)
        _check_state(complaint, complaint.close, action)
        errors = FieldErrors()
        outcome = errors.collect(
            parse_choice,
            outcome,
            field="outcome",
            choices=ComplaintOutcome,
            required=True,
            fallback="",
        )
        if outcome and outcome not in CLOSING_OUTCOMES:
            errors.add(
                "outcome", _("A complaint the complainant withdrew is withdrawn, not closed.")
            )
        note = errors.collect(parse_prose, note, field="note", max_length=MAX_PROSE, fallback="")
        errors.raise_if_any()
        before = _snapshot(complaint)
        complaint.close(outcome=outcome, note=note, by=actor.user)
        save_or_conflict(complaint, action=action)
        audit_record(
            actor=actor,
            action="complaint.closed",
            thread=complaint.thread,
            target=complaint.number,
            before=before,
            after={**_snapshot(complaint), "outcome": outcome, "note": note},
        )
    return complaint


@refusals_audited
def complaint_withdraw(*, actor: Actor, number: str, reason: Any) -> Complaint:
    """The complainant withdrew before the reply was sent; the reply clock stops."""
    action = "complaint.withdraw"
    with transaction.atomic():
        complaint = _complaint_lock(actor=actor, number=number)
        check_may_work(actor, complaint=complaint, action=action)
        _check_state(complaint, complaint.withdraw, action)
        reason = _required_prose(
            reason, field="reason", message=_("Say why the complaint is withdrawn.")
        )
        before = _snapshot(complaint)
        complaint.withdraw(reason=reason, by=actor.user)
        save_or_conflict(complaint, action=action)
        clock_stop(subject=complaint, kind=ClockKind.REPLY)
        audit_record(
            actor=actor,
            action="complaint.withdrawn",
            thread=complaint.thread,
            target=complaint.number,
            before=before,
            after={**_snapshot(complaint), "reason": reason},
        )
    return complaint


# --- links to incidents ------------------------------------------------------------------------


def _incident_in_sight(actor: Actor, number: Any) -> Incident:
    incident: Incident | None = (
        Incident.objects.select_related("unit").filter(number=str(number or "").strip()).first()
    )
    if incident is None or not actor.sees(incident.unit):
        # The same answer as a missing incident: another region's incidents stay unseen.
        raise NotFound(_("No such incident."))
    return incident


def _link_data(complaint: Complaint, incident: Incident) -> dict[str, Any]:
    return {"complaint": complaint.number, "incident": incident.number}


@refusals_audited
def complaint_incident_link(
    *, actor: Actor, number: str, incident_number: Any, note: Any = ""
) -> ComplaintIncident:
    """Link the complaint to an incident (filed before or after it). The actor must see
    both; the link is audited on the complaint's thread and on the incident's."""
    action = "complaint.link_incident"
    with transaction.atomic():
        complaint = _complaint_lock(actor=actor, number=number)
        check_may_work(actor, complaint=complaint, action=action)
        if not complaint.is_open:
            raise _not_now(complaint, action)
        if not incident_number:
            raise InvalidInput(fields={"incident": [_("Give the incident's number.")]})
        incident = _incident_in_sight(actor, incident_number)
        note = parse_prose(note, field="note", max_length=2000)
        if complaint.incident_links.filter(incident=incident, unlinked_at__isnull=True).exists():
            raise InvalidInput(
                fields={"incident": [_("This complaint is already linked to that incident.")]}
            )
        link = ComplaintIncident.objects.create(
            complaint=complaint,
            incident=incident,
            note=note,
            linked_by=actor.user,
            linked_by_client=actor.client,
        )
        data = _link_data(complaint, incident)
        audit_record(
            actor=actor,
            action="complaint.incident_linked",
            thread=complaint.thread,
            target=incident.number,
            after={"note": note},
            data=data,
        )
        audit_record(
            actor=actor,
            action="complaint.linked",
            thread=incident.thread,
            target=complaint.number,
            after={"note": note, "state": complaint.state},
            data=data,
        )
    return link


@refusals_audited
def complaint_incident_unlink(
    *, actor: Actor, number: str, incident_number: Any, reason: Any
) -> ComplaintIncident:
    """Unlink an incident linked by mistake, with the reason (the link row is kept)."""
    action = "complaint.unlink_incident"
    with transaction.atomic():
        complaint = _complaint_lock(actor=actor, number=number)
        check_may_work(actor, complaint=complaint, action=action)
        if not complaint.is_open:
            raise _not_now(complaint, action)
        incident = _incident_in_sight(actor, incident_number)
        link = (
            complaint.incident_links.select_for_update()
            .filter(incident=incident, unlinked_at__isnull=True)
            .first()
        )
        if link is None:
            raise InvalidInput(
                fields={"incident": [_("This complaint is not linked to that incident.")]}
            )
        reason = _required_prose(
            reason, field="reason", message=_("Say why the incident is unlinked."), max_length=2000
        )
        link.unlinked_at = timezone.now()
        link.unlinked_by = actor.user
        link.unlink_reason = reason
        link.save(update_fields=["unlinked_at", "unlinked_by", "unlink_reason"])
        data = _link_data(complaint, incident)
        for thread, target, name in (
            (complaint.thread, incident.number, "complaint.incident_unlinked"),
            (incident.thread, complaint.number, "complaint.unlinked"),
        ):
            audit_record(
                actor=actor,
                action=name,
                thread=thread,
                target=target,
                before={"linked": True},
                after={"linked": False, "reason": reason},
                data=data,
            )
    return link


# --- head office's reply deadlines -------------------------------------------------------------


def check_may_configure(actor: Actor, *, action: str) -> None:
    allowed = actor.is_system or (
        actor.user is not None and (actor.user.is_superuser or actor.has_role(Role.ADMINISTRATOR))
    )
    if not allowed:
        raise PermissionRefused(
            _("Reply deadlines are set by head office's administrators."),
            thread=REPLY_DEADLINES_THREAD,
            action=action,
        )


REPLY_DEADLINE_FIELDS = ("source", "days", "hours", "basis")


@refusals_audited
def reply_deadline_save(
    *, actor: Actor, deadline: ReplyDeadline, changes: Mapping[str, Any]
) -> ReplyDeadline:
    """Create or change a source's reply deadline, audited with before and after. Applies to
    complaints filed from now on; those already filed keep the deadline they were given."""
    action = "complaints.reply_deadline_save"
    check_may_configure(actor, action=action)
    unknown = set(changes) - set(REPLY_DEADLINE_FIELDS)
    if unknown:
        raise ValueError(f"not a reply-deadline field: {sorted(unknown)}")
    with transaction.atomic():
        if deadline.pk is not None:
            deadline = ReplyDeadline.objects.select_for_update().get(pk=deadline.pk)
            before: dict[str, Any] | None = {f: getattr(deadline, f) for f in REPLY_DEADLINE_FIELDS}
        else:
            before = None
        for name, value in changes.items():
            setattr(deadline, name, value)
        errors = FieldErrors()
        errors.collect(
            parse_choice, deadline.source, field="source", choices=ComplaintSource, required=True
        )
        for name in ("days", "hours"):
            value = getattr(deadline, name)
            if not isinstance(value, int) or value < 0:
                errors.add(name, _("Enter a whole number, 0 or more."))
        if not errors and not (deadline.days or deadline.hours):
            errors.add("days", _("Give at least one day or one hour."))
        if ReplyDeadline.objects.filter(source=deadline.source).exclude(pk=deadline.pk).exists():
            errors.add("source", _("This source already has a reply deadline."))
        errors.raise_if_any()
        deadline.basis = parse_text(deadline.basis, field="basis", max_length=300)
        after = {f: getattr(deadline, f) for f in REPLY_DEADLINE_FIELDS}
        if before == after:
            return deadline
        deadline.save()
        audit_record(
            actor=actor,
            action="complaints.reply_deadline_saved",
            thread=REPLY_DEADLINES_THREAD,
            target=f"reply_deadline:{deadline.source}",
            before=before,
            after=after,
        )
    return deadline


@refusals_audited
def reply_deadline_delete(*, actor: Actor, deadline: ReplyDeadline) -> None:
    """Remove a source's row (the shipped default applies again), audited."""
    action = "complaints.reply_deadline_delete"
    check_may_configure(actor, action=action)
    with transaction.atomic():
        before = {f: getattr(deadline, f) for f in REPLY_DEADLINE_FIELDS}
        ReplyDeadline.objects.filter(pk=deadline.pk).delete()
        audit_record(
            actor=actor,
            action="complaints.reply_deadline_deleted",
            thread=REPLY_DEADLINES_THREAD,
            target=f"reply_deadline:{before['source']}",
            before=before,
        )

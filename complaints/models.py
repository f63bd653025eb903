"""Complaints and petitions (投诉 / 信访): a complaint, the incidents it is linked to, the
level above's compliance reviews, the documents kept, and the reply deadline per source."""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from fraudops.core.models import ApiClient, OrgUnit, User
from incidents.choices import IdType

from .choices import (
    OPEN_STATES,
    REPLY_OWED_STATES,
    ComplaintOutcome,
    ComplaintSource,
    ComplaintState,
    ReplyChannel,
    ReviewConclusion,
)

S = ComplaintState


class ReplyDeadline(models.Model):
    """How long the bank has to reply to a complaint from one source, from its receipt
    (calendar time). Head office edits it in the admin (`reply_deadline_save`, audited); the
    defaults are shipped by migration 0002 (docs/complaints.md says why each)."""

    source = models.CharField(
        _("source"), max_length=32, choices=ComplaintSource.choices, unique=True
    )
    days = models.PositiveSmallIntegerField(_("days"), default=0)
    hours = models.PositiveSmallIntegerField(_("hours"), default=0)
    basis = models.CharField(
        _("basis"),
        max_length=300,
        blank=True,
        help_text=_("Why this deadline (the rule or the bank's own target)."),
    )

    class Meta:
        verbose_name = _("reply deadline")
        verbose_name_plural = _("reply deadlines")
        ordering = ["source"]
        constraints = [
            models.CheckConstraint(
                condition=Q(days__gt=0) | Q(hours__gt=0), name="replydeadline_not_zero"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()}: {self.days} d {self.hours} h"

    @property
    def duration(self) -> datetime.timedelta:
        return datetime.timedelta(days=self.days, hours=self.hours)


class Complaint(ConcurrentTransitionMixin, models.Model):
    """A complaint or petition: who, from where, what they ask, the unit that answers it and
    by when, the investigation, the reply (drafted by one person, signed off by another) and
    the outcome."""

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    source = models.CharField(_("source"), max_length=32, choices=ComplaintSource.choices)
    reference = models.CharField(
        _("reference"),
        max_length=64,
        blank=True,
        help_text=_("The transferring office's own file number (信访件编号), if any."),
    )
    received_at = models.DateTimeField(_("received at"))
    unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("responsible unit"),
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    complainant_name = models.CharField(_("complainant's name"), max_length=64, blank=True)
    complainant_id_type = models.CharField(
        _("document type"), max_length=20, choices=IdType.choices, blank=True
    )
    complainant_id_number = models.CharField(
        _("document number"), max_length=32, blank=True, db_index=True
    )
    complainant_phone = models.CharField(_("phone"), max_length=32, blank=True)
    request = models.TextField(_("what they ask"))
    due_at = models.DateTimeField(_("reply due at"), db_index=True)
    state = FSMField(_("state"), default=S.RECEIVED, choices=S.choices, protected=True)

    filed_at = models.DateTimeField(_("filed at"), default=timezone.now)
    filed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    filed_by_client = models.ForeignKey(
        ApiClient, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    findings = models.TextField(_("investigation findings"), blank=True)
    investigated_at = models.DateTimeField(_("investigated at"), null=True, blank=True)
    investigated_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    reply_text = models.TextField(_("reply"), blank=True)
    reply_drafted_at = models.DateTimeField(_("reply drafted at"), null=True, blank=True)
    reply_drafted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reply_signed_off_at = models.DateTimeField(_("reply signed off at"), null=True, blank=True)
    reply_signed_off_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reply_sent_at = models.DateTimeField(_("reply sent at"), null=True, blank=True)
    reply_sent_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reply_channel = models.CharField(
        _("sent through"), max_length=32, choices=ReplyChannel.choices, blank=True
    )

    outcome = models.CharField(
        _("outcome"), max_length=20, choices=ComplaintOutcome.choices, blank=True
    )
    outcome_note = models.TextField(_("outcome note"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["state", "due_at"], name="complaint_state_due")]
        constraints = [
            # Four-eyes in the database too: whoever drafted the reply never signs it off.
            models.CheckConstraint(
                condition=Q(reply_signed_off_by__isnull=True)
                | Q(reply_drafted_by__isnull=True)
                | ~Q(reply_signed_off_by=F("reply_drafted_by")),
                name="complaint_signoff_not_drafter",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def thread(self) -> str:
        return f"complaint:{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def reply_owed(self) -> bool:
        return self.state in REPLY_OWED_STATES

    @property
    def is_overdue(self) -> bool:
        return self.reply_owed and self.due_at < timezone.now()

    # --- transitions: state changes only; the services check who and audit ---------------

    @transition(field=state, source=[S.RECEIVED, S.INVESTIGATING], target=S.INVESTIGATING)
    def investigate(self, *, findings: str, by: User | None) -> None:
        self.findings = findings
        self.investigated_at = timezone.now()
        self.investigated_by = by

    @transition(field=state, source=[S.INVESTIGATING, S.REPLY_DRAFTED], target=S.REPLY_DRAFTED)
    def draft_reply(self, *, text: str, by: User | None) -> None:
        self.reply_text = text
        self.reply_drafted_at = timezone.now()
        self.reply_drafted_by = by

    @transition(field=state, source=S.REPLY_DRAFTED, target=S.REPLY_SIGNED_OFF)
    def sign_off(self, *, by: User) -> None:
        self.reply_signed_off_at = timezone.now()
        self.reply_signed_off_by = by

    @transition(field=state, source=S.REPLY_SIGNED_OFF, target=S.SENT)
    def send(self, *, channel: str, by: User | None) -> None:
        self.reply_channel = channel
        self.reply_sent_at = timezone.now()
        self.reply_sent_by = by

    @transition(field=state, source=S.SENT, target=S.CLOSED)
    def close(self, *, outcome: str, note: str, by: User | None) -> None:
        self.outcome = outcome
        self.outcome_note = note
        self.closed_at = timezone.now()
        self.closed_by = by

    @transition(field=state, source=REPLY_OWED_STATES, target=S.WITHDRAWN)
    def withdraw(self, *, reason: str, by: User | None) -> None:
        self.outcome = ComplaintOutcome.WITHDRAWN
        self.outcome_note = reason
        self.closed_at = timezone.now()
        self.closed_by = by


class ComplaintIncident(models.Model):
    """A complaint linked to an incident (made before or after it); unlinking keeps the row
    with who, when and why."""

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="incident_links"
    )
    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.PROTECT, related_name="complaint_links"
    )
    note = models.TextField(_("note"), blank=True)
    linked_at = models.DateTimeField(_("linked at"), default=timezone.now)
    linked_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    linked_by_client = models.ForeignKey(
        ApiClient, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unlinked_at = models.DateTimeField(_("unlinked at"), null=True, blank=True)
    unlinked_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unlink_reason = models.TextField(_("reason for unlinking"), blank=True)

    class Meta:
        verbose_name = _("complaint's incident")
        verbose_name_plural = _("complaints' incidents")
        ordering = ["linked_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["complaint", "incident"],
                condition=Q(unlinked_at__isnull=True),
                name="complaint_incident_one_live_link",
            ),
            models.CheckConstraint(
                condition=Q(unlinked_at__isnull=True) | ~Q(unlink_reason=""),
                name="complaint_incident_unlink_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id} → {self.incident_id}"

    @property
    def is_live(self) -> bool:
        return self.unlinked_at is None


class ComplaintReview(models.Model):
    """A finding of the level above the responsible unit (the sub-branch's compliance review
    of how the outlet handled the business complained of)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="reviews")
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    conclusion = models.CharField(_("conclusion"), max_length=20, choices=ReviewConclusion.choices)
    finding = models.TextField(_("finding"))
    reviewed_at = models.DateTimeField(_("reviewed at"), default=timezone.now)
    reviewed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("compliance review")
        verbose_name_plural = _("compliance reviews")
        ordering = ["reviewed_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_conclusion_display()} ({self.reviewed_at:%Y-%m-%d})"


def document_upload_to(instance: ComplaintDocument, filename: str) -> str:
    # Files are written by the service (`documents.py`), which names them itself.
    return f"complaints/{filename}"


class ComplaintDocument(models.Model):
    """A document kept with a complaint (the petition, account-opening forms, the signed
    reply), checked like incident evidence (type by content, size)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(_("file"), upload_to=document_upload_to, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    description = models.CharField(_("description"), max_length=500, blank=True)
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    uploaded_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("complaint document")
        verbose_name_plural = _("complaint documents")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name

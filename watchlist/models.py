"""The watch list (运营关注名单): entries, nominations, lookup keys, the change feed, the
screening log, hits on incidents, CSV imports and head office's settings.

State changes go through watchlist/services/; the FSM transitions here hold only the
change of state.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from fraudops.core.models import OrgUnit

from .choices import (
    ChangeAction,
    Decision,
    EntryKind,
    EntryStatus,
    HitSource,
    ImportStatus,
    KeyKind,
    NameKeyKind,
    NominationStatus,
    ScreeningChannel,
)
from .subjects import subject_display

#: The longest reason, note or decision the services accept (characters; refused beyond).
MAX_REASON = 2000


class WatchlistSettings(models.Model):
    """Head office's knobs, one row (pk=1), edited in the admin."""

    name_review_threshold = models.DecimalField(
        _("name review threshold"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.75"),
        help_text=_(
            "A name-only match at or above this score (0.50 to 1.00) is answered “review”. "
            "Typing errors score about 0.80, homophones and pinyin about 0.90, the same "
            "name 1.00."
        ),
    )
    review_period_days = models.PositiveSmallIntegerField(
        _("review period (days)"),
        default=365,
        help_text=_("A newly published entry comes up for review after this many days."),
    )
    nomination_decision_days = models.PositiveSmallIntegerField(
        _("nomination decision time (days)"),
        default=3,
        help_text=_("Head office decides a nomination within this many days."),
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("watch-list settings")
        verbose_name_plural = _("watch-list settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(name_review_threshold__gte=Decimal("0.50"))
                & Q(name_review_threshold__lte=Decimal("1.00")),
                name="watchlist_settings_threshold_range",
            ),
            models.CheckConstraint(
                condition=Q(review_period_days__gte=1) & Q(nomination_decision_days__gte=1),
                name="watchlist_settings_periods_positive",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Watch-list settings"))


class Subject(models.Model):
    """What an entry (or a nomination for one) is about. Which fields apply depends on the
    kind (see watchlist/subjects.py); the others stay blank. Values are stored normalised."""

    kind = models.CharField(_("kind"), max_length=20, choices=EntryKind.choices)
    name = models.CharField(_("name"), max_length=200, blank=True)
    id_number = models.CharField(_("resident ID number"), max_length=18, blank=True)
    documents = models.JSONField(_("other documents"), default=list, blank=True)
    org_code = models.CharField(
        _("unified social credit code or organisation code"), max_length=18, blank=True
    )
    account_number = models.CharField(_("account or card number"), max_length=32, blank=True)
    holder_name = models.CharField(_("account holder"), max_length=64, blank=True)
    bank_name = models.CharField(_("bank"), max_length=100, blank=True)
    phone = models.CharField(_("phone number"), max_length=20, blank=True)
    url = models.CharField(_("web address"), max_length=500, blank=True)
    domain = models.CharField(_("registrable domain"), max_length=255, blank=True)
    match_whole_domain = models.BooleanField(
        _("match the whole domain"),
        default=True,
        help_text=_(
            "Every address on this registrable domain hits. Untick for a page on a shared "
            "host (a cloud drive, a blog platform)."
        ),
    )
    reference_number = models.CharField(_("bill number"), max_length=40, blank=True)
    features = models.TextField(_("features"), blank=True)
    # kind + the subject's main normalised value: "one open nomination / active entry per value".
    value_key = models.CharField(max_length=300, editable=False)

    class Meta:
        abstract = True


class Entry(ConcurrentTransitionMixin, Subject):
    """A published watch-list entry."""

    status = FSMField(
        _("status"),
        max_length=16,
        default=EntryStatus.ACTIVE,
        choices=EntryStatus.choices,
        protected=True,
    )
    reason = models.TextField(_("reason for listing"))
    source_incident = models.ForeignKey(
        "incidents.Incident",
        verbose_name=_("source incident"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="watchlist_entries",
    )
    nominating_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("nominating unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("nominated by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    import_job = models.ForeignKey(
        "ImportJob", null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    review_on = models.DateField(_("review on"))
    expires_on = models.DateField(
        _("expires on"),
        null=True,
        blank=True,
        help_text=_("Last day the entry is active; empty: until removed."),
    )
    last_reviewed_at = models.DateTimeField(_("last reviewed"), null=True, blank=True)
    last_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    removal_reason = models.TextField(_("reason for removal"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The name as the matcher compares it, so scoring never runs pypinyin on candidates.
    match_name = models.CharField(max_length=200, blank=True, editable=False)
    match_syllables = models.CharField(max_length=400, blank=True, editable=False)
    match_canonical = models.CharField(max_length=400, blank=True, editable=False)

    class Meta:
        verbose_name = _("watch-list entry")
        verbose_name_plural = _("watch-list entries")
        ordering = ["-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["value_key"],
                condition=Q(status="active"),
                name="watchlist_entry_one_active_per_value",
            ),
            models.CheckConstraint(
                condition=~Q(status="removed") | ~Q(removal_reason=""),
                name="watchlist_entry_removal_needs_reason",
            ),
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True)
                | Q(nominated_by__isnull=True)
                | ~Q(decided_by=F("nominated_by")),
                name="watchlist_entry_decider_not_nominator",
            ),
        ]
        indexes = [
            models.Index(
                fields=["review_on"],
                condition=Q(status="active"),
                name="watchlist_entry_review_due",
            ),
            models.Index(
                fields=["expires_on"],
                condition=Q(status="active", expires_on__isnull=False),
                name="watchlist_entry_expiry_due",
            ),
            models.Index(fields=["kind", "status"], name="watchlist_entry_kind_status"),
            # The list, newest first.
            models.Index(fields=["-published_at", "-id"], name="watchlist_entry_published"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()} {self.display_value}"

    @property
    def thread(self) -> str:
        return f"watchlist:{self.pk}"

    @property
    def display_value(self) -> str:
        return subject_display(self)

    @property
    def is_active(self) -> bool:
        return self.status == EntryStatus.ACTIVE

    @transition(field=status, source=EntryStatus.ACTIVE, target=EntryStatus.REMOVED)
    def remove(self, *, reason: str, by, at) -> None:
        self.removal_reason = reason
        self.removed_by = by
        self.removed_at = at

    @transition(field=status, source=EntryStatus.ACTIVE, target=EntryStatus.EXPIRED)
    def expire(self) -> None:
        pass


class EntryKey(models.Model):
    """Exact identifier keys of active entries: (kind, normalised value) -> entry.

    Narrow on purpose: an exact screening is one probe of the (kind, value, entry) index
    per identifier. Rows exist only while their entry is active.
    """

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="keys")
    kind = models.CharField(max_length=8, choices=KeyKind.choices)
    value = models.CharField(max_length=255)

    class Meta:
        verbose_name = _("identifier key")
        verbose_name_plural = _("identifier keys")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "value", "entry"], name="watchlist_key_kind_value_entry"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"


class NameKey(models.Model):
    """Name keys of active entries for candidate lookup (see watchlist/matching.py)."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="name_keys")
    kind = models.CharField(max_length=2, choices=NameKeyKind.choices)
    value = models.CharField(max_length=200)

    class Meta:
        verbose_name = _("name key")
        verbose_name_plural = _("name keys")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "value", "entry"], name="watchlist_namekey_kind_value_entry"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"


class Nomination(ConcurrentTransitionMixin, Subject):
    """A request, usually from a sub-branch and an incident, to list a subject.

    Head office approves (publishing the entry) or rejects it with a reason; never the
    person who nominated (four-eyes, also a database constraint).
    """

    status = FSMField(
        _("status"),
        max_length=16,
        default=NominationStatus.OPEN,
        choices=NominationStatus.choices,
        protected=True,
    )
    reason = models.TextField(_("reason for listing"))
    source_incident = models.ForeignKey(
        "incidents.Incident",
        verbose_name=_("source incident"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="watchlist_nominations",
    )
    # What on the incident it came from ("party:12", "account:3", "vehicle:5").
    source_ref = models.CharField(max_length=32, blank=True)
    nominating_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("nominating unit"), on_delete=models.PROTECT, related_name="+"
    )
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("nominated by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("nominated at"), default=timezone.now)
    due_at = models.DateTimeField(_("decide by"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    review_on = models.DateField(_("review on"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    entry = models.ForeignKey(
        Entry,
        verbose_name=_("published entry"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="nominations",
    )

    class Meta:
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["value_key"],
                condition=Q(status="open"),
                name="watchlist_nomination_one_open_per_value",
            ),
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("nominated_by")),
                name="watchlist_nomination_decider_not_nominator",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["open", "withdrawn"]) | ~Q(decision_reason=""),
                name="watchlist_nomination_decision_needs_reason",
            ),
        ]
        indexes = [
            models.Index(
                fields=["due_at"], condition=Q(status="open"), name="watchlist_nomination_open"
            ),
            models.Index(fields=["source_incident"], name="watchlist_nomination_incident"),
        ]

    def __str__(self) -> str:
        return f"N-{self.pk} {self.get_kind_display()}"

    @property
    def thread(self) -> str:
        return f"watchlist-nomination:{self.pk}"

    @property
    def display_value(self) -> str:
        return subject_display(self)

    @property
    def is_open(self) -> bool:
        return self.status == NominationStatus.OPEN

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_at < timezone.now()

    @transition(field=status, source=NominationStatus.OPEN, target=NominationStatus.APPROVED)
    def approve(self) -> None:
        pass

    @transition(field=status, source=NominationStatus.OPEN, target=NominationStatus.REJECTED)
    def reject(self) -> None:
        pass

    @transition(field=status, source=NominationStatus.OPEN, target=NominationStatus.WITHDRAWN)
    def withdraw(self) -> None:
        pass


class EntryChange(models.Model):
    """The change feed core banking follows: one row per publish, update, removal, expiry.

    `seq` is allocated under a row lock held to commit (see services.locks, lock 4), so
    it increases in commit order and a reader never skips a change committed late.
    """

    seq = models.BigIntegerField(unique=True)
    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="changes")
    action = models.CharField(max_length=10, choices=ChangeAction.choices)
    at = models.DateTimeField(default=timezone.now)
    data = models.JSONField(default=dict, encoder=DjangoJSONEncoder)

    class Meta:
        verbose_name = _("watch-list change")
        verbose_name_plural = _("watch-list changes")
        ordering = ["seq"]

    def __str__(self) -> str:
        return f"{self.seq} {self.action} #{self.entry_id}"


class ScreeningLog(models.Model):
    """Every screening, for audit: who, when, a keyed digest of what (never the raw PII),
    and the decision. Append-only."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    channel = models.CharField(max_length=10, choices=ScreeningChannel.choices)
    client = models.ForeignKey(
        "core.ApiClient", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        OrgUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    incident = models.ForeignKey(
        "incidents.Incident", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    party_count = models.PositiveSmallIntegerField(default=0)
    decision = models.CharField(max_length=8, choices=Decision.choices)
    decisions = models.JSONField(default=list)
    digests = models.JSONField(default=list)
    hit_entry_ids = models.JSONField(default=list)
    duration_ms = models.PositiveIntegerField(default=0)
    complete = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("screening log")
        verbose_name_plural = _("screening logs")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.channel} {self.decision}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise RuntimeError("Screening logs are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("Screening logs are append-only.")


class IncidentScreeningHit(models.Model):
    """A party, account or vehicle of a newly filed incident that matched an entry."""

    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.CASCADE, related_name="watchlist_hits"
    )
    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="incident_hits")
    source = models.CharField(max_length=10, choices=HitSource.choices)
    source_id = models.PositiveBigIntegerField()
    field = models.CharField(max_length=20)
    value = models.CharField(_("screened value"), max_length=500, blank=True)
    score = models.DecimalField(max_digits=3, decimal_places=2)
    reason = models.CharField(max_length=30)
    decision = models.CharField(max_length=8, choices=Decision.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("incident screening hit")
        verbose_name_plural = _("incident screening hits")
        ordering = ["incident", "-score", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "entry", "source", "source_id", "field"],
                name="watchlist_hit_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.incident_id} -> #{self.entry_id} ({self.reason})"


def import_upload_to(instance: ImportJob, filename: str) -> str:
    return f"watchlist/imports/{timezone.now():%Y%m%d%H%M%S}-{filename}"


class ImportJob(models.Model):
    """A bulk CSV import by head office: checked row by row, then published all at once or
    not at all. A Celery task runs it; the page polls its progress."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    file = models.FileField(_("CSV file"), upload_to=import_upload_to)
    original_name = models.CharField(max_length=255)
    reason = models.TextField(_("reason for listing (default for rows without one)"), blank=True)
    status = models.CharField(
        max_length=12, choices=ImportStatus.choices, default=ImportStatus.PENDING
    )
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    error_report = models.TextField(blank=True)
    message = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("watch-list import")
        verbose_name_plural = _("watch-list imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.FAILED)

    @property
    def percent(self) -> int:
        if self.status == ImportStatus.DONE:
            return 100
        if not self.total_rows:
            return 0
        return min(99, int(100 * self.processed_rows / self.total_rows))

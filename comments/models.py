"""Comments: an internal thread on any registered subject (an incident, a complaint).

A comment's subject is generic (content type and id, like `clocks.Clock`'s), and it keeps the
subject's audit `thread` so that the subject's timeline and live pages see it. An edit keeps
the text it replaces as a `CommentRevision`; a file is a `CommentFile` in the evidence store
(the same checks, storage and orphan sweep as an incident's evidence); a person mentioned is a
`CommentMention`, one per comment and person, so a mention is notified once however often the
comment is edited.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from incidents.services.evidence import evidence_storage


class Comment(models.Model):
    subject_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    subject_id = models.PositiveBigIntegerField()
    # The subject's audit thread ("incident:42"), kept on the row for the audit and the API.
    thread = models.CharField(max_length=64)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="comments",
    )
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("posted at"), default=timezone.now)
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)
    # How many times the text was edited (each earlier text is a CommentRevision).
    revision = models.PositiveIntegerField(_("edits"), default=0)
    retracted_at = models.DateTimeField(_("retracted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(
                fields=["subject_type", "subject_id", "created_at"], name="comment_subject"
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(body=""), name="comment_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.thread} #{self.pk}"

    @property
    def anchor(self) -> str:
        return f"comment-{self.pk}"


class CommentRevision(models.Model):
    """A text the comment had before an edit: kept, and shown in its history."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("version"))
    body = models.TextField(_("text"))
    written_at = models.DateTimeField(_("written at"))
    replaced_at = models.DateTimeField(_("replaced at"), default=timezone.now)

    class Meta:
        verbose_name = _("earlier version of a comment")
        verbose_name_plural = _("earlier versions of comments")
        ordering = ["comment", "number"]
        constraints = [
            models.UniqueConstraint(fields=["comment", "number"], name="comment_revision_once"),
        ]

    def __str__(self) -> str:
        return f"{self.comment_id} v{self.number}"


class CommentFile(models.Model):
    """A file attached to a comment, checked and stored like evidence (its storage, its
    type and size checks, its staging before the lock, its orphan sweep)."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("file"), storage=evidence_storage, max_length=255)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("comment file")
        verbose_name_plural = _("comment files")
        ordering = ["comment", "id"]
        indexes = [
            # The orphan sweep asks "which of these stored names have a row?".
            models.Index(fields=["file"], name="comment_file_name"),
        ]

    def __str__(self) -> str:
        return self.original_name


class CommentMention(models.Model):
    """A person mentioned in a comment: one row per comment and person, made (and
    notified) the first time the mention appears."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="mentions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("mention")
        verbose_name_plural = _("mentions")
        ordering = ["comment", "id"]
        constraints = [
            models.UniqueConstraint(fields=["comment", "user"], name="comment_mention_once"),
        ]

    def __str__(self) -> str:
        return f"{self.comment_id} @{self.user_id}"

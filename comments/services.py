"""Writes on comments. Each runs in one transaction: the subject's row locked first (its
registration's `lock`), the checks, the change, the audit event on the subject's thread
(so its timeline and open pages see it) and the mention notices through the outbox.

Files reach the evidence storage before the lock (`incidents.services.evidence`: the same
checks by content and size, the same staging); a refused or rolled-back write deletes them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from fraudops.core.actors import Actor
from fraudops.core.audit import audit_record
from fraudops.core.errors import InvalidInput, NotFound, PermissionRefused
from fraudops.core.i18n import bilingual_fields, pick
from fraudops.core.models import User
from fraudops.core.parsing import FieldErrors, parse_prose
from fraudops.core.services import refusals_audited
from incidents.services.evidence import StagedFile, Upload, evidence_stage, evidence_unstage
from notifications.choices import Tone
from notifications.services import Message, notification_send

from . import permissions
from .mentions import mentioned_usernames
from .models import Comment, CommentFile, CommentMention, CommentRevision
from .subjects import Subject, subject_by_label, subject_for

BODY_MAX = 5000
FILES_MAX = 5
EXCERPT = 200

MENTION_TITLE = gettext_noop("%(author)s mentioned you in a comment on %(subject)s")


def excerpt(text: str, limit: int = EXCERPT) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _stage(files: Iterable[Upload], errors: FieldErrors) -> list[StagedFile]:
    staged = []
    for upload in files:
        if isinstance(upload, StagedFile):
            staged.append(upload)
            continue
        try:
            staged.append(evidence_stage(upload, field="files"))
        except InvalidInput as exc:
            for message in exc.fields.get("files", []) or [str(exc.message)]:
                errors.add("files", message)
    return staged


def _mentioned(*, subject: Subject, obj: Any, body: str, errors: FieldErrors) -> list[User]:
    """The people `body` mentions. A name nobody has, or a person who cannot read the
    subject, refuses the comment naming them: a mention promises that they will be told,
    and telling someone about a subject they cannot open would reveal it."""
    names = mentioned_usernames(body)
    if not names:
        return []
    people = {user.username: user for user in User.objects.filter(username__in=names)}
    unknown = [name for name in names if name not in people]
    readers = set(
        subject.people_who_may_read(obj)
        .filter(pk__in=[user.pk for user in people.values()])
        .values_list("pk", flat=True)
    )
    outside = [name for name in names if name in people and people[name].pk not in readers]
    if unknown:
        errors.add(
            "body",
            _("Nobody here is called %(names)s: check the spelling of the mention.")
            % {"names": ", ".join(f"@{name}" for name in unknown)},
        )
    if outside:
        errors.add(
            "body",
            _(
                "%(names)s cannot see this and would not be told: remove the mention, or "
                "tell them another way."
            )
            % {
                "names": ", ".join(
                    f"{people[name].display_name or name} (@{name})" for name in outside
                )
            },
        )
    return [people[name] for name in names if name in people and people[name].pk in readers]


def _mention_notify(
    *, actor: Actor, subject: Subject, obj: Any, comment: Comment, people: Sequence[User]
) -> list[User]:
    """Record and notify the people newly mentioned in `comment` (not its author, not those
    already mentioned in it): one CommentMention and one notification per person, ever."""
    already = set(comment.mentions.values_list("user_id", flat=True))
    new = [
        user
        for user in people
        if user.pk not in already and (actor.user is None or user.pk != actor.user.pk)
    ]
    if not new:
        return []
    CommentMention.objects.bulk_create(
        [CommentMention(comment=comment, user=user) for user in new], ignore_conflicts=True
    )
    author = comment.author.display_name or comment.author.username
    zh_title, en_title = subject.title(obj)
    url = f"{subject.url(obj)}#{comment.anchor}"
    fields = bilingual_fields(
        lambda: {"author": author, "subject": pick(zh_title, en_title)}, title=MENTION_TITLE
    )
    for user in new:
        notification_send(
            message=Message(
                key=f"comment:{comment.pk}:mention:{user.pk}",
                title_zh=fields["title_zh"],
                title_en=fields["title_en"],
                body_zh=excerpt(comment.body),
                body_en=excerpt(comment.body),
                url=url,
                thread=comment.thread,
                kind="comment.mention",
                tone=Tone.INFO,
                user_ids=(user.pk,),
            )
        )
    return new


def _files_rows(comment: Comment, staged: Sequence[StagedFile]) -> list[CommentFile]:
    return [
        CommentFile.objects.create(
            comment=comment,
            file=item.name,
            original_name=item.original_name,
            content_type=item.content_type,
            size=item.size,
            sha256=item.sha256,
        )
        for item in staged
    ]


@refusals_audited
def comment_add(*, actor: Actor, subject: Any, body: Any, files: Iterable[Upload] = ()) -> Comment:
    """Post a comment on `subject` (a registered object: an incident, a complaint), with
    files (checked and stored like evidence) and @mentions (each person who may read the
    subject is told once; a mention of anyone else refuses the comment, naming them)."""
    action = "comment.add"
    registration = subject_for(subject)
    errors = FieldErrors()
    uploads = list(files)
    if len(uploads) > FILES_MAX:
        errors.add("files", _("Attach at most %(count)d files.") % {"count": FILES_MAX})
        uploads = []
    staged = _stage(uploads, errors)
    try:
        with transaction.atomic():
            obj = registration.lock(subject)
            registration.check_may_comment(actor, obj, action)
            author = actor.user
            if author is None:  # a subject's rule that let an API client through
                raise PermissionRefused(
                    _("Comments are posted by staff; an API client reads them only."),
                    thread=registration.thread(obj),
                    action=action,
                )
            text = errors.collect(
                parse_prose, body, field="body", max_length=BODY_MAX, required=True, fallback=""
            )
            people = _mentioned(subject=registration, obj=obj, body=text, errors=errors)
            errors.raise_if_any()
            comment = Comment.objects.create(
                subject_type=ContentType.objects.get_for_model(obj),
                subject_id=obj.pk,
                thread=registration.thread(obj),
                author=author,
                body=text,
            )
            rows = _files_rows(comment, staged)
            told = _mention_notify(
                actor=actor, subject=registration, obj=obj, comment=comment, people=people
            )
            audit_record(
                actor=actor,
                action="comment.added",
                thread=comment.thread,
                target=f"comment:{comment.pk}",
                after={"body": text, "files": [row.original_name for row in rows]},
                data={
                    "comment": comment.pk,
                    "mentioned": [user.username for user in people],
                    "notified": [user.username for user in told],
                    "files": [{"name": r.original_name, "sha256": r.sha256} for r in rows],
                },
            )
    except BaseException:
        evidence_unstage(staged)
        raise
    return comment


def _comment_lock(*, comment: Comment | int) -> tuple[Subject, Any, Comment]:
    """The comment's subject locked (subject first, as every write on it), then the
    comment row."""
    comment_id = comment.pk if isinstance(comment, Comment) else comment
    found = Comment.objects.select_related("subject_type").filter(pk=comment_id).first()
    if found is None:
        raise NotFound(_("No such comment."))
    registration = subject_by_label(f"{found.subject_type.app_label}.{found.subject_type.model}")
    model = found.subject_type.model_class()
    obj = model._default_manager.filter(pk=found.subject_id).first() if model else None
    if registration is None or obj is None:
        raise NotFound(_("No such comment."))
    obj = registration.lock(obj)
    comment = Comment.objects.select_for_update().select_related("author").get(pk=comment_id)
    return registration, obj, comment


@refusals_audited
def comment_edit(*, actor: Actor, comment: Comment | int, body: Any) -> Comment:
    """Change a comment's text: only its author, within the edit window
    (`FRAUDOPS_COMMENT_EDIT_MINUTES` from posting). The text it replaces is kept as a
    revision; people it newly mentions are told (those mentioned before are not told
    again)."""
    action = "comment.edit"
    errors = FieldErrors()
    with transaction.atomic():
        registration, obj, comment = _comment_lock(comment=comment)
        registration.check_may_read(actor, obj)
        permissions.check_may_change(
            actor, subject=registration, obj=obj, comment=comment, action=action
        )
        text = errors.collect(
            parse_prose, body, field="body", max_length=BODY_MAX, required=True, fallback=""
        )
        people = _mentioned(subject=registration, obj=obj, body=text, errors=errors)
        errors.raise_if_any()
        if text == comment.body:
            return comment
        now = timezone.now()
        CommentRevision.objects.create(
            comment=comment,
            number=comment.revision + 1,
            body=comment.body,
            written_at=comment.edited_at or comment.created_at,
            replaced_at=now,
        )
        before = comment.body
        comment.body = text
        comment.edited_at = now
        comment.revision += 1
        comment.save(update_fields=["body", "edited_at", "revision"])
        told = _mention_notify(
            actor=actor, subject=registration, obj=obj, comment=comment, people=people
        )
        audit_record(
            actor=actor,
            action="comment.edited",
            thread=comment.thread,
            target=f"comment:{comment.pk}",
            before={"body": before},
            after={"body": text},
            data={
                "comment": comment.pk,
                "revision": comment.revision,
                "notified": [user.username for user in told],
            },
        )
    return comment


@refusals_audited
def comment_retract(*, actor: Actor, comment: Comment | int) -> Comment:
    """Withdraw a comment (its author, within the edit window): the page shows that it was
    retracted; its text stays in its history and the audit trail."""
    action = "comment.retract"
    with transaction.atomic():
        registration, obj, comment = _comment_lock(comment=comment)
        registration.check_may_read(actor, obj)
        permissions.check_may_change(
            actor, subject=registration, obj=obj, comment=comment, action=action
        )
        comment.retracted_at = timezone.now()
        comment.save(update_fields=["retracted_at"])
        audit_record(
            actor=actor,
            action="comment.retracted",
            thread=comment.thread,
            target=f"comment:{comment.pk}",
            data={"comment": comment.pk},
        )
    return comment

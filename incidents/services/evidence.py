"""Evidence files: a photo of a fake card, a police receipt, a scan, attached to the
incident or to one evidence field of one of its steps, after checking the file's type by
content and its size.

**Files reach storage before the incident is locked.** Writing a file can be slow (a
network store, a large scan); it must never hold the incident's row lock. So a write that
carries files goes in two stages:

1. `evidence_stage` checks the file, computes its SHA-256 and writes it to the evidence
   storage, outside any transaction, and returns a `StagedFile` (where it is, what it is);
2. the service then locks the incident, checks who may act and what was sent, and creates
   the `Evidence` rows pointing at the staged files, in the same transaction as the rest of
   the write (`evidence_rows_create`).

When the write is refused or rolls back, the service deletes the files it was given
(`evidence_unstage`; `transaction.on_commit` cannot fire on a rollback, so the services
wrap their `atomic()` in try/except). A crash between the stages leaves a file with no row:
the hourly `evidence_orphans_sweep` deletes files in the evidence storage that no row points
at, once they are older than `EVIDENCE_ORPHAN_MINUTES` (and no app that keeps its own files
here, `register_stored_files`, points at them).
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import os
import posixpath
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import Storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fraudops.core.actors import Actor
from fraudops.core.audit import audit_record
from fraudops.core.errors import InvalidInput, NotFound
from fraudops.core.parsing import FieldErrors, parse_text
from fraudops.core.services import refusals_audited
from workflows.choices import EvidenceType

from .. import permissions
from ..models import Evidence, Incident, Task
from .locks import incident_lock

logger = logging.getLogger(__name__)

# Where the evidence storage keeps files (every name starts with it).
EVIDENCE_PREFIX = "evidence"


@dataclass(frozen=True)
class StagedFile:
    """A checked file already in the evidence storage, not yet the evidence of anything."""

    name: str  # its name in the storage
    original_name: str
    content_type: str
    size: int
    sha256: str


# What a service accepts as a file: an upload (staged by the service, before its lock) or
# a file the caller staged itself.
Upload: TypeAlias = "File[bytes] | StagedFile"


def evidence_storage() -> Storage:
    """The storage evidence files live in: the `Evidence.file` field's."""
    storage: Storage = Evidence._meta.get_field("file").storage
    return storage


def _sniff_content_type(head: bytes) -> str | None:
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return "text/plain"


def file_check(uploaded_file: File[bytes], *, field: str = "file") -> tuple[str, str]:
    """The file's name and content type after checking its size and its type by content
    (InvalidInput naming `field` otherwise)."""
    name = os.path.basename(uploaded_file.name or "upload") or "upload"
    extension = os.path.splitext(name)[1].lower()
    allowed: dict[str, list[str]] = settings.EVIDENCE_CONTENT_TYPES
    if uploaded_file.size is not None and uploaded_file.size > settings.EVIDENCE_MAX_BYTES:
        raise InvalidInput(
            fields={
                field: [
                    _("The file is too large: at most %(mb)d MB.")
                    % {"mb": settings.EVIDENCE_MAX_BYTES // (1024 * 1024)}
                ]
            }
        )
    uploaded_file.seek(0)
    head = uploaded_file.read(2048)
    uploaded_file.seek(0)
    sniffed = _sniff_content_type(head)
    if sniffed == "text/plain" and extension == ".csv":
        sniffed = "text/csv"
    if sniffed is None or sniffed not in allowed or extension not in allowed[sniffed]:
        raise InvalidInput(
            fields={field: [_("Attach a PDF, JPEG, PNG, text or CSV file; this one is not.")]}
        )
    return name, sniffed


def file_sha256(uploaded_file: File[bytes]) -> str:
    """The SHA-256 of a file's content (read in chunks; the file is rewound)."""
    digest = hashlib.sha256()
    uploaded_file.seek(0)
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    uploaded_file.seek(0)
    return digest.hexdigest()


def evidence_stage(uploaded_file: File[bytes], *, field: str = "file") -> StagedFile:
    """Check a file (size, type by content; refusals name `field`) and write it to the
    evidence storage. Call it outside any transaction, before the service's lock; whoever
    stages a file hands it to a service, which owns it from then on (`evidence_unstage`)."""
    name, content_type = file_check(uploaded_file, field=field)
    sha256 = file_sha256(uploaded_file)
    now = timezone.now()
    storage = evidence_storage()
    # A fresh name per file: the day it came, a random part, the name as given. The storage
    # cleans the name and shortens it to the field's length if it must.
    wanted = posixpath.join(
        EVIDENCE_PREFIX,
        f"{now:%Y/%m/%d}",
        f"{uuid.uuid4().hex[:16]}-{storage.get_valid_name(name)}",
    )
    max_length = Evidence._meta.get_field("file").max_length
    stored = storage.save(wanted, uploaded_file, max_length=max_length)
    size = uploaded_file.size if uploaded_file.size is not None else storage.size(stored)
    return StagedFile(
        name=stored, original_name=name[:255], content_type=content_type, size=size, sha256=sha256
    )


def evidence_unstage(files: Iterable[StagedFile]) -> None:
    """Delete staged files from the storage (a refused or rolled-back write). A file that
    cannot be deleted now is left to the orphan sweep."""
    storage = evidence_storage()
    for staged in files:
        try:
            storage.delete(staged.name)
        except OSError:
            logger.warning("Could not delete staged evidence %s; the sweep will.", staged.name)


def evidence_stage_all(
    files: Mapping[str, Sequence[Upload]] | None, *, errors: FieldErrors, key: str = "evidence"
) -> dict[str, list[StagedFile]]:
    """Stage every upload of `files` ({field name: [files]}), keeping those the caller
    staged; a file's refusal goes to `errors` as ``<key>.<field>``. Before the lock."""
    staged: dict[str, list[StagedFile]] = {}
    for name, uploads in (files or {}).items():
        for upload in uploads:
            if isinstance(upload, StagedFile):
                staged.setdefault(name, []).append(upload)
                continue
            field = f"{key}.{name}"
            try:
                staged.setdefault(name, []).append(evidence_stage(upload, field=field))
            except InvalidInput as exc:
                for message in exc.fields.get(field, []) or [str(exc.message)]:
                    errors.add(field, message)
    return staged


def staged_files(staged: Mapping[str, Sequence[StagedFile]]) -> Iterator[StagedFile]:
    for files in staged.values():
        yield from files


def evidence_rows_create(
    *,
    actor: Actor,
    incident: Incident,
    task: Task | None,
    staged: Mapping[str, Sequence[StagedFile]],
    description: str = "",
    descriptions: Mapping[str, str] | None = None,
) -> list[Evidence]:
    """The Evidence rows of staged files ({field name, or "" for none: [files]}), each
    audited. Inside the caller's transaction, with the incident locked."""
    created = []
    for field, files in staged.items():
        for staged_file in files:
            evidence = Evidence.objects.create(
                incident=incident,
                task=task,
                field=field,
                file=staged_file.name,
                original_name=staged_file.original_name,
                content_type=staged_file.content_type,
                size=staged_file.size,
                sha256=staged_file.sha256,
                description=(descriptions or {}).get(field, description),
                uploaded_by=actor.user,
            )
            audit_record(
                actor=actor,
                action="evidence.attached",
                thread=incident.thread,
                target=f"evidence:{evidence.pk}",
                after={
                    "name": evidence.original_name,
                    "size": evidence.size,
                    "sha256": evidence.sha256,
                    "task": task.pk if task is not None else None,
                    "field": field,
                },
            )
            created.append(evidence)
    return created


def file_fields(task: Task) -> dict[str, dict[str, Any]]:
    """The step's file fields by name."""
    return {
        field["name"]: field
        for field in task.step.evidence or []
        if field.get("type") == EvidenceType.FILE
    }


def _task_field(task: Task, field: str, errors: FieldErrors) -> str:
    """The file field a file attached to `task` is for: `field`, or the step's only file
    field when none is named (refusals go to `errors` as ``field``)."""
    fields = file_fields(task)
    if field:
        if field not in fields:
            errors.add("field", _("This step has no file field of this name."))
        return field
    if len(fields) == 1:
        return next(iter(fields))
    if fields:
        errors.add(
            "field",
            _("Say which of this step's file fields the file is for: %(fields)s.")
            % {"fields": ", ".join(fields)},
        )
    else:
        errors.add("field", _("This step asks for no file."))
    return ""


@refusals_audited
def evidence_attach(
    *,
    actor: Actor,
    incident_id: int,
    uploaded_file: Upload,
    task_id: int | None = None,
    field: str = "",
    description: str = "",
) -> Evidence:
    """Attach a file (photo of a fake card, police receipt, scan) to the incident, or to
    the file field `field` of one of its steps (the step's only file field when not named),
    after checking its type by content and its size. The file is stored before the
    incident is locked; a refusal deletes it again."""
    action = "evidence.attach"
    errors = FieldErrors()
    staged_file = (
        uploaded_file
        if isinstance(uploaded_file, StagedFile)
        else evidence_stage(uploaded_file, field="file")
    )
    try:
        with transaction.atomic():
            incident = incident_lock(actor=actor, pk=incident_id, action=action)
            permissions.check_may_attach(actor, incident=incident, action=action)
            task = None
            if task_id is not None:
                task = incident.tasks.select_related("step").filter(pk=task_id).first()
                if task is None:
                    raise NotFound(_("No such task."))
                permissions.check_may_attach_to_task(
                    actor, task=task, incident=incident, action=action
                )
                field = _task_field(task, field, errors)
            elif field:
                errors.add("field", _("Only a step's file has an evidence field."))
            description = errors.collect(
                parse_text, description, field="description", max_length=200, fallback=""
            )
            errors.raise_if_any()
            (evidence,) = evidence_rows_create(
                actor=actor,
                incident=incident,
                task=task,
                staged={field: [staged_file]},
                description=description,
            )
    except BaseException:
        evidence_unstage([staged_file])
        raise
    return evidence


# Other apps that keep files in the evidence storage (comments' files) name the stored files
# their rows point at, so that the sweep keeps them: {name: func(names) -> referenced names}.
_stored_file_sources: dict[str, Callable[[list[str]], Iterable[str]]] = {}


def register_stored_files(name: str, referenced: Callable[[list[str]], Iterable[str]]) -> None:
    """An app above incidents that stores files through `evidence_stage` registers here
    (from its AppConfig.ready()) which of a batch of stored names its rows point at."""
    _stored_file_sources[name] = referenced


def evidence_orphans_sweep(
    *, now: datetime.datetime | None = None, older_than: datetime.timedelta | None = None
) -> int:
    """Delete files in the evidence storage that no Evidence row points at, once older than
    `older_than` (default `EVIDENCE_ORPHAN_MINUTES`: longer than any write holds a staged
    file before committing its row); returns how many went. Run hourly by beat."""
    storage = evidence_storage()
    age = older_than or datetime.timedelta(minutes=settings.EVIDENCE_ORPHAN_MINUTES)
    cutoff = (now or timezone.now()) - age
    deleted = 0
    for names in _stored_names(storage, EVIDENCE_PREFIX):
        old = [name for name in names if _modified(storage, name) < cutoff]
        if not old:
            continue
        referenced = set(Evidence.objects.filter(file__in=old).values_list("file", flat=True))
        for source in _stored_file_sources.values():
            referenced.update(source(old))
        for name in old:
            if name in referenced:
                continue
            try:
                storage.delete(name)
            except OSError:
                logger.warning("Could not delete orphaned evidence %s.", name)
                continue
            deleted += 1
    return deleted


def _modified(storage: Storage, name: str) -> datetime.datetime:
    modified = storage.get_modified_time(name)
    if timezone.is_naive(modified):
        modified = timezone.make_aware(modified, datetime.UTC)
    return modified


def _stored_names(storage: Storage, directory: str, batch: int = 500) -> Iterator[list[str]]:
    """The names of the files under `directory`, in batches (walking the folders)."""
    pending = [directory]
    names: list[str] = []
    while pending:
        folder = pending.pop()
        try:
            folders, files = storage.listdir(folder)
        except FileNotFoundError:
            continue
        pending += [posixpath.join(folder, sub) for sub in folders]
        for file_name in files:
            names.append(posixpath.join(folder, file_name))
            if len(names) >= batch:
                yield names
                names = []
    if names:
        yield names

"""Evidence files: a photo of a fake card, a police receipt, a scan, attached to the
incident or to one of its steps after checking the file's type by content and its size."""

from __future__ import annotations

import hashlib
import os

from django.conf import settings
from django.core.files.base import File
from django.db import transaction
from django.utils.translation import gettext as _

from fraudops.core.actors import Actor
from fraudops.core.audit import audit_record
from fraudops.core.errors import InvalidInput, NotFound
from fraudops.core.parsing import parse_text
from fraudops.core.services import refusals_audited

from .. import permissions
from ..models import Evidence
from .locks import incident_lock


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


@refusals_audited
def evidence_attach(
    *,
    actor: Actor,
    incident_id: int,
    uploaded_file: File[bytes],
    task_id: int | None = None,
    description: str = "",
) -> Evidence:
    """Attach a file (photo of a fake card, police receipt, scan) after checking its type
    by content and its size."""
    action = "evidence.attach"
    name = os.path.basename(uploaded_file.name or "upload")
    extension = os.path.splitext(name)[1].lower()
    allowed: dict[str, list[str]] = settings.EVIDENCE_CONTENT_TYPES
    if uploaded_file.size > settings.EVIDENCE_MAX_BYTES:
        raise InvalidInput(
            fields={
                "file": [
                    _("The file is too large: at most %(mb)d MB.")
                    % {"mb": settings.EVIDENCE_MAX_BYTES // (1024 * 1024)}
                ]
            }
        )
    head = uploaded_file.read(2048)
    uploaded_file.seek(0)
    sniffed = _sniff_content_type(head)
    if sniffed == "text/plain" and extension == ".csv":
        sniffed = "text/csv"
    if sniffed not in allowed or extension not in allowed[sniffed]:
        raise InvalidInput(
            fields={"file": [_("Attach a PDF, JPEG, PNG, text or CSV file; this one is not.")]}
        )
    description = parse_text(description, field="description", max_length=200)
    digest = hashlib.sha256()
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    uploaded_file.seek(0)
    with transaction.atomic():
        incident = incident_lock(actor=actor, pk=incident_id, action=action)
        permissions.check_may_attach(actor, incident=incident, action=action)
        task = None
        if task_id is not None:
            task = incident.tasks.filter(pk=task_id).first()
            if task is None:
                raise NotFound(_("No such task."))
            permissions.check_may_attach_to_task(actor, task=task, incident=incident, action=action)
        evidence = Evidence(
            incident=incident,
            task=task,
            original_name=name[:255],
            content_type=sniffed,
            size=uploaded_file.size,
            sha256=digest.hexdigest(),
            description=description,
            uploaded_by=actor.user,
        )
        evidence.file.save(name, uploaded_file, save=False)
        evidence.save()
        audit_record(
            actor=actor,
            action="evidence.attached",
            thread=incident.thread,
            target=f"evidence:{evidence.pk}",
            after={"name": name, "size": evidence.size, "sha256": evidence.sha256},
        )
    return evidence

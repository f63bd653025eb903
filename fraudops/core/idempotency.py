"""`Idempotency-Key` for every API write.

The first request with a key claims it (a unique row, committed at once); the response is
stored when the request finishes. The same key and body replays that response; the same key
with another body is refused with 422; a request arriving while the first is still running
(or was interrupted) gets 409 and never runs twice. Keys are kept KEEP_FOR (48 hours,
twice the 24 the API promises), then purged hourly by beat (`idempotency_purge`).
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.files.base import File
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .errors import Conflict, DomainError
from .models import IdempotencyRecord

KEEP_FOR = datetime.timedelta(hours=48)


class IdempotencyMismatch(DomainError):
    status_code = 422
    default_code = "idempotency_key_reused"
    default_message = _(
        "This Idempotency-Key was already used with a different request. "
        "Use a new key for a new request."
    )


class IdempotencyInProgress(Conflict):
    default_code = "idempotency_in_progress"
    default_message = _(
        "A request with this Idempotency-Key is still being processed. "
        "Wait for its answer instead of sending it again."
    )
    audited = False


class Replay(Exception):
    def __init__(self, record: IdempotencyRecord):
        self.record = record


def request_fingerprint(*, method: str, path: str, body: bytes) -> str:
    digest = hashlib.sha256()
    digest.update(method.encode() + b" " + path.encode() + b"\n")
    # Key order and white space do not make a different request.
    with contextlib.suppress(ValueError):
        body = json.dumps(json.loads(body or b"null"), sort_keys=True).encode()
    digest.update(body)
    return digest.hexdigest()


def form_body(
    *, fields: Mapping[str, Sequence[str]], files: Mapping[str, Sequence[File[bytes]]]
) -> bytes:
    """What identifies a multipart request, in place of its raw body (whose boundary
    changes with every send, and which may be too large to hold): its fields, and each
    file's name, size and SHA-256. Two sends of the same form and files give the same
    bytes; another file under the same key is another request."""

    def described(upload: File[bytes]) -> dict[str, Any]:
        digest = hashlib.sha256()
        upload.seek(0)
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
        return {"name": upload.name, "size": upload.size, "sha256": digest.hexdigest()}

    form = {
        "fields": {name: list(values) for name, values in sorted(fields.items())},
        "files": {
            name: [described(upload) for upload in uploads]
            for name, uploads in sorted(files.items())
        },
    }
    return json.dumps(form, sort_keys=True, ensure_ascii=False).encode()


def idempotency_claim(
    *, owner: str, key: str, method: str, path: str, body: bytes
) -> IdempotencyRecord:
    """Claim `key` for this request, or raise Replay / IdempotencyMismatch / InProgress.
    `body` is the raw body, or `form_body(...)` for a multipart request."""
    fingerprint = request_fingerprint(method=method, path=path, body=body)
    try:
        with transaction.atomic():
            return IdempotencyRecord.objects.create(
                owner=owner, key=key, method=method, path=path, request_hash=fingerprint
            )
    except IntegrityError:
        pass
    existing = IdempotencyRecord.objects.get(owner=owner, key=key)
    if existing.request_hash != fingerprint:
        raise IdempotencyMismatch(fields={"Idempotency-Key": [IdempotencyMismatch.default_message]})
    if existing.status == IdempotencyRecord.Status.COMPLETED:
        raise Replay(existing)
    raise IdempotencyInProgress()


def idempotency_complete(*, record: IdempotencyRecord, status: int, body: Any) -> None:
    if status >= 500:
        # Nothing was committed by a failed request: let the client retry with the same key.
        IdempotencyRecord.objects.filter(pk=record.pk).delete()
        return
    IdempotencyRecord.objects.filter(pk=record.pk).update(
        status=IdempotencyRecord.Status.COMPLETED,
        response_status=status,
        response_body=json.loads(json.dumps(body, default=str)) if body is not None else None,
    )


def idempotency_purge(*, now: datetime.datetime | None = None, batch: int = 5000) -> int:
    """Delete the keys older than KEEP_FOR, a batch at a time (short transactions over the
    created_at index); returns how many went."""
    cutoff = (now or timezone.now()) - KEEP_FOR
    total = 0
    while True:
        ids = list(
            IdempotencyRecord.objects.filter(created_at__lt=cutoff)
            .order_by("created_at")
            .values_list("pk", flat=True)[:batch]
        )
        if not ids:
            return total
        deleted, _details = IdempotencyRecord.objects.filter(pk__in=ids).delete()
        total += deleted

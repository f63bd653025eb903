"""A step's result over the API with its files: multipart/form-data with one part per
evidence value (`evidence[<field>]`) and per file (`files[<field>]`), idempotent by the
files' hashes, typed in the OpenAPI document."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test.client import encode_multipart

from fraudops.core.models import IdempotencyRecord
from incidents import services
from incidents.choices import TaskStatus
from incidents.demo import TINY_PNG, sample_evidence
from incidents.models import Evidence, Task
from incidents.services.evidence import EVIDENCE_PREFIX
from tests.incident_data import filing

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _stored(media: Path) -> list[Path]:
    return sorted(p for p in (media / EVIDENCE_PREFIX).rglob("*") if p.is_file())


def _statement_task(actor) -> Task:
    incident = services.incident_file(actor=actor("teller_bj_hd"), data=filing())
    return Task.objects.select_related("step", "incident").get(
        incident=incident, step__code="transaction_history"
    )


def _form(task: Task, content: bytes = TINY_PNG, **extra) -> dict:
    values = {f"evidence[{k}]": v for k, v in sample_evidence(task).items()}
    return {
        "result": "done",
        "note": "流水已调取",
        **values,
        "files[statement]": SimpleUploadedFile("流水.png", content, "image/png"),
        **extra,
    }


def _post(client, task: Task, form: dict, *, boundary: str, key: str | None = None):
    """A multipart POST with its own boundary, as two sends of one request differ."""
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(
        f"/api/v1/incidents/{task.incident.number}/tasks/{task.pk}/result/",
        data=encode_multipart(boundary, form),
        content_type=f"multipart/form-data; boundary={boundary}",
        **headers,
        **EN,
    )


def test_a_multipart_result_completes_the_step_with_its_files(api, bank, actor, media):
    task = _statement_task(actor)
    response = _post(api("teller_bj_hd"), task, _form(task), boundary="b-one")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == TaskStatus.DONE
    evidence = Evidence.objects.get()
    assert (evidence.task_id, evidence.field, evidence.original_name) == (
        task.pk,
        "statement",
        "流水.png",
    )
    task.refresh_from_db()
    assert task.evidence["payee_account"] == sample_evidence(task)["payee_account"]
    detail = api("teller_bj_hd").get(f"/api/v1/incidents/{task.incident.number}/").json()
    assert detail["evidence_files"][0]["field"] == "statement"


def test_a_replayed_multipart_result_does_not_attach_its_files_twice(api, bank, actor, media):
    task = _statement_task(actor)
    client = api("teller_bj_hd")
    first = _post(client, task, _form(task), boundary="first-send", key="step-1")
    assert first.status_code == 200, first.json()
    # The same request sent again (another boundary, as a retrying client's would be).
    again = _post(client, task, _form(task), boundary="second-send", key="step-1")
    assert again.status_code == 200
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert Evidence.objects.count() == 1 and len(_stored(media)) == 1
    # The same key with another file is another request: refused, nothing attached.
    other = _post(
        client, task, _form(task, content=TINY_PNG + b"x"), boundary="third", key="step-1"
    )
    assert other.status_code == 422
    assert Evidence.objects.count() == 1 and len(_stored(media)) == 1


def test_an_idempotent_upload_larger_than_the_in_memory_limit_is_accepted(
    api, bank, actor, media, settings
):
    # The fingerprint is the files' hashes, never the raw body held in memory.
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    task = _statement_task(actor)
    big = TINY_PNG + b"\0" * 4096
    response = _post(api("teller_bj_hd"), task, _form(task, content=big), boundary="b", key="k")
    assert response.status_code == 200, response.json()
    assert Evidence.objects.get().size == len(big)


def test_a_refused_multipart_result_attaches_nothing_and_names_the_field(api, bank, actor, media):
    task = _statement_task(actor)
    form = _form(task, **{"evidence[payee_account]": "不是账号"})
    response = _post(api("teller_bj_hd"), task, form, boundary="b", key="bad-1")
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert list(fields) == ["evidence.payee_account"]
    assert "account number" in fields["evidence.payee_account"][0]
    assert not Evidence.objects.exists() and _stored(media) == []
    # A file that is not what it says is refused by its field.
    form = _form(task)
    form["files[statement]"] = SimpleUploadedFile("statement.png", b"MZ\x90\x00", "image/png")
    response = _post(api("teller_bj_hd"), task, form, boundary="b")
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["evidence.statement"]
    assert not Evidence.objects.exists() and _stored(media) == []
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN
    assert IdempotencyRecord.objects.get(key="bad-1").response_status == 400


def test_a_part_named_outside_the_convention_is_refused(api, bank, actor, media):
    task = _statement_task(actor)
    form = _form(task, statement=SimpleUploadedFile("s.png", TINY_PNG, "image/png"))
    response = _post(api("teller_bj_hd"), task, form, boundary="b")
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["statement"]
    assert not Evidence.objects.exists() and _stored(media) == []


def test_the_openapi_document_types_the_result_with_files(db, tmp_path):
    path = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    schema = yaml.safe_load(path.read_text())
    operation = schema["paths"]["/api/v1/incidents/{number}/tasks/{task_id}/result/"]["post"]
    content = operation["requestBody"]["content"]
    assert "application/json" in content
    form = content["multipart/form-data"]["schema"]
    assert form["properties"]["result"]["enum"] == ["done", "not_applicable", "instructed"]
    binary = [s for s in form["additionalProperties"]["oneOf"] if s.get("format") == "binary"]
    assert binary and "files[<field>]" in form["description"]


def test_a_file_uploaded_to_a_step_names_its_field_or_takes_the_only_one(api, bank, actor, media):
    task = _statement_task(actor)
    client = api("teller_bj_hd")
    url = f"/api/v1/incidents/{task.incident.number}/evidence/"
    png = SimpleUploadedFile("s.png", TINY_PNG, "image/png")
    response = client.post(url, {"file": png, "task": task.pk}, format="multipart", **EN)
    assert response.status_code == 201, response.json()
    assert response.json()["field"] == "statement"  # the step's only file field
    png = SimpleUploadedFile("s.png", TINY_PNG, "image/png")
    response = client.post(
        url, {"file": png, "task": task.pk, "field": "payee_bank"}, format="multipart", **EN
    )
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["field"]
    png = SimpleUploadedFile("s.png", TINY_PNG, "image/png")
    response = client.post(url, {"file": png, "task": "first"}, format="multipart", **EN)
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["task"]
    assert Evidence.objects.count() == 1 and len(_stored(media)) == 1

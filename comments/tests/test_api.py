"""The comments API under /api/v1/incidents/<number>/comments/: read by staff and API
clients with incidents:read, posted and edited by staff only, Idempotency-Key, multipart
files, scope."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from freezegun import freeze_time

from comments.models import Comment
from comments.tests.factories import CommentFactory
from fraudops.core.choices import ApiScope
from fraudops.core.models import AuditEvent
from incidents.demo import TINY_PNG

pytestmark = pytest.mark.django_db


def _url(incident, comment=None) -> str:
    base = f"/api/v1/incidents/{incident.number}/comments/"
    return f"{base}{comment.pk}/" if comment is not None else base


def test_staff_post_and_read_comments(api, incident):
    client = api("teller_bj_hd")
    response = client.post(
        _url(incident), {"body": "@monitor_bj 请审批"}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["body"] == "@monitor_bj 请审批"
    assert body["author"] == {"username": "teller_bj_hd", "display_name": "北京海淀支行柜员"}
    assert body["mentions"] == ["monitor_bj"]
    assert body["edited"] is False
    listed = api("auditor").get(_url(incident)).json()
    assert [c["id"] for c in listed] == [body["id"]]


def test_an_idempotent_post_is_made_once(api, incident):
    client = api("teller_bj_hd")
    first = client.post(_url(incident), {"body": "一次"}, format="json", HTTP_IDEMPOTENCY_KEY="c-1")
    again = client.post(_url(incident), {"body": "一次"}, format="json", HTTP_IDEMPOTENCY_KEY="c-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again["Idempotent-Replayed"] == "true"
    assert Comment.objects.count() == 1


def test_a_multipart_post_with_files_checked_like_evidence(api, incident):
    client = api("teller_bj_hd")
    response = client.post(
        _url(incident),
        {"body": "回执", "files": [SimpleUploadedFile("回执.png", TINY_PNG, "image/png")]},
        format="multipart",
        HTTP_IDEMPOTENCY_KEY="c-2",
    )
    assert response.status_code == 201, response.json()
    (stored,) = response.json()["files"]
    assert (stored["original_name"], stored["content_type"]) == ("回执.png", "image/png")
    bad = client.post(
        _url(incident),
        {"body": "坏文件", "files": [SimpleUploadedFile("x.exe", b"MZ\x90\x00\xff\xfe")]},
        format="multipart",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert bad.status_code == 400
    assert "files" in bad.json()["error"]["fields"]
    assert Comment.objects.count() == 1


def test_a_bad_mention_is_a_400_naming_the_body(api, incident):
    response = api("teller_bj_hd").post(
        _url(incident), {"body": "@teller_sh_pd 看看"}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert "@teller_sh_pd" in response.json()["error"]["fields"]["body"][0]


def test_the_author_edits_through_the_api_and_the_history_is_there(api, incident):
    with freeze_time("2026-11-20 02:00:00"):
        comment = CommentFactory(subject=incident, body="原文")
    with freeze_time("2026-11-20 02:05:00"):
        response = api("teller_bj_hd").patch(
            _url(incident, comment), {"body": "改后"}, format="json"
        )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["body"] == "改后"
    assert body["edited"] is True
    assert [r["body"] for r in body["revisions"]] == ["原文"]
    assert body["history_url"] == f"/comments/incident/{incident.number}/{comment.pk}/history/"
    with freeze_time("2026-11-20 02:20:00"):
        late = api("teller_bj_hd").patch(_url(incident, comment), {"body": "太晚"}, format="json")
    assert late.status_code == 409
    other = api("manager_bj_hd").patch(_url(incident, comment), {"body": "别人"}, format="json")
    assert other.status_code == 403
    comment.refresh_from_db()
    assert comment.body == "改后"


def test_auditors_read_but_do_not_write(api, incident):
    comment = CommentFactory(subject=incident)
    client = api("auditor")
    assert client.get(_url(incident, comment)).status_code == 200
    assert client.post(_url(incident), {"body": "审计"}, format="json").status_code == 403
    assert client.patch(_url(incident, comment), {"body": "审计"}, format="json").status_code == 403
    assert Comment.objects.count() == 1


def test_out_of_scope_is_not_found_like_missing(api, incident):
    comment = CommentFactory(subject=incident)
    client = api("teller_sh_pd")
    assert client.get(_url(incident)).status_code == 404
    assert client.get(_url(incident, comment)).status_code == 404
    assert client.post(_url(incident), {"body": "外地"}, format="json").status_code == 404
    assert client.get("/api/v1/incidents/FI-2026-999999/comments/").status_code == 404
    assert Comment.objects.count() == 1


def test_api_clients_read_comments_and_do_not_post_them(scoped_client, core_banking, incident):
    CommentFactory(subject=incident)
    reader = scoped_client(unit="HO", scopes=(ApiScope.INCIDENTS_READ,))
    assert len(reader.get(_url(incident)).json()) == 1
    assert reader.post(_url(incident), {"body": "x"}, format="json").status_code == 403
    outsider = scoped_client(unit="SB-SH", scopes=(ApiScope.INCIDENTS_READ,))
    assert outsider.get(_url(incident)).status_code == 404
    screening_only = scoped_client(unit="SB-BJ", scopes=(ApiScope.SCREENING,))
    assert screening_only.get(_url(incident)).status_code == 403
    # Even with incidents:write: comments are the staff's discussion.
    response = core_banking.post(
        _url(incident), {"body": "来自核心系统"}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 403
    assert "API client" in response.json()["error"]["message"]
    assert Comment.objects.count() == 1
    assert AuditEvent.objects.filter(action="comment.add", outcome="refused").count() == 1

"""The comments panel on the incident page: the thread, the form, edits with their history,
files, refusals shown with the text kept, the timeline, scope, and a query count that does
not grow with comments."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from freezegun import freeze_time

from comments.models import Comment
from comments.services import comment_edit, comment_retract
from comments.tests.factories import CommentFactory
from fraudops.core.models import AuditEvent
from incidents.demo import TINY_PNG

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _page(client, incident) -> str:
    response = client.get(f"/incidents/{incident.number}/", **EN)
    assert response.status_code == 200
    return response.content.decode()


def _post_url(incident) -> str:
    return f"/comments/incident/{incident.number}/"


def test_the_incident_page_shows_the_thread_and_the_form(client, person, incident):
    CommentFactory(subject=incident, body="@monitor_bj 客户情绪稳定\n已陪同报案")
    client.force_login(person("monitor_bj"))
    page = _page(client, incident)
    assert 'data-testid="comments-panel"' in page
    assert '<span class="mention">@monitor_bj</span> 客户情绪稳定<br>已陪同报案' in page
    assert 'data-testid="comment-form"' in page


def test_an_auditor_reads_the_thread_without_a_form(client, person, incident):
    CommentFactory(subject=incident, body="已报案")
    client.force_login(person("auditor"))
    page = _page(client, incident)
    assert "已报案" in page
    assert 'data-testid="comment-form"' not in page
    response = client.post(_post_url(incident), {"body": "审计"}, **EN)
    assert response.status_code == 302
    assert Comment.objects.count() == 1


def test_posting_from_the_page_with_a_file(client, person, incident):
    client.force_login(person("teller_bj_hd"))
    response = client.post(
        _post_url(incident),
        {
            "body": "回执已上传 @manager_bj_hd",
            "files": [SimpleUploadedFile("回执.png", TINY_PNG, "image/png")],
            "next": f"/incidents/{incident.number}/",
        },
        **EN,
    )
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/incidents/{incident.number}/#comment-{comment.pk}"
    page = _page(client, incident)
    assert "回执.png" in page
    (file_url,) = re.findall(r'href="(/comments/incident/[^"]+/files/\d+/)"', page)
    download = client.get(file_url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == TINY_PNG
    client.force_login(person("teller_sh_pd"))
    assert client.get(file_url).status_code == 404


def test_a_refused_comment_comes_back_with_its_text_and_the_reason(client, person, incident):
    client.force_login(person("teller_bj_hd"))
    response = client.post(
        _post_url(incident), {"body": "@teller_sh_pd 请协助查询"}, follow=True, **EN
    )
    page = response.content.decode()
    assert "@teller_sh_pd" in page
    assert "cannot see this" in page
    assert ">@teller_sh_pd 请协助查询</textarea>" in page
    assert not Comment.objects.exists()
    # Only once: the next visit has an empty form.
    assert "请协助查询</textarea>" not in _page(client, incident)


def test_out_of_scope_posts_are_not_found_like_missing_ones(client, person, incident):
    client.force_login(person("teller_sh_pd"))
    assert client.post(_post_url(incident), {"body": "外地"}).status_code == 404
    assert client.post("/comments/incident/FI-2026-999999/", {"body": "无"}).status_code == 404
    assert client.post("/comments/nothing/1/", {"body": "无"}).status_code == 404
    assert not Comment.objects.exists()


def test_edit_within_the_window_shows_edited_with_its_history(client, person, incident):
    with freeze_time("2026-11-20 02:00:00"):
        comment = CommentFactory(subject=incident, body="冻结 5000 元")
        client.force_login(person("teller_bj_hd"))
        page = _page(client, incident)
        assert f'id="comment-edit-{comment.pk}"' in page
    with freeze_time("2026-11-20 02:03:00"):
        response = client.post(
            f"/comments/incident/{incident.number}/{comment.pk}/edit/",
            {"body": "冻结 50000 元"},
        )
        assert response.status_code == 302
        page = _page(client, incident)
    assert "冻结 50000 元" in page
    assert f'data-testid="comment-history-{comment.pk}"' in page
    history = client.get(f"/comments/incident/{incident.number}/{comment.pk}/history/", **EN)
    assert history.status_code == 200
    text = history.content.decode()
    assert "冻结 5000 元" in text
    assert "冻结 50000 元" in text
    with freeze_time("2026-11-20 02:16:00"):
        # The window has closed: no edit form, and a late post changes nothing.
        assert f'id="comment-edit-{comment.pk}"' not in _page(client, incident)
        client.post(f"/comments/incident/{incident.number}/{comment.pk}/edit/", {"body": "太晚"})
    comment.refresh_from_db()
    assert comment.body == "冻结 50000 元"


def test_someone_elses_comment_has_no_edit_form(client, person, incident):
    comment = CommentFactory(subject=incident, body="原文")
    client.force_login(person("manager_bj_hd"))
    assert f'id="comment-edit-{comment.pk}"' not in _page(client, incident)
    client.post(f"/comments/incident/{incident.number}/{comment.pk}/edit/", {"body": "改"})
    comment.refresh_from_db()
    assert comment.body == "原文"
    assert AuditEvent.objects.filter(action="comment.edit", outcome="refused").exists()


def test_the_history_is_out_of_reach_out_of_scope(client, person, incident):
    comment = CommentFactory(subject=incident)
    client.force_login(person("monitor_sh"))
    url = f"/comments/incident/{incident.number}/{comment.pk}/history/"
    assert client.get(url).status_code == 404


def test_a_retracted_comment_shows_as_retracted(client, person, actor, incident):
    comment = CommentFactory(subject=incident, body="发错了")
    comment_retract(actor=actor("teller_bj_hd"), comment=comment)
    client.force_login(person("monitor_bj"))
    page = _page(client, incident)
    assert "This comment was retracted." in page
    assert "发错了" not in page.split('data-testid="comments-panel"')[1].split("</section>")[0]


def test_comments_are_on_the_timeline(client, person, actor, incident):
    comment = CommentFactory(
        subject=incident,
        body="客户已到派出所",
        files=[SimpleUploadedFile("回执.png", TINY_PNG, "image/png")],
    )
    comment_edit(actor=actor("teller_bj_hd"), comment=comment, body="客户已到海淀派出所")
    comment_retract(actor=actor("teller_bj_hd"), comment=comment)
    client.force_login(person("ho_monitor"))
    timeline = _page(client, incident).split('data-testid="timeline"')[1]
    assert "Commented: “客户已到派出所” (files: 回执.png)" in timeline
    assert "Edited a comment: “客户已到海淀派出所”" in timeline
    assert "Retracted a comment" in timeline


def test_a_refused_comment_is_on_the_timeline_as_a_refusal(client, person, incident):
    client.force_login(person("auditor"))
    client.post(_post_url(incident), {"body": "审计"})
    client.force_login(person("monitor_bj"))
    timeline = _page(client, incident).split('data-testid="timeline"')[1]
    assert "Refused: tried to post a comment" in timeline


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **EN)
    assert response.status_code == 200
    return len(queries)


def test_the_incident_page_costs_the_same_queries_however_many_comments(client, person, incident):
    client.force_login(person("monitor_bj"))
    CommentFactory(subject=incident, body="@monitor_bj 一")
    url = f"/incidents/{incident.number}/"
    _queries(client, url)  # the session's first page
    one = _queries(client, url)
    for i in range(4):
        CommentFactory(
            subject=incident,
            author="manager_bj_hd",
            body=f"@teller_bj_hd 第{i}条",
            files=[SimpleUploadedFile(f"{i}.png", TINY_PNG, "image/png")],
        )
    assert _queries(client, url) == one


def test_the_page_and_its_change_marker_move_with_a_comment(client, person, incident):
    client.force_login(person("monitor_bj"))
    first = client.get(f"/incidents/{incident.number}/changes/").json()["marker"]
    CommentFactory(subject=incident)
    assert client.get(f"/incidents/{incident.number}/changes/").json()["marker"] != first

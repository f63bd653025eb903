"""A complaint's internal discussion: the comments app's thread, registered by complaints
(complaints/comment_subject.py): on its page, in its API, on its history, with @mentions
checked against who sees the complaint."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from comments.models import Comment
from comments.services import comment_add
from fraudops.core.errors import InvalidInput, NotFound
from fraudops.core.models import AuditEvent
from fraudops.core.outbox import outbox_relay_batch
from notifications.models import Notification

from .factories import ComplaintFactory

pytestmark = pytest.mark.django_db


def _relay() -> None:
    while outbox_relay_batch():
        pass


def test_a_comment_on_a_complaint_audits_on_its_thread_and_tells_the_mentioned(bank, actor):
    complaint = ComplaintFactory()
    comment = comment_add(
        actor=actor("teller_bj_hd"), subject=complaint, body="@manager_bj_hd 请看信访件的答复要点"
    )
    assert comment.thread == complaint.thread
    assert AuditEvent.objects.filter(action="comment.added", thread=complaint.thread).count() == 1
    _relay()
    _relay()
    (notice,) = Notification.objects.filter(kind="comment.mention")
    assert notice.recipient.username == "manager_bj_hd"
    url = reverse("complaints:detail", kwargs={"number": complaint.number})
    assert notice.url == f"{url}#comment-{comment.pk}"


def test_a_mention_of_someone_who_does_not_see_the_complaint_is_refused(bank, actor):
    complaint = ComplaintFactory()
    with pytest.raises(InvalidInput):
        # The Shanghai monitor does not see a Beijing branch's complaint.
        comment_add(actor=actor("teller_bj_hd"), subject=complaint, body="@monitor_sh 看看")
    assert not Comment.objects.exists()


def test_another_region_cannot_comment_as_if_the_complaint_did_not_exist(bank, actor):
    complaint = ComplaintFactory()
    with pytest.raises(NotFound):
        comment_add(actor=actor("teller_sh_pd"), subject=complaint, body="看看")
    assert not Comment.objects.exists()


def test_the_complaint_page_shows_its_thread_and_the_api_lists_it(bank, actor, person):
    complaint = ComplaintFactory()
    comment_add(actor=actor("teller_bj_hd"), subject=complaint, body="已调取柜员办理时的录像")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(person("monitor_bj"))
    page = client.get(reverse("complaints:detail", kwargs={"number": complaint.number}))
    assert page.status_code == 200
    text = page.content.decode()
    assert "已调取柜员办理时的录像" in text
    assert "Commented" in text  # on the complaint's history too
    listed = client.get(f"/api/v1/complaints/{complaint.number}/comments/")
    assert listed.status_code == 200
    assert [row["body"] for row in listed.json()] == ["已调取柜员办理时的录像"]
    other = Client()
    other.force_login(person("monitor_sh"))
    missing = other.get(f"/api/v1/complaints/{complaint.number}/comments/")
    assert missing.status_code == 404

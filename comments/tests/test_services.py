"""Posting, editing and retracting comments: audited on the subject's thread, the edit
window, the history kept, @mentions told exactly once, scope, and files checked like
evidence with nothing half-saved."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from freezegun import freeze_time

from comments.models import Comment, CommentFile, CommentMention, CommentRevision
from comments.services import comment_add, comment_edit, comment_retract
from comments.tests.factories import CommentFactory
from fraudops.core.errors import InvalidInput, InvalidTransition, NotFound, PermissionRefused
from fraudops.core.models import AuditEvent, OutboxMessage
from fraudops.core.outbox import outbox_relay_batch
from incidents.demo import TINY_PNG
from incidents.models import Evidence
from incidents.services.evidence import evidence_orphans_sweep, evidence_storage
from incidents.tests.factories import IncidentFactory
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def _png(name: str = "回单.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, TINY_PNG, "image/png")


def _stored_files() -> set[str]:
    storage = evidence_storage()
    found: set[str] = set()
    pending = ["evidence"]
    while pending:
        folder = pending.pop()
        try:
            folders, files = storage.listdir(folder)
        except FileNotFoundError:
            continue
        pending += [f"{folder}/{sub}" for sub in folders]
        found |= {f"{folder}/{name}" for name in files}
    return found


# --- posting -------------------------------------------------------------------------------


def test_a_comment_is_audited_on_the_incidents_thread_with_its_files(actor, incident):
    comment = comment_add(
        actor=actor("teller_bj_hd"),
        subject=incident,
        body="客户已到派出所报案，回执见附件。",
        files=[_png()],
    )
    assert comment.thread == incident.thread
    assert comment.author.username == "teller_bj_hd"
    (stored,) = comment.files.all()
    assert stored.original_name == "回单.png"
    assert stored.content_type == "image/png"
    assert evidence_storage().exists(stored.file.name)
    event = AuditEvent.objects.get(action="comment.added")
    assert event.thread == incident.thread
    assert event.target == f"comment:{comment.pk}"
    assert event.after == {"body": "客户已到派出所报案，回执见附件。", "files": ["回单.png"]}
    # A comment's file is its own, not a second copy among the incident's evidence.
    assert not Evidence.objects.filter(incident=incident).exists()


def test_an_empty_comment_is_refused_naming_the_field(actor, incident):
    with translation.override("en"), pytest.raises(InvalidInput) as refused:
        comment_add(actor=actor("teller_bj_hd"), subject=incident, body="  \n ")
    assert "body" in refused.value.fields
    assert not Comment.objects.exists()


def test_the_text_is_kept_as_typed(actor, incident):
    comment = comment_add(
        actor=actor("monitor_bj"), subject=incident, body="第一行：已冻结（部分）\n第二行"
    )
    assert comment.body == "第一行：已冻结（部分）\n第二行"


# --- files ---------------------------------------------------------------------------------


def test_a_file_of_the_wrong_type_refuses_the_comment_and_nothing_is_half_saved(actor, incident):
    before = _stored_files()
    with translation.override("en"), pytest.raises(InvalidInput) as refused:
        comment_add(
            actor=actor("teller_bj_hd"),
            subject=incident,
            body="两个附件",
            files=[_png("好的.png"), SimpleUploadedFile("病毒.exe", b"MZ\x90\x00\x03\x00\xff\xfe")],
        )
    assert "PDF, JPEG, PNG" in refused.value.fields["files"][0]
    assert not Comment.objects.exists()
    assert not CommentFile.objects.exists()
    assert not AuditEvent.objects.filter(action="comment.added").exists()
    # The good file was staged and deleted again with the refusal.
    assert _stored_files() == before


def test_a_refused_comment_deletes_the_files_it_was_given(actor, incident):
    before = _stored_files()
    with pytest.raises(PermissionRefused):
        comment_add(actor=actor("auditor"), subject=incident, body="审计意见", files=[_png()])
    assert _stored_files() == before
    assert not CommentFile.objects.exists()


def test_the_orphan_sweep_keeps_comment_files(actor, incident):
    comment = CommentFactory(subject=incident, files=[_png()])
    (stored,) = comment.files.all()
    later = timezone.now() + datetime.timedelta(hours=3)
    evidence_orphans_sweep(now=later)  # (other tests' leftovers in the test storage go)
    assert evidence_storage().exists(stored.file.name)


# --- who may ---------------------------------------------------------------------------------


def test_an_incident_of_another_region_is_not_found_and_nothing_is_written(actor, incident):
    with pytest.raises(NotFound):
        comment_add(actor=actor("teller_sh_pd"), subject=incident, body="看不到的事件")
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    ("username", "allowed"),
    [
        ("teller_bj_hd", True),
        ("manager_bj_hd", True),
        ("monitor_bj", True),
        ("ho_monitor", True),
        ("auditor", False),  # reads, does not write
        ("teller_bj_cy", None),  # another branch of the region: does not see it
        ("monitor_sh", None),
    ],
)
def test_who_may_comment(actor, incident, username, allowed):
    audited = AuditEvent.objects.filter(outcome="refused").count()
    if allowed:
        comment_add(actor=actor(username), subject=incident, body="意见")
        assert Comment.objects.count() == 1
        return
    expected = NotFound if allowed is None else PermissionRefused
    with pytest.raises(expected):
        comment_add(actor=actor(username), subject=incident, body="意见")
    assert not Comment.objects.exists()
    if expected is PermissionRefused:
        refusal = AuditEvent.objects.filter(outcome="refused").latest("id")
        assert (refusal.action, refusal.thread) == ("comment.add", incident.thread)
        assert AuditEvent.objects.filter(outcome="refused").count() == audited + 1


def test_an_api_client_reads_but_does_not_post(core_banking, incident):
    from fraudops.core.actors import Actor

    client = Actor.for_client(core_banking.client_record)
    with translation.override("en"), pytest.raises(PermissionRefused) as refused:
        comment_add(actor=client, subject=incident, body="from core banking")
    assert "API client" in str(refused.value.message)
    assert not Comment.objects.exists()


# --- editing ---------------------------------------------------------------------------------


def test_the_author_edits_within_the_window_and_the_history_is_kept(actor, incident):
    with freeze_time("2026-11-20 02:00:00"):
        comment = CommentFactory(subject=incident, body="冻结金额 5000 元")
    with freeze_time("2026-11-20 02:05:00"):
        comment_edit(actor=actor("teller_bj_hd"), comment=comment, body="冻结金额 50000 元")
    with freeze_time("2026-11-20 02:10:00"):
        comment_edit(actor=actor("teller_bj_hd"), comment=comment.pk, body="冻结金额 50,000 元")
    comment.refresh_from_db()
    assert comment.body == "冻结金额 50,000 元"
    assert comment.revision == 2
    assert comment.edited_at == datetime.datetime(2026, 11, 20, 2, 10, tzinfo=datetime.UTC)
    history = list(CommentRevision.objects.filter(comment=comment).order_by("number"))
    assert [(r.number, r.body) for r in history] == [
        (1, "冻结金额 5000 元"),
        (2, "冻结金额 50000 元"),
    ]
    assert history[0].written_at == comment.created_at
    assert history[1].written_at == datetime.datetime(2026, 11, 20, 2, 5, tzinfo=datetime.UTC)
    edits = AuditEvent.objects.filter(action="comment.edited").order_by("id")
    assert [(e.before, e.after) for e in edits] == [
        ({"body": "冻结金额 5000 元"}, {"body": "冻结金额 50000 元"}),
        ({"body": "冻结金额 50000 元"}, {"body": "冻结金额 50,000 元"}),
    ]
    assert {e.thread for e in edits} == {incident.thread}


def test_editing_after_the_window_is_refused_and_changes_nothing(actor, incident, settings):
    settings.FRAUDOPS_COMMENT_EDIT_MINUTES = 15
    with freeze_time("2026-11-20 02:00:00"):
        comment = CommentFactory(subject=incident, body="原文")
    with freeze_time("2026-11-20 02:15:00"):  # the last minute of the window
        comment_edit(actor=actor("teller_bj_hd"), comment=comment, body="改一次")
    with (
        freeze_time("2026-11-20 02:15:01"),
        translation.override("en"),
        pytest.raises(InvalidTransition) as refused,
    ):
        comment_edit(actor=actor("teller_bj_hd"), comment=comment, body="太晚了")
    assert "15 minutes" in str(refused.value.message)
    comment.refresh_from_db()
    assert comment.body == "改一次"
    assert comment.revision == 1
    refusal = AuditEvent.objects.filter(outcome="refused").latest("id")
    assert (refusal.action, refusal.thread) == ("comment.edit", incident.thread)


def test_only_the_author_edits(actor, incident):
    comment = CommentFactory(subject=incident, body="原文")
    with pytest.raises(PermissionRefused):
        comment_edit(actor=actor("manager_bj_hd"), comment=comment, body="别人改的")
    with pytest.raises(PermissionRefused):
        comment_edit(actor=actor("auditor"), comment=comment, body="审计改的")
    with pytest.raises(NotFound):
        comment_edit(actor=actor("teller_sh_pd"), comment=comment, body="外地改的")
    comment.refresh_from_db()
    assert (comment.body, comment.revision) == ("原文", 0)
    assert not CommentRevision.objects.exists()


def test_the_same_text_again_is_no_edit(actor, incident):
    comment = CommentFactory(subject=incident, body="原文")
    comment_edit(actor=actor("teller_bj_hd"), comment=comment, body="原文")
    comment.refresh_from_db()
    assert comment.revision == 0
    assert not AuditEvent.objects.filter(action="comment.edited").exists()


def test_a_retracted_comment_keeps_its_text_in_history_and_cannot_be_edited(actor, incident):
    comment = CommentFactory(subject=incident, body="发错了事件")
    comment_retract(actor=actor("teller_bj_hd"), comment=comment)
    comment.refresh_from_db()
    assert comment.retracted_at is not None
    assert comment.body == "发错了事件"
    assert AuditEvent.objects.filter(action="comment.retracted", thread=incident.thread).exists()
    with pytest.raises(InvalidTransition):
        comment_edit(actor=actor("teller_bj_hd"), comment=comment, body="再改")
    with pytest.raises(PermissionRefused):
        comment_retract(actor=actor("manager_bj_hd"), comment=comment)


# --- mentions --------------------------------------------------------------------------------


def _mention_notices(user) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, kind="comment.mention"))


def test_a_mention_tells_the_person_once_even_when_the_relay_runs_twice(actor, person, incident):
    comment = comment_add(
        actor=actor("teller_bj_hd"),
        subject=incident,
        body="@monitor_bj 请审批冻结；@manager_bj_hd 已知悉。@monitor_bj",
    )
    rows = list(OutboxMessage.objects.filter(dedupe_key__startswith=f"notify:comment:{comment.pk}"))
    assert len(rows) == 2  # one per person, however often they are mentioned
    while outbox_relay_batch():
        pass
    # The relay runs the same rows again (a worker that died before marking them sent).
    OutboxMessage.objects.filter(pk__in=[r.pk for r in rows]).update(status="pending")
    while outbox_relay_batch():
        pass
    monitor, manager = person("monitor_bj"), person("manager_bj_hd")
    for user in (monitor, manager):
        (notice,) = _mention_notices(user)
        assert notice.key == f"comment:{comment.pk}:mention:{user.pk}"
        assert notice.url == f"/incidents/{incident.number}/#comment-{comment.pk}"
        assert notice.thread == incident.thread
        assert "mentioned you" in notice.title_en
        assert incident.number in notice.title_en
        assert incident.number in notice.title_zh
    assert set(comment.mentions.values_list("user__username", flat=True)) == {
        "monitor_bj",
        "manager_bj_hd",
    }
    event = AuditEvent.objects.get(action="comment.added")
    assert event.data["notified"] == ["monitor_bj", "manager_bj_hd"]


def test_editing_in_a_mention_tells_only_the_newly_mentioned_once(actor, person, relay, incident):
    comment = CommentFactory(subject=incident, body="@monitor_bj 请看")
    relay()
    comment_edit(actor=actor("teller_bj_hd"), comment=comment, body="@monitor_bj @ho_monitor 请看")
    comment_edit(
        actor=actor("teller_bj_hd"), comment=comment, body="@monitor_bj @ho_monitor 请看。"
    )
    # Removed and added back: still told only the first time.
    comment_edit(actor=actor("teller_bj_hd"), comment=comment, body="请看")
    comment_edit(actor=actor("teller_bj_hd"), comment=comment, body="@ho_monitor 请看")
    relay()
    assert len(_mention_notices(person("monitor_bj"))) == 1
    assert len(_mention_notices(person("ho_monitor"))) == 1
    assert CommentMention.objects.filter(comment=comment).count() == 2


def test_a_mention_of_someone_who_cannot_see_the_incident_is_refused_naming_them(
    actor, person, relay, incident
):
    with translation.override("en"), pytest.raises(InvalidInput) as refused:
        comment_add(
            actor=actor("teller_bj_hd"),
            subject=incident,
            body="@monitor_bj @teller_sh_pd 请协助",
        )
    (message,) = refused.value.fields["body"]
    assert "@teller_sh_pd" in message
    assert "cannot see this" in message
    assert "monitor_bj" not in message
    assert not Comment.objects.exists()
    relay()
    assert not Notification.objects.filter(kind="comment.mention").exists()


def test_a_mention_of_nobody_is_refused_and_an_address_is_no_mention(actor, incident):
    with translation.override("en"), pytest.raises(InvalidInput) as refused:
        comment_add(actor=actor("teller_bj_hd"), subject=incident, body="@nobody_here 你好")
    assert "@nobody_here" in refused.value.fields["body"][0]
    comment = comment_add(
        actor=actor("teller_bj_hd"), subject=incident, body="客户邮箱 zhang@bank.cn，已发函。"
    )
    assert not comment.mentions.exists()


def test_mentioning_oneself_tells_nobody(actor, relay, incident):
    comment_add(actor=actor("teller_bj_hd"), subject=incident, body="@teller_bj_hd 提醒自己")
    relay()
    assert not Notification.objects.filter(kind="comment.mention").exists()


def test_a_full_width_at_sign_mentions_too(actor, person, relay, incident):
    comment_add(actor=actor("teller_bj_hd"), subject=incident, body="＠monitor_bj 请看。")
    relay()
    assert len(_mention_notices(person("monitor_bj"))) == 1


def test_people_of_other_incidents_threads_are_not_told(actor, person, relay, bank):
    first, second = IncidentFactory(), IncidentFactory()
    comment_add(actor=actor("teller_bj_hd"), subject=first, body="@monitor_bj 一")
    comment_add(actor=actor("teller_bj_hd"), subject=second, body="@monitor_bj 二")
    relay()
    notices = _mention_notices(person("monitor_bj"))
    assert sorted(n.thread for n in notices) == sorted([first.thread, second.thread])

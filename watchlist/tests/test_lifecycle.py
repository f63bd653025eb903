"""The nomination lifecycle (SPEC §3): a sub-branch nominates, head office approves or
rejects with a reason, never the nominator; approval publishes; delisting needs a reason;
entries past their review date come up for review; every change is audited."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone
from freezegun import freeze_time

from clocks.models import Clock
from fraudops.core.errors import (
    Conflict,
    FourEyesRefused,
    InvalidInput,
    InvalidTransition,
    NotFound,
    PermissionRefused,
)
from fraudops.core.models import AuditEvent
from watchlist import selectors, services, tasks
from watchlist.choices import EntryStatus, NominationStatus
from watchlist.models import Entry, EntryChange, EntryKey, NameKey, Nomination
from watchlist.screening import screen

PERSON = {"name": "李强", "id_number": "110105199003071239"}


def test_sub_branch_nomination_approved_by_head_office_publishes_and_hits(actor, nominate):
    nomination = nominate("person", PERSON)
    assert nomination.status == NominationStatus.OPEN
    assert nomination.nominating_unit.code == "SB-BJ"
    assert nomination.due_at - nomination.created_at == datetime.timedelta(days=3)
    assert (
        screen(actor=actor("teller_bj_hd"), parties=[{"id_number": PERSON["id_number"]}])[
            0
        ].decision
        == "clear"
    )

    entry = services.nomination_approve(
        actor=actor("ho_monitor"), nomination_id=nomination.pk, reason="核实为诈骗收款人"
    )

    nomination = Nomination.objects.get(pk=nomination.pk)
    assert nomination.status == NominationStatus.APPROVED
    assert nomination.entry_id == entry.pk
    assert nomination.decided_by.username == "ho_monitor"
    assert entry.status == EntryStatus.ACTIVE
    assert entry.decided_by.username == "ho_monitor"
    assert entry.nominated_by.username == "monitor_bj"
    assert entry.review_on == timezone.localdate() + datetime.timedelta(days=365)
    assert set(EntryKey.objects.filter(entry=entry).values_list("kind", "value")) == {
        ("id", "110105199003071239")
    }
    assert NameKey.objects.filter(entry=entry, kind="py", value="li qiang").exists()
    assert EntryChange.objects.get(entry=entry).action == "publish"
    result = screen(actor=actor("teller_bj_hd"), parties=[{"id_number": "110105199003071239"}])
    assert result[0].decision == "hit"
    assert result[0].hits[0].entry_id == entry.pk


def test_nominator_cannot_decide_their_own_nomination(actor, nominate):
    nomination = nominate("person", PERSON, by="ho_monitor")
    with pytest.raises(FourEyesRefused):
        services.nomination_approve(
            actor=actor("ho_monitor"), nomination_id=nomination.pk, reason="x"
        )
    with pytest.raises(FourEyesRefused):
        services.nomination_reject(
            actor=actor("ho_monitor"), nomination_id=nomination.pk, reason="x"
        )
    assert Nomination.objects.get(pk=nomination.pk).status == NominationStatus.OPEN
    assert not Entry.objects.exists()
    refusal = AuditEvent.objects.filter(outcome="refused").latest("id")
    assert refusal.thread == nomination.thread
    # The second head-office monitor may.
    services.nomination_approve(
        actor=actor("ho_monitor2"), nomination_id=nomination.pk, reason="同意"
    )
    assert Entry.objects.count() == 1


def test_database_refuses_a_decider_who_nominated(actor, nominate, person):
    nomination = nominate("person", PERSON)
    with pytest.raises(IntegrityError), transaction.atomic():
        Nomination.objects.filter(pk=nomination.pk).update(
            decided_by=person("monitor_bj"), decision_reason="x"
        )


@pytest.mark.parametrize(
    "username",
    ["teller_bj_hd", "manager_bj_hd", "monitor_bj", "security_bj", "ho_security", "auditor"],
)
def test_only_head_office_monitors_decide(actor, nominate, username):
    nomination = nominate("person", PERSON)
    with pytest.raises(PermissionRefused):
        services.nomination_approve(actor=actor(username), nomination_id=nomination.pk, reason="x")
    assert Nomination.objects.get(pk=nomination.pk).status == NominationStatus.OPEN
    assert not Entry.objects.exists()


@pytest.mark.parametrize(
    ("username", "allowed"),
    [
        ("teller_bj_hd", False),
        ("manager_bj_hd", False),
        ("security_bj", False),
        ("auditor", False),
        ("monitor_bj", True),
        ("monitor_gz", True),
        ("ho_monitor", True),
    ],
)
def test_who_may_nominate(actor, username, allowed):
    call = lambda: services.nomination_create(  # noqa: E731
        actor=actor(username), kind="phone", data={"phone": "13900139000"}, reason="诈骗电话"
    )
    if allowed:
        assert call().status == NominationStatus.OPEN
    else:
        with pytest.raises(PermissionRefused):
            call()
        assert not Nomination.objects.exists()


def test_rejection_needs_a_reason_and_publishes_nothing(actor, nominate):
    nomination = nominate("phone", {"phone": "13900139000"})
    with pytest.raises(InvalidInput):
        services.nomination_reject(
            actor=actor("ho_monitor"), nomination_id=nomination.pk, reason=" "
        )
    assert Nomination.objects.get(pk=nomination.pk).status == NominationStatus.OPEN
    services.nomination_reject(
        actor=actor("ho_monitor"), nomination_id=nomination.pk, reason="号码属于受害人"
    )
    nomination = Nomination.objects.get(pk=nomination.pk)
    assert nomination.status == NominationStatus.REJECTED
    assert nomination.decision_reason == "号码属于受害人"
    assert not Entry.objects.exists()
    with pytest.raises(InvalidTransition):
        services.nomination_approve(
            actor=actor("ho_monitor2"), nomination_id=nomination.pk, reason="x"
        )


def test_one_open_nomination_per_value_and_no_nomination_of_a_listed_value(
    actor, nominate, publish
):
    nominate("phone", {"phone": "139 0013 9000"})
    with pytest.raises(Conflict) as refused:
        nominate("phone", {"phone": "+86 13900139000"}, by="monitor_sh")
    assert refused.value.code == "already_nominated"
    assert Nomination.objects.count() == 1
    publish("account", {"account_number": "6217 0000 1000 1234 567"})
    with pytest.raises(Conflict) as refused:
        nominate("account", {"account_number": "6217000010001234567"}, by="monitor_gz")
    assert refused.value.code == "already_listed"


@pytest.mark.parametrize("kind", ["forged_bill", "fake_card"])
def test_features_pasted_with_crlf_or_lf_are_one_value(nominate, kind):
    windows = "票面颜色偏暗，\r\n出票人印章模糊；\r\n\r\n\r\n号码字体不一致  "
    unix = "票面颜色偏暗，\n出票人印章模糊；\n\n号码字体不一致"
    nomination = nominate(kind, {"features": windows}, reason="伪造票据：\r\n特征见附件")
    assert nomination.features == unix
    assert nomination.reason == "伪造票据：\n特征见附件"
    with pytest.raises(Conflict) as refused:
        nominate(kind, {"features": unix}, by="monitor_sh")
    assert refused.value.code == "already_nominated"
    assert Nomination.objects.filter(kind=kind).count() == 1


def test_database_allows_one_open_nomination_per_value(nominate):
    nomination = nominate("phone", {"phone": "13900139000"})
    copy = Nomination.objects.get(pk=nomination.pk)
    copy.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        copy.save()


def test_invalid_values_are_refused_with_field_messages_and_nothing_saved(actor):
    with pytest.raises(InvalidInput) as refused:
        services.nomination_create(
            actor=actor("monitor_bj"),
            kind="person",
            data={"name": "李强", "id_number": "110105199003071238"},
            reason="x",
        )
    assert "id_number" in refused.value.fields
    assert not Nomination.objects.exists()


def test_removal_needs_a_reason_and_stops_hits_at_once(actor, publish):
    entry = publish("phone", {"phone": "13900139000"})
    with pytest.raises(InvalidInput):
        services.entry_remove(actor=actor("ho_monitor"), entry_id=entry.pk, reason="")
    assert Entry.objects.get(pk=entry.pk).status == EntryStatus.ACTIVE
    with pytest.raises(PermissionRefused):
        services.entry_remove(actor=actor("monitor_bj"), entry_id=entry.pk, reason="x")
    services.entry_remove(actor=actor("ho_monitor"), entry_id=entry.pk, reason="号码已注销")
    entry = Entry.objects.get(pk=entry.pk)
    assert entry.status == EntryStatus.REMOVED and entry.removal_reason == "号码已注销"
    assert not EntryKey.objects.filter(entry=entry).exists()
    assert (
        screen(actor=actor("teller_bj_hd"), parties=[{"phone": "13900139000"}])[0].decision
        == "clear"
    )
    assert list(EntryChange.objects.filter(entry=entry).values_list("action", flat=True)) == [
        "publish",
        "remove",
    ]


def test_expired_entry_no_longer_hits_even_before_the_sweep(actor, publish):
    entry = publish("phone", {"phone": "13900139000"}, expires_on=timezone.localdate())
    party = [{"phone": "13900139000"}]
    assert screen(actor=actor("teller_bj_hd"), parties=party)[0].decision == "hit"
    with freeze_time(timezone.now() + datetime.timedelta(days=1)):
        assert screen(actor=actor("teller_bj_hd"), parties=party)[0].decision == "clear"
        assert Entry.objects.get(pk=entry.pk).status == EntryStatus.ACTIVE
        assert services.entries_expire_due() == 1
        assert Entry.objects.get(pk=entry.pk).status == EntryStatus.EXPIRED
        assert services.entries_expire_due() == 0
    assert EntryChange.objects.filter(entry=entry).latest("seq").action == "expire"
    assert AuditEvent.objects.filter(thread=entry.thread, action="watchlist.entry_expired").exists()


def test_sweep_expires_in_batches_until_a_batch_comes_back_short(publish, monkeypatch):
    monkeypatch.setattr(tasks, "EXPIRE_BATCH", 2)
    batches = []

    def spy(**kwargs):
        batches.append(services.entries_expire_due(**kwargs))
        return batches[-1]

    monkeypatch.setattr(tasks, "entries_expire_due", spy)
    today = timezone.localdate()
    for number in ("13900139000", "13900139001", "13900139002", "13900139003", "13900139004"):
        publish("phone", {"phone": number}, expires_on=today)
    with freeze_time(timezone.now() + datetime.timedelta(days=1)):
        assert tasks.watchlist_sweep() == 5
        assert batches == [2, 2, 1]
        assert tasks.watchlist_sweep() == 0
    assert not Entry.objects.filter(status=EntryStatus.ACTIVE).exists()


def test_entries_past_their_review_date_come_up_for_review(actor, publish):
    entry = publish("phone", {"phone": "13900139000"})
    head = actor("ho_monitor")
    assert not selectors.entries_due_for_review(actor=head).exists()
    later = timezone.now() + datetime.timedelta(days=366)
    with freeze_time(later):
        assert list(selectors.entries_due_for_review(actor=head)) == [entry]
        services.entry_review_confirm(actor=head, entry_id=entry.pk, note="仍在使用")
        assert not selectors.entries_due_for_review(actor=head).exists()
        assert Entry.objects.get(
            pk=entry.pk
        ).review_on == timezone.localdate() + datetime.timedelta(days=365)


def test_update_rewrites_keys_and_feeds_an_update(actor, publish):
    entry = publish("person", PERSON)
    services.entry_update(
        actor=actor("ho_monitor"),
        entry_id=entry.pk,
        data={"name": "李强", "id_number": "440106198501012344"},
        reason=entry.reason,
        note="更正证件号码",
    )
    keys = set(EntryKey.objects.filter(entry=entry).values_list("value", flat=True))
    assert keys == {"440106198501012344"}
    assert EntryChange.objects.filter(entry=entry).latest("seq").action == "update"
    event = AuditEvent.objects.get(thread=entry.thread, action="watchlist.entry_updated")
    assert event.before["id_number"] == "110105199003071239"
    assert event.after["id_number"] == "440106198501012344"


def test_every_change_is_audited_on_the_entry_and_nomination_threads(actor, nominate):
    nomination = nominate("phone", {"phone": "13900139000"})
    entry = services.nomination_approve(
        actor=actor("ho_monitor"), nomination_id=nomination.pk, reason="同意"
    )
    services.entry_remove(actor=actor("ho_monitor2"), entry_id=entry.pk, reason="误报")
    actions = list(selectors.entry_history(entry=entry).values_list("action", flat=True))
    assert actions == [
        "watchlist.nominated",
        "watchlist.nomination_approved",
        "watchlist.entry_published",
        "watchlist.entry_removed",
    ]


def test_decision_clock_runs_for_three_days_and_stops_on_decision(actor, nominate):
    nomination = nominate("phone", {"phone": "13900139000"})
    clock = Clock.objects.get(kind=services.NOMINATION_CLOCK, subject_id=nomination.pk)
    assert clock.status == "open"
    assert clock.unit.code == "HO"
    assert clock.due_at == nomination.due_at
    services.nomination_reject(actor=actor("ho_monitor"), nomination_id=nomination.pk, reason="否")
    clock.refresh_from_db()
    assert clock.status == "stopped"


def test_nominator_may_withdraw(actor, nominate):
    nomination = nominate("phone", {"phone": "13900139000"})
    with pytest.raises(PermissionRefused):
        services.nomination_withdraw(actor=actor("monitor_sh"), nomination_id=nomination.pk)
    services.nomination_withdraw(
        actor=actor("monitor2_bj"), nomination_id=nomination.pk, reason="重复"
    )
    assert Nomination.objects.get(pk=nomination.pk).status == NominationStatus.WITHDRAWN
    # A new nomination of the same value is possible again.
    assert services.nomination_create(
        actor=actor("monitor_bj"), kind="phone", data={"phone": "13900139000"}, reason="再次"
    )


def test_sub_branch_sees_only_its_own_nominations(actor, nominate):
    mine = nominate("phone", {"phone": "13900139000"})
    theirs = nominate("phone", {"phone": "13700137000"}, by="monitor_sh")
    assert list(selectors.nomination_list(actor=actor("monitor_bj"))) == [mine]
    assert set(selectors.nomination_list(actor=actor("ho_monitor"))) == {mine, theirs}
    with pytest.raises(NotFound):
        selectors.nomination_get(actor=actor("monitor_bj"), nomination_id=theirs.pk)

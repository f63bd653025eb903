"""The facts after filing, through the services: each edit audited with before and after,
the revision bumped; refused, invalid and conflicting edits change nothing (the row, the
audit trail's successful events, the outbox)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from fraudops.core.choices import Level
from fraudops.core.errors import (
    Conflict,
    InvalidInput,
    InvalidTransition,
    NotFound,
    PermissionRefused,
)
from fraudops.core.models import AuditEvent, OutboxMessage
from incidents import permissions, services
from incidents.demo import report_level
from incidents.models import Account, Incident, Party, SummaryAmendment, Vehicle
from incidents.selectors import incident_timeline
from incidents.timeline import timeline_entries

SECOND_PAYEE = "6217000010009876543"
VALID_ID = "11010519491231002X"


@pytest.fixture
def incident(file_incident):
    return file_incident()


def _state(incident: Incident) -> dict:
    """What a refused edit must leave untouched."""
    incident = Incident.objects.get(pk=incident.pk)
    return {
        "incident": Incident.objects.filter(pk=incident.pk).values().get(),
        "parties": list(Party.all_objects.filter(incident=incident).values()),
        "accounts": list(Account.all_objects.filter(incident=incident).values()),
        "vehicles": list(Vehicle.all_objects.filter(incident=incident).values()),
        "amendments": list(SummaryAmendment.objects.filter(incident=incident).values()),
        "ok_events": AuditEvent.objects.filter(thread=incident.thread, outcome="ok").count(),
        "outbox": OutboxMessage.objects.count(),
    }


def _last_event(incident: Incident) -> AuditEvent:
    return AuditEvent.objects.filter(thread=incident.thread, outcome="ok").latest("id")


# --- the incident's own facts -----------------------------------------------------------------


def test_editing_the_facts_is_audited_with_before_and_after_and_bumps_the_revision(incident, actor):
    occurred = timezone.now() - datetime.timedelta(hours=2)
    updated = services.incident_facts_update(
        actor=actor("teller_bj_hd"),
        incident_id=incident.pk,
        expected_revision=0,
        data={
            "occurred_at": occurred.isoformat(),
            "channel": "mobile_banking",
            "fraud_script": "safe_account",
            "fraud_script_detail": "自称公安，要求转入安全账户",
            "serious": True,
        },
    )
    assert updated.revision == 1
    incident.refresh_from_db()
    assert (incident.channel, incident.fraud_script, incident.serious) == (
        "mobile_banking",
        "safe_account",
        True,
    )
    assert abs(incident.occurred_at - occurred) < datetime.timedelta(seconds=1)
    event = _last_event(incident)
    assert event.action == "incident.facts_updated"
    assert event.actor_user.username == "teller_bj_hd"
    assert event.before == {
        "occurred_at": event.before["occurred_at"],
        "channel": "online_banking",
        "fraud_script": "posing_as_police",
        "fraud_script_detail": "",
        "serious": False,
    }
    assert event.after["channel"] == "mobile_banking" and event.after["serious"] is True
    assert event.data == {"revision": 1}


def test_the_summary_is_never_rewritten_amendments_follow_it(incident, actor):
    original = incident.summary
    services.incident_facts_update(
        actor=actor("teller_bj_hd"),
        incident_id=incident.pk,
        expected_revision=0,
        data={"summary_amendment": "流水显示第二个收款账户。\n已告知分行。"},
    )
    services.incident_facts_update(
        actor=actor("monitor_bj"),
        incident_id=incident.pk,
        expected_revision=1,
        data={"summary_amendment": "分行核实：第二收款账户在本行开立。"},
    )
    incident.refresh_from_db()
    assert incident.summary == original
    amendments = list(incident.amendments.all())
    assert [a.text for a in amendments] == [
        "流水显示第二个收款账户。\n已告知分行。",
        "分行核实：第二收款账户在本行开立。",
    ]
    assert [a.created_by.username for a in amendments] == ["teller_bj_hd", "monitor_bj"]
    assert [a.revision for a in amendments] == [1, 2]
    assert _last_event(incident).after == {
        "summary_amendment": "分行核实：第二收款账户在本行开立。"
    }


def test_the_same_values_again_are_not_an_edit(incident, actor):
    before = _state(incident)
    services.incident_facts_update(
        actor=actor("teller_bj_hd"),
        incident_id=incident.pk,
        expected_revision=0,
        data={"channel": incident.channel, "serious": False, "summary_amendment": "  "},
    )
    assert _state(incident) == before


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"channel": "carrier_pigeon"}, "channel"),
        ({"fraud_script": "nope"}, "fraud_script"),
        ({"occurred_at": "2026-02-30 10:00"}, "occurred_at"),
        ({"occurred_at": ""}, "occurred_at"),
        ({"fraud_script_detail": "长" * 201}, "fraud_script_detail"),
        ({"summary_amendment": "长" * 5001}, "summary_amendment"),
    ],
)
def test_a_bad_fact_is_refused_by_its_field_and_nothing_changes(incident, actor, data, field):
    before = _state(incident)
    with pytest.raises(InvalidInput) as refused:
        services.incident_facts_update(
            actor=actor("teller_bj_hd"),
            incident_id=incident.pk,
            expected_revision=0,
            data={"serious": True, **data},
        )
    assert list(refused.value.fields) == [field]
    assert _state(incident) == before


def test_a_future_occurred_at_is_refused(incident, actor):
    future = (timezone.now() + datetime.timedelta(hours=1)).isoformat()
    with pytest.raises(InvalidInput) as refused:
        services.incident_facts_update(
            actor=actor("teller_bj_hd"),
            incident_id=incident.pk,
            expected_revision=0,
            data={"occurred_at": future},
        )
    assert "occurred_at" in refused.value.fields


def test_a_stale_revision_is_a_conflict_and_nothing_changes(incident, actor):
    services.incident_facts_update(
        actor=actor("teller_bj_hd"),
        incident_id=incident.pk,
        expected_revision=0,
        data={"serious": True},
    )
    before = _state(incident)
    refused_before = AuditEvent.objects.filter(outcome="refused").count()
    with pytest.raises(Conflict) as conflict:
        services.account_add(
            actor=actor("manager_bj_hd"),
            incident_id=incident.pk,
            expected_revision=0,
            data={"role": "payee", "number": SECOND_PAYEE},
        )
    assert "当前版本 1" in str(conflict.value.message)
    assert _state(incident) == before
    # The conflict itself is recorded (after its changes rolled back), as every refusal is.
    assert AuditEvent.objects.filter(outcome="refused").count() == refused_before + 1


# --- who may edit ------------------------------------------------------------------------------


def test_the_holding_level_and_those_above_may_edit_but_not_the_level_below(incident, actor):
    for username in ("teller_bj_hd", "manager_bj_hd", "monitor_bj", "security_bj", "ho_monitor"):
        assert permissions.may_edit_facts(actor(username), incident=incident), username
    report_level(incident, Level.BRANCH)
    incident = Incident.objects.select_related("unit__parent__parent").get(pk=incident.pk)
    assert not permissions.may_edit_facts(actor("teller_bj_hd"), incident=incident)
    assert permissions.may_edit_facts(actor("monitor_bj"), incident=incident)
    before = _state(incident)
    with pytest.raises(PermissionRefused) as refused:
        services.party_add(
            actor=actor("teller_bj_hd"),
            incident_id=incident.pk,
            expected_revision=incident.revision,
            data={"role": "payee", "name": "王五"},
        )
    assert "只有该机构及其上级" in str(refused.value.message)
    assert _state(incident) == before
    services.party_add(
        actor=actor("monitor_bj"),
        incident_id=incident.pk,
        expected_revision=incident.revision,
        data={"role": "payee", "name": "王五"},
    )
    assert incident.parties.filter(name="王五").exists()


@pytest.mark.parametrize(
    ("username", "error"),
    [
        ("teller_sh_pd", NotFound),  # another region: as if it did not exist
        ("manager_bj_cy", NotFound),  # another branch of the same region
        ("auditor", PermissionRefused),  # reads everything, writes nothing
        ("authoriser_bj", PermissionRefused),  # works no level
    ],
)
def test_outsiders_and_the_wrong_roles_change_nothing(incident, actor, username, error):
    before = _state(incident)
    with pytest.raises(error):
        services.vehicle_add(
            actor=actor(username),
            incident_id=incident.pk,
            expected_revision=0,
            data={"kind": "fraud_phone", "value": "138 0013 8000"},
        )
    assert _state(incident) == before


def test_a_withdrawn_incident_cannot_change(incident, actor):
    services.incident_transition(
        actor=actor("manager_bj_hd"),
        incident_id=incident.pk,
        transition="withdraw",
        reason="重复报送",
    )
    incident.refresh_from_db()
    before = _state(incident)
    with pytest.raises(InvalidTransition) as refused:
        services.incident_facts_update(
            actor=actor("manager_bj_hd"),
            incident_id=incident.pk,
            expected_revision=0,
            data={"serious": True},
        )
    assert "不能再修改" in str(refused.value.message)
    assert _state(incident) == before


# --- parties, accounts and fraud vehicles -------------------------------------------------------


def test_adding_an_account_normalises_it_like_filing_and_is_audited(incident, actor):
    account = services.account_add(
        actor=actor("teller_bj_hd"),
        incident_id=incident.pk,
        expected_revision=0,
        data={
            "role": "payee",
            "kind": "account",
            "number": "６２１７ ０００ ０１０ ００９ ８７６ ５４３",  # full-width, as typed
            "holder_name": "趙六",
            "opening_unit": "BR-BJ-HD",
            "party": incident.parties.get(role="payee").pk,
        },
    )
    assert account.number == SECOND_PAYEE
    assert account.holder_name == "赵六"  # Traditional → Simplified
    assert account.at_this_bank and account.opening_unit.code == "BR-BJ-HD"
    event = _last_event(incident)
    assert (event.action, event.target, event.before) == (
        "account.added",
        f"account:{account.pk}",
        None,
    )
    assert event.after["number"] == SECOND_PAYEE and event.after["opening_unit"] == "BR-BJ-HD"
    assert Incident.objects.get(pk=incident.pk).revision == 1


@pytest.mark.parametrize(
    ("service", "data", "field"),
    [
        (
            "account_add",
            {"role": "victim", "kind": "card", "number": "6222020000000000001"},
            "number",
        ),
        ("account_add", {"role": "payee", "number": "12ab"}, "number"),
        (
            "account_add",
            {"role": "payee", "number": SECOND_PAYEE, "opening_unit": "NOPE"},
            "opening_unit",
        ),
        ("account_add", {"role": "payee", "number": SECOND_PAYEE, "party": 999999}, "party"),
        ("account_add", {"role": "boss", "number": SECOND_PAYEE}, "role"),
        ("party_add", {"role": "payee", "id_number": "110105194912310021"}, "id_number"),
        ("party_add", {"role": "payee", "phone": "12345"}, "phone"),
        (
            "party_add",
            {"role": "payee", "id_type": "uscc", "id_number": "91350100M000100Y4"},
            "id_number",
        ),
        ("party_add", {"role": "payee"}, "name"),
        ("vehicle_add", {"kind": "phishing_url", "value": "not a url"}, "value"),
        ("vehicle_add", {"kind": "fraud_phone", "value": "abc"}, "value"),
    ],
)
def test_a_bad_identifier_is_refused_by_its_field_and_nothing_is_saved(
    incident, actor, service, data, field
):
    before = _state(incident)
    with pytest.raises(InvalidInput) as refused:
        getattr(services, service)(
            actor=actor("teller_bj_hd"), incident_id=incident.pk, expected_revision=0, data=data
        )
    assert field in refused.value.fields
    assert _state(incident) == before


def test_correcting_a_party_records_only_what_changed(incident, actor):
    payee = incident.parties.get(role="payee")
    services.party_correct(
        actor=actor("monitor_bj"),
        incident_id=incident.pk,
        party_id=payee.pk,
        expected_revision=0,
        data={"id_number": VALID_ID.lower(), "name": "李強"},
    )
    payee.refresh_from_db()
    assert (payee.id_number, payee.id_type, payee.name) == (VALID_ID, "resident_id", "李强")
    event = _last_event(incident)
    assert event.action == "party.corrected"
    assert event.before == {"id_type": "", "id_number": ""}
    assert event.after == {"id_type": "resident_id", "id_number": VALID_ID}
    assert payee.phone == "+8613900139000"  # untouched fields keep their value


def test_removing_keeps_the_row_with_who_when_and_why_and_hides_it(incident, actor):
    vehicle = incident.vehicles.get()
    removed = services.vehicle_remove(
        actor=actor("teller_bj_hd"),
        incident_id=incident.pk,
        vehicle_id=vehicle.pk,
        expected_revision=0,
        reason="经核实为银行官网，误报",
    )
    assert removed.removed_by.username == "teller_bj_hd"
    assert removed.removal_reason == "经核实为银行官网，误报"
    assert not incident.vehicles.exists()
    assert not Vehicle.objects.filter(pk=vehicle.pk).exists()
    assert Vehicle.all_objects.get(pk=vehicle.pk).removed_at is not None
    event = _last_event(incident)
    assert event.action == "vehicle.removed"
    assert event.before["value"] == vehicle.value
    assert event.after["reason"] == "经核实为银行官网，误报"
    # A removed row cannot change any more.
    for call in (
        lambda: services.vehicle_remove(
            actor=actor("teller_bj_hd"),
            incident_id=incident.pk,
            vehicle_id=vehicle.pk,
            expected_revision=1,
            reason="再删",
        ),
        lambda: services.vehicle_correct(
            actor=actor("teller_bj_hd"),
            incident_id=incident.pk,
            vehicle_id=vehicle.pk,
            expected_revision=1,
            data={"notes": "x"},
        ),
    ):
        with pytest.raises(Conflict):
            call()


def test_removal_needs_a_reason(incident, actor):
    party = incident.parties.first()
    before = _state(incident)
    with pytest.raises(InvalidInput) as refused:
        services.party_remove(
            actor=actor("teller_bj_hd"),
            incident_id=incident.pk,
            party_id=party.pk,
            expected_revision=0,
            reason=" ",
        )
    assert list(refused.value.fields) == ["reason"]
    assert _state(incident) == before


def test_a_row_of_another_incident_is_not_found(incident, actor, file_incident):
    other = file_incident()
    with pytest.raises(NotFound):
        services.party_correct(
            actor=actor("teller_bj_hd"),
            incident_id=incident.pk,
            party_id=other.parties.first().pk,
            expected_revision=0,
            data={"name": "王五"},
        )


# --- the timeline ------------------------------------------------------------------------------


def test_the_timeline_tells_each_facts_edit_in_a_sentence(incident, actor, settings):
    teller = actor("teller_bj_hd")
    services.incident_facts_update(
        actor=teller, incident_id=incident.pk, data={"channel": "atm", "summary_amendment": "补充"}
    )
    account = services.account_add(
        actor=teller, incident_id=incident.pk, data={"role": "payee", "number": SECOND_PAYEE}
    )
    services.account_correct(
        actor=teller, incident_id=incident.pk, account_id=account.pk, data={"role": "linked"}
    )
    services.account_remove(
        actor=teller, incident_id=incident.pk, account_id=account.pk, reason="重复录入"
    )
    party = services.party_add(
        actor=teller, incident_id=incident.pk, data={"role": "payee", "name": "王五"}
    )
    services.party_remove(actor=teller, incident_id=incident.pk, party_id=party.pk, reason="误录")
    services.vehicle_add(
        actor=teller,
        incident_id=incident.pk,
        data={"kind": "phishing_url", "value": "https://icbc-verify.example.cn"},
    )
    from django.utils import translation

    with translation.override("en"):
        entries = timeline_entries(incident_timeline(incident=incident), tasks={})
        sentences = [entry.sentence for entry in entries]
        assert "Changed the incident's facts" in sentences
        assert f"Added the account {SECOND_PAYEE} (Payee / fraud account)" in sentences
        assert "Corrected an account" in sentences
        assert (
            f"Removed the account {SECOND_PAYEE} (Linked account) from the case file: 重复录入"
        ) in sentences
        assert "Added the party Payee 王五" in sentences
        assert "Removed the party Payee 王五 from the case file: 误录" in sentences
        assert "Added the fraud vehicle https://icbc-verify.example.cn (Phishing site)" in sentences
        facts = next(e for e in entries if e.sentence == "Changed the incident's facts")
        assert [(c.label, c.before, c.after) for c in facts.changes] == [
            ("channel", "Online banking", "ATM or self-service terminal"),
            ("added to what happened", "", "补充"),
        ]
        corrected = next(e for e in entries if e.sentence == "Corrected an account")
        assert [(c.label, c.before, c.after) for c in corrected.changes] == [
            ("role", "Payee / fraud account", "Linked account")
        ]
    with translation.override("zh-hans"):
        zh = [e.sentence for e in timeline_entries(incident_timeline(incident=incident), tasks={})]
    assert len(zh) == len(sentences) and all(zh)


def test_an_account_whose_holder_was_removed_can_still_be_corrected(incident, actor):
    teller = actor("teller_bj_hd")
    account = incident.accounts.get(party__role="payee")
    services.party_remove(
        actor=teller, incident_id=incident.pk, party_id=account.party_id, reason="误录"
    )
    services.account_correct(
        actor=teller, incident_id=incident.pk, account_id=account.pk, data={"holder_name": "李强"}
    )
    account.refresh_from_db()
    assert (account.holder_name, account.party) == ("李强", None)

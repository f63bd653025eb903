"""Customer-safety events (issue 11, item 2; seed 000, case 4: a card left in an ATM): a type
shipped as data with a branch-only playbook, closed at the branch by its manager, never
given fraud behaviour, and counted apart from the fraud figures."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone, translation
from freezegun import freeze_time

from controls.choices import ControlKind
from controls.models import ControlRequest
from controls.services import control_requests_create
from fraudops.core.errors import InvalidTransition, PermissionRefused
from fraudops.core.models import AuditEvent
from incidents.choices import IncidentState, TaskStatus
from incidents.models import Incident
from incidents.services import incident_file, incident_transition, task_complete
from incidents.timeliness import timeliness_by_unit
from tests.incident_data import VALID_CARD, filing
from watchlist.choices import EntryKind
from watchlist.models import IncidentScreeningHit
from watchlist.tests.factories import EntryFactory
from workflows.choices import IncidentGroup
from workflows.models import Playbook

pytestmark = pytest.mark.django_db

RESIDENT_ID = "11010519491231002X"


def safety_filing(**overrides) -> dict:
    """A card left in an ATM, as the lobby manager found it: no fraud fields at all."""
    occurred = timezone.now() - datetime.timedelta(minutes=5)
    data = {
        "incident_type": "customer_safety",
        "occurred_at": occurred.isoformat(),
        "summary": "大堂经理巡视时发现ATM处于受理状态,客户已离开,卡片遗留在插槽内。",
        "channel": "atm",
        "accounts": [{"role": "other", "kind": "card", "number": VALID_CARD, "at_this_bank": True}],
    }
    data.update(overrides)
    return data


EVIDENCE = {
    "secure_card_or_session": {
        "event_kind": "card_left_in_atm",
        "secured_at": "2026-03-02T10:05",
        "card_number": VALID_CARD,
        "how_secured": "退出受理画面,卡片交柜台保管。",
    },
    "contact_customer": {
        "contacted_at": "2026-03-02T10:20",
        "phone": "13800138000",
        "result": "reached",
    },
    "verify_identity": {
        "resident_id": RESIDENT_ID,
        "verified_at": "2026-03-02T11:00",
        "holder_matches": True,
    },
    "hand_over": {"handed_to": "customer", "handed_at": "2026-03-02T11:02"},
    "record_event": {"summary": "已交还客户本人,并提醒其操作后取回卡片。"},
}


def _work_every_step(incident, actor) -> None:
    for task in incident.tasks.order_by("order"):
        who = "manager_bj_hd" if task.owner_role == "branch_manager" else "teller_bj_hd"
        task_complete(actor=actor(who), task_id=task.pk, evidence=EVIDENCE[task.step.code])


@pytest.fixture
def safety_event(actor):
    with freeze_time("2026-03-02T10:00:00+08:00"):
        incident = incident_file(actor=actor("teller_bj_hd"), data=safety_filing())
    return Incident.objects.get(pk=incident.pk)


def test_the_type_is_shipped_in_its_own_group_with_a_branch_only_playbook(bank):
    playbook = Playbook.objects.get(incident_type__code="customer_safety", is_current=True)
    assert playbook.incident_type.group == IncidentGroup.CUSTOMER_SAFETY
    assert not playbook.incident_type.is_fraud
    assert playbook.last_level() == "branch"
    assert [s.code for s in playbook.steps.order_by("order")] == [
        "secure_card_or_session",
        "contact_customer",
        "verify_identity",
        "hand_over",
        "record_event",
    ]
    assert not playbook.steps.filter(reports_up=True).exists()
    verify = playbook.steps.get(code="verify_identity")
    assert [f["type"] for f in verify.evidence if f["name"] == "resident_id"] == ["resident_id"]


def test_filed_without_any_fraud_field(safety_event):
    assert safety_event.state == IncidentState.BRANCH_HANDLING
    assert safety_event.fraud_script == "" and safety_event.amount_lost == 0
    assert not safety_event.parties.exists()
    assert safety_event.tasks.count() == 5
    assert set(safety_event.tasks.values_list("level", flat=True)) == {"branch"}


def test_the_branch_manager_closes_it_at_the_branch_once_every_step_is_done(safety_event, actor):
    with freeze_time("2026-03-02T11:10:00+08:00"):
        with pytest.raises(InvalidTransition):
            incident_transition(
                actor=actor("manager_bj_hd"), incident_id=safety_event.pk, transition="close"
            )
        _work_every_step(safety_event, actor)
        safety_event.refresh_from_db()
        # No step reports up: it stays at the branch.
        assert safety_event.state == IncidentState.BRANCH_HANDLING
        assert safety_event.reported_to_sub_branch_at is None
        with pytest.raises(PermissionRefused):
            incident_transition(
                actor=actor("teller_bj_hd"), incident_id=safety_event.pk, transition="close"
            )
        closed = incident_transition(
            actor=actor("manager_bj_hd"), incident_id=safety_event.pk, transition="close"
        )
    assert closed.state == IncidentState.CLOSED
    assert closed.closed_at is not None
    event = AuditEvent.objects.filter(thread=closed.thread, action="incident.transition").last()
    assert event.before["state"] == IncidentState.BRANCH_HANDLING
    assert event.after["state"] == IncidentState.CLOSED


def test_an_unclaimed_card_goes_to_the_card_issuing_process(safety_event, actor):
    from incidents.services import task_mark_not_applicable

    verify = safety_event.tasks.get(step__code="verify_identity")
    task_mark_not_applicable(
        actor=actor("teller_bj_hd"), task_id=verify.pk, reason="客户三日内未来领取。"
    )
    for code in ("secure_card_or_session", "contact_customer"):
        task = safety_event.tasks.get(step__code=code)
        task_complete(actor=actor("teller_bj_hd"), task_id=task.pk, evidence=EVIDENCE[code])
    hand_over = safety_event.tasks.get(step__code="hand_over")
    task_complete(
        actor=actor("teller_bj_hd"),
        task_id=hand_over.pk,
        evidence={"handed_to": "card_issuing", "handed_at": "2026-03-05T10:00"},
    )
    record = safety_event.tasks.get(step__code="record_event")
    task_complete(
        actor=actor("manager_bj_hd"), task_id=record.pk, evidence=EVIDENCE["record_event"]
    )
    closed = incident_transition(
        actor=actor("manager_bj_hd"), incident_id=safety_event.pk, transition="close"
    )
    assert closed.state == IncidentState.CLOSED
    assert verify.__class__.objects.get(pk=verify.pk).status == TaskStatus.NOT_APPLICABLE


def test_a_fraud_incident_is_still_not_closed_at_the_branch(actor, file_incident_here):
    incident = file_incident_here("impostor_customer")
    with pytest.raises(InvalidTransition):
        incident_transition(
            actor=actor("manager_bj_hd"), incident_id=incident.pk, transition="close"
        )
    incident.refresh_from_db()
    assert incident.state == IncidentState.BRANCH_HANDLING


@pytest.fixture
def file_incident_here(actor):
    def make(incident_type: str):
        return incident_file(actor=actor("teller_bj_hd"), data=filing(incident_type))

    return make


def test_no_fraud_behaviour_no_screening_no_account_control(actor, bank):
    EntryFactory(kind=EntryKind.ACCOUNT, data={"account_number": VALID_CARD})
    # The same card on a fraud is screened and hits: the safety event's is not screened.
    fraud = incident_file(actor=actor("teller_bj_hd"), data=filing("card_skimming"))
    assert IncidentScreeningHit.objects.filter(incident=fraud).exists()
    incident = incident_file(actor=actor("teller_bj_hd"), data=safety_filing())
    assert not IncidentScreeningHit.objects.filter(incident=incident).exists()
    account = incident.accounts.get()
    with translation.override("en"), pytest.raises(PermissionRefused) as refused:
        control_requests_create(
            actor=actor("teller_bj_hd"),
            incident_id=incident.pk,
            kind=ControlKind.STOP_PAYMENT,
            targets=[{"account": account.pk}],
            reason="误操作",
        )
    assert "not one" in str(refused.value.message)
    assert not ControlRequest.objects.filter(incident=incident).exists()


def test_the_timeliness_figures_leave_it_out_and_count_it_apart(safety_event, actor, bank):
    with freeze_time("2026-03-02T10:00:00+08:00"):
        fraud = incident_file(actor=actor("teller_bj_hd"), data=filing("impostor_customer"))
    with freeze_time("2026-03-02T10:10:00+08:00"):
        for task in safety_event.tasks.filter(step__code="secure_card_or_session"):
            task_complete(
                actor=actor("teller_bj_hd"),
                task_id=task.pk,
                evidence=EVIDENCE["secure_card_or_session"],
            )
    with freeze_time("2026-03-02T12:00:00+08:00"):
        figures = timeliness_by_unit(
            actor=actor("monitor_bj"),
            unit=bank["SB-BJ"],
            date_from=datetime.date(2026, 3, 1),
            date_to=datetime.date(2026, 3, 31),
        )
    fraud_steps = fraud.tasks.exclude(status=TaskStatus.WAITING).filter(
        due_at__date__lte=datetime.date(2026, 3, 31)
    )
    total = figures["total"]
    assert total["on_time"] + total["late"] + total["overdue"] + total["pending"] == (
        fraud_steps.count()
    )
    step_codes = {row["step"] for row in figures["by_step"]}
    assert "secure_card_or_session" not in step_codes
    safety = figures["customer_safety"]
    assert safety["on_time"] == 1
    assert safety["on_time"] + safety["late"] + safety["overdue"] + safety["pending"] == 5


def test_fraud_facts_are_refused_for_a_safety_event_by_name(actor, bank):
    from fraudops.core.errors import InvalidInput

    data = safety_filing(
        fraud_script="posing_as_police",
        amount_lost="100",
        vehicles=[{"kind": "fraud_phone", "value": "13900139000"}],
    )
    before = Incident.objects.count()
    with translation.override("en"), pytest.raises(InvalidInput) as refused:
        incident_file(actor=actor("teller_bj_hd"), data=data)
    assert {"fraud_script", "amount_lost", "vehicles"} <= set(refused.value.fields)
    assert "Not a fraud" in refused.value.fields["amount_lost"][0]
    assert Incident.objects.count() == before


def test_the_filing_page_asks_no_fraud_fields_and_files_it(client, person):
    client.force_login(person("teller_bj_hd"))
    with translation.override("en"):
        page = client.get("/incidents/new/customer_safety/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    html = page.content.decode()
    for name in ("fraud_script", "amount_lost", "outcome", "vehicles-0-value"):
        assert f'name="{name}"' not in html
    assert 'name="accounts-0-number"' in html
    form = {
        "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "summary": "客户离开后自助终端仍处于登录状态。",
        "channel": "atm",
        **_management("parties", 1),
        "parties-0-role": "other",
        **_management("accounts", 1),
        "accounts-0-role": "other",
        "accounts-0-kind": "card",
        **_management("vehicles", 1),
    }
    response = client.post("/incidents/new/customer_safety/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    incident = Incident.objects.get(incident_type="customer_safety")
    assert incident.tasks.count() == 5


def _management(prefix: str, total: int) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(total),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "50",
    }


def test_the_demo_bank_has_one_safety_event_waiting_for_the_customer(bank):
    from incidents.demo_incidents import demo_incidents_build

    demo_incidents_build()
    event = Incident.objects.get(external_reference="DEMO-5")
    assert event.incident_type_id == "customer_safety"
    assert event.state == IncidentState.BRANCH_HANDLING
    done = set(event.tasks.filter(status=TaskStatus.DONE).values_list("step__code", flat=True))
    assert done == {"secure_card_or_session", "contact_customer"}
    assert Incident.objects.filter(incident_type__group=IncidentGroup.CUSTOMER_SAFETY).count() == 1


def test_the_incident_list_filters_by_group(client, person, actor):
    incident_file(actor=actor("teller_bj_hd"), data=safety_filing())
    fraud = incident_file(actor=actor("teller_bj_hd"), data=filing("impostor_customer"))
    client.force_login(person("manager_bj_hd"))
    page = client.get("/incidents/?group=customer_safety")
    numbers = [i.number for i in page.context["incidents"]]
    assert len(numbers) == 1 and fraud.number not in numbers
    api = client.get("/api/v1/incidents/?group=against_bank").json()
    assert [row["number"] for row in api["results"]] == [fraud.number]


def test_the_export_names_each_rows_group(client, person, actor):
    incident_file(actor=actor("teller_bj_hd"), data=safety_filing())
    client.force_login(person("monitor_bj"))
    response = client.get("/incidents/export.csv", HTTP_ACCEPT_LANGUAGE="en")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = [line.split(",") for line in text.splitlines()]
    assert rows[0][-1] == "Group"
    assert rows[1][-1] == "Customer safety"


def test_a_fraud_script_cannot_be_added_to_it_after_filing(safety_event, actor, client, person):
    from fraudops.core.errors import InvalidInput
    from incidents.services import incident_facts_update

    with translation.override("en"), pytest.raises(InvalidInput) as refused:
        incident_facts_update(
            actor=actor("teller_bj_hd"),
            incident_id=safety_event.pk,
            data={"fraud_script": "posing_as_police", "serious": True},
        )
    assert set(refused.value.fields) == {"fraud_script", "serious"}
    client.force_login(person("teller_bj_hd"))
    page = client.get(f"/incidents/{safety_event.number}/edit/").content.decode()
    assert 'name="fraud_script"' not in page and 'name="channel"' in page


def test_a_fraud_vehicle_cannot_be_added_to_it_after_filing(safety_event, actor):
    from fraudops.core.errors import InvalidInput
    from incidents.services import vehicle_add

    with translation.override("en"), pytest.raises(InvalidInput) as refused:
        vehicle_add(
            actor=actor("teller_bj_hd"),
            incident_id=safety_event.pk,
            data={"kind": "phone", "value": "13800138000"},
        )
    assert "kind" in refused.value.fields
    assert not safety_event.vehicles.exists()

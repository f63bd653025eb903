"""A notification at every hand-over (issue 11, item 4): filed, reported up, instructed,
returned, resubmitted, closed, withdrawn. Each reaches each recipient exactly once, in the
inbox and by email, even when the outbox relay runs every row twice; T1–T3 filings with a
payee account at this bank are urgent."""

from __future__ import annotations

from collections import Counter

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from fraudops.core.actors import Actor
from fraudops.core.choices import Level
from fraudops.core.models import OutboxMessage, User
from fraudops.core.outbox import outbox_relay_batch
from incidents import notices, services
from incidents.choices import IncidentState, TaskStatus
from incidents.demo import report_level, work_level
from incidents.models import Incident
from notifications.choices import Tone
from notifications.models import Notification
from tests.incident_data import filing

from .factories import IncidentFactory

pytestmark = pytest.mark.django_db

BJ_MONITORS = {"monitor_bj", "monitor2_bj"}
HO_MONITORS = {"ho_monitor", "ho_monitor2"}


def relay_every_row_twice() -> None:
    """Run the outbox until it is empty, then run every row it ran once more (a relay that
    lost the "sent" mark of rows it had delivered), until no new row appears: every
    notification, email and digest row is handled exactly twice."""
    seen: set[int] = set()
    while True:
        while outbox_relay_batch():
            pass
        fresh = list(OutboxMessage.objects.exclude(pk__in=seen).values_list("pk", flat=True))
        if not fresh:
            return
        seen.update(fresh)
        OutboxMessage.objects.filter(pk__in=fresh).update(
            status=OutboxMessage.Status.PENDING, next_attempt_at=timezone.now()
        )


def told(key: str) -> Counter[str]:
    """Who got the notification `key`, with how many inbox rows each."""
    return Counter(
        Notification.objects.filter(key=key).values_list("recipient__username", flat=True)
    )


def mails_of(key: str) -> Counter[str]:
    """How many emails each recipient of `key` got about it (by its title and text in their
    language)."""
    counts: Counter[str] = Counter()
    for notification in Notification.objects.filter(key=key).select_related("recipient"):
        title = notification.title_zh  # the demo people read Chinese
        counts[notification.recipient.username] = sum(
            1
            for message in mail.outbox
            if message.to == [notification.recipient.email]
            and title in message.subject
            and notification.body_zh in message.body
        )
    return counts


def assert_once_each(key: str, expected: set[str]) -> Notification:
    """`key` reached exactly `expected`, once each in the inbox and once each by email."""
    relay_every_row_twice()
    assert told(key) == Counter(dict.fromkeys(expected, 1))
    assert mails_of(key) == Counter(dict.fromkeys(expected, 1))
    return Notification.objects.filter(key=key).first()


def _actor(username: str) -> Actor:
    return Actor.for_user(User.objects.select_related("unit").get(username=username))


def _file(incident_type: str = "telecom_fraud", **overrides) -> Incident:
    relay_every_row_twice()
    return services.incident_file(
        actor=_actor("teller_bj_hd"), data=filing(incident_type, **overrides)
    )


def _key_of(kind: str, incident: Incident) -> str:
    relay_every_row_twice()
    keys = set(
        Notification.objects.filter(kind=kind, thread=incident.thread).values_list("key", flat=True)
    )
    assert len(keys) == 1, keys
    return keys.pop()


# --- filed ---------------------------------------------------------------------------------


def test_filing_by_a_teller_tells_the_sub_branchs_monitors_once_each(bank):
    incident = _file("impostor_customer")
    notice = assert_once_each(f"incident:{incident.pk}:filed", BJ_MONITORS)
    assert notice.kind == notices.KIND_FILED
    assert notice.url == incident.get_absolute_url()
    assert notice.thread == incident.thread
    assert incident.number in notice.title_zh and incident.number in notice.title_en
    assert "北京海淀支行" in notice.title_zh
    assert "Beijing Haidian Branch" in notice.title_en
    assert notice.tone == Tone.INFO
    # The link in the email is absolute and goes to the incident.
    (message,) = [m for m in mail.outbox if m.to == ["monitor_bj@demo-bank.example"]]
    assert f"http://127.0.0.1:8000/incidents/{incident.number}/" in message.body


def test_a_customer_safety_event_tells_its_branch_manager_not_the_sub_branch(bank):
    # A card left in an ATM stays at its branch (its playbook ends there).
    from tests.test_customer_safety import safety_filing  # the safety event's own filing data

    relay_every_row_twice()
    incident = services.incident_file(actor=_actor("teller_bj_hd"), data=safety_filing())
    notice = assert_once_each(f"incident:{incident.pk}:filed", {"manager_bj_hd"})
    assert notice.tone == Tone.INFO


def test_filing_in_the_browser_tells_the_monitors_urgently_for_a_payee_here(bank, person, client):
    client.force_login(person("teller_bj_hd"))
    form = {
        "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "summary": "客户接到冒充公安的电话，网银转出 5 万元。",
        "channel": "online_banking",
        "amount_lost": "50000",
        "parties-TOTAL_FORMS": "1",
        "parties-INITIAL_FORMS": "0",
        "parties-0-role": "payee",
        "parties-0-name": "李强",
        "accounts-TOTAL_FORMS": "1",
        "accounts-INITIAL_FORMS": "0",
        "accounts-0-role": "payee",
        "accounts-0-kind": "account",
        "accounts-0-number": "6217000010001234567",
        "accounts-0-opening_unit": "BR-SH-PD",
        "vehicles-TOTAL_FORMS": "0",
        "vehicles-INITIAL_FORMS": "0",
    }
    response = client.post("/incidents/new/telecom_fraud/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    incident = Incident.objects.get()
    notice = assert_once_each(f"incident:{incident.pk}:filed", BJ_MONITORS)
    assert notice.tone == Tone.DANGER


def test_filing_through_the_api_by_core_banking_tells_the_monitors_too(bank, core_banking):
    data = filing("impostor_customer", unit="BR-BJ-HD")
    response = core_banking.post("/api/v1/incidents/", data, format="json")
    assert response.status_code == 201, response.json()
    incident = Incident.objects.get(number=response.json()["number"])
    notice = assert_once_each(f"incident:{incident.pk}:filed", BJ_MONITORS)
    assert "core-banking" in notice.body_en


@pytest.mark.parametrize("incident_type", ["telecom_fraud", "phishing_site", "card_skimming"])
def test_t1_to_t3_with_a_payee_account_here_is_urgent(bank, incident_type):
    incident = _file(incident_type)
    notice = assert_once_each(f"incident:{incident.pk}:filed", BJ_MONITORS)
    assert notice.tone == Tone.DANGER
    assert notice.title_en.startswith("URGENT")
    assert "control it at once" in notice.body_en


def test_t1_with_the_payee_account_at_another_bank_is_not_urgent(bank):
    accounts = [
        {"role": "victim", "kind": "card", "number": "6222020000000000000", "party": 0},
        {"role": "payee", "kind": "account", "number": "6217000010001234567", "party": 1},
    ]
    incident = _file("telecom_fraud", accounts=accounts)
    notice = assert_once_each(f"incident:{incident.pk}:filed", BJ_MONITORS)
    assert notice.tone == Tone.INFO
    assert not notice.title_en.startswith("URGENT")


def test_an_interception_with_a_payee_account_here_is_not_urgent(bank):
    # Urgency is for money sent to a fraud account (T1–T3), not every type.
    incident = _file("fake_credit_card")
    assert not notices.is_urgent_filing(incident)
    notice = assert_once_each(f"incident:{incident.pk}:filed", BJ_MONITORS)
    assert notice.tone == Tone.INFO


def test_nothing_is_told_when_the_filing_is_refused(bank):
    with pytest.raises(Exception):  # noqa: B017 - whichever refusal: nothing may be queued
        services.incident_file(
            actor=_actor("teller_bj_hd"), data=filing(summary="", occurred_at="")
        )
    relay_every_row_twice()
    assert not Notification.objects.filter(kind=notices.KIND_FILED).exists()


# --- reported up ----------------------------------------------------------------------------


def test_reporting_up_tells_the_next_levels_lead_at_the_receiving_unit(bank):
    incident = _file()
    report_level(incident, Level.BRANCH)
    key = _key_of(notices.KIND_REPORTED, incident)
    assert key.startswith(f"incident:{incident.pk}:reported:sub_branch:")
    notice = assert_once_each(key, BJ_MONITORS)
    assert "北京分行" in notice.title_zh

    report_level(incident, Level.SUB_BRANCH)
    relay_every_row_twice()
    keys = set(
        Notification.objects.filter(kind=notices.KIND_REPORTED).values_list("key", flat=True)
    )
    (to_head_office,) = keys - {key}
    assert to_head_office.startswith(f"incident:{incident.pk}:reported:head_office:")
    assert_once_each(to_head_office, HO_MONITORS)


# --- instructed ------------------------------------------------------------------------------


def test_an_instruction_tells_the_steps_owner_role_at_its_unit(bank):
    incident = _file("impostor_customer")
    waiting = incident.tasks.get(status=TaskStatus.WAITING)
    report_level(incident, Level.BRANCH)
    services.task_instruct(
        actor=_actor("monitor_bj"), task_id=waiting.pk, instruction="请立即报案。"
    )
    owners = set(
        User.objects.filter(
            unit=waiting.unit, role_assignments__role=waiting.owner_role
        ).values_list("username", flat=True)
    )
    assert owners
    notice = assert_once_each(f"task:{waiting.pk}:instructed", owners)
    assert "请立即报案。" in notice.body_zh
    assert notice.url.endswith(f"#task-{waiting.pk}")


# --- returned and resubmitted -------------------------------------------------------------


def _transition(username: str, incident: Incident, transition: str, reason: str = "") -> None:
    services.incident_transition(
        actor=_actor(username), incident_id=incident.pk, transition=transition, reason=reason
    )


def test_each_return_and_resubmission_is_its_own_notice(bank):
    incident = _file("impostor_customer")
    report_level(incident, Level.BRANCH)
    relay_every_row_twice()

    _transition("monitor_bj", incident, "return", "请补充开户资料。")
    first_return = _key_of(notices.KIND_RETURNED, incident)
    assert first_return.startswith(f"incident:{incident.pk}:returned:branch:")
    # The branch's manager, and the teller who filed it.
    notice = assert_once_each(first_return, {"manager_bj_hd", "teller_bj_hd"})
    assert "请补充开户资料。" in notice.body_zh
    assert notice.tone == Tone.WARNING

    _transition("teller_bj_hd", incident, "resubmit")
    first_resubmission = _key_of(notices.KIND_RESUBMITTED, incident)
    assert first_resubmission.startswith(f"incident:{incident.pk}:resubmitted:sub_branch:")
    assert_once_each(first_resubmission, BJ_MONITORS)

    # A second round trip: new notices, under new keys, once each again.
    _transition("monitor2_bj", incident, "return", "还需要身份证复印件。")
    _transition("manager_bj_hd", incident, "resubmit")
    relay_every_row_twice()
    returns = set(
        Notification.objects.filter(kind=notices.KIND_RETURNED).values_list("key", flat=True)
    )
    resubmissions = set(
        Notification.objects.filter(kind=notices.KIND_RESUBMITTED).values_list("key", flat=True)
    )
    assert len(returns) == 2 and len(resubmissions) == 2
    (second_return,) = returns - {first_return}
    (second_resubmission,) = resubmissions - {first_resubmission}
    assert_once_each(second_return, {"manager_bj_hd", "teller_bj_hd"})
    assert_once_each(second_resubmission, BJ_MONITORS)


def test_returning_from_head_office_tells_the_sub_branch(bank):
    incident = _file("impostor_customer")
    report_level(incident, Level.BRANCH)
    report_level(incident, Level.SUB_BRANCH)
    _transition("ho_monitor", incident, "return", "请补充分行意见。")
    key = _key_of(notices.KIND_RETURNED, incident)
    assert key.startswith(f"incident:{incident.pk}:returned:sub_branch:")
    assert_once_each(key, BJ_MONITORS)
    _transition("monitor_bj", incident, "resubmit")
    key = _key_of(notices.KIND_RESUBMITTED, incident)
    assert key.startswith(f"incident:{incident.pk}:resubmitted:head_office:")
    assert_once_each(key, HO_MONITORS)


# --- closed and withdrawn ----------------------------------------------------------------


def test_closing_tells_the_units_that_worked_it_but_not_the_closer(bank):
    incident = _file("impostor_customer")
    for level in (Level.BRANCH, Level.SUB_BRANCH, Level.HEAD_OFFICE):
        work_level(incident, level)
    _transition("ho_monitor", incident, "close")
    incident.refresh_from_db()
    assert incident.state == IncidentState.CLOSED
    notice = assert_once_each(
        f"incident:{incident.pk}:closed", {"manager_bj_hd", "teller_bj_hd", *BJ_MONITORS}
    )
    assert incident.number in notice.title_en


def test_withdrawing_at_the_branch_tells_the_filer_not_the_sub_branch(bank):
    incident = _file("impostor_customer")
    _transition("manager_bj_hd", incident, "withdraw", "重复登记")
    assert_once_each(f"incident:{incident.pk}:withdrawn", {"teller_bj_hd"})


# --- one transaction --------------------------------------------------------------------


def test_a_hand_over_that_rolls_back_tells_no_one(bank):
    incident = _file("impostor_customer")
    report_level(incident, Level.BRANCH)
    relay_every_row_twice()
    with pytest.raises(RuntimeError), transaction.atomic():
        _transition("monitor_bj", incident, "return", "请补充")
        raise RuntimeError("the request failed after the service")
    relay_every_row_twice()
    assert not Notification.objects.filter(kind=notices.KIND_RETURNED).exists()


def test_demo_people_have_addresses_so_every_notice_is_emailed(bank):
    assert not User.objects.filter(email="").exists()
    assert User.objects.get(username="monitor_bj").email == "monitor_bj@demo-bank.example"


def test_a_factory_filed_incident_notifies_like_any_other(bank):
    incident = IncidentFactory(incident_type="impostor_customer")
    assert_once_each(f"incident:{incident.pk}:filed", BJ_MONITORS)

"""The incident pages: who sees what, forms that call the services, refusals shown in the
user's language with nothing changed, and query counts that do not grow with rows."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from freezegun import freeze_time

from fraudops.core.choices import Level
from fraudops.core.errors import DomainError, NotFound
from fraudops.core.models import AuditEvent
from incidents import permissions, selectors, services
from incidents.actions import TRANSITIONS
from incidents.choices import OVER_STATES, IncidentState, TaskStatus, states_held_at
from incidents.demo import SAMPLE_IDENTIFIERS, TINY_PNG, report_level, work_level
from incidents.models import Incident, Task
from tests.incident_data import filing
from tests.query_counts import exact

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
# Exact query counts of the list pages as these tests read them (first request of a session).
LIST_PAGE = 11
HOME_PAGE = 18  # 12 + the live change marker, read first (docs/live-updates.md), + the
# registered home panels (complaints: its open complaints, one query, and the marker's rows
# of them, one more) + the views' counts


def _file(actor, incident_type="telecom_fraud", username="teller_bj_hd", **overrides):
    return services.incident_file(actor=actor(username), data=filing(incident_type, **overrides))


def _login(client, person, username):
    client.force_login(person(username))
    return client


def _page(client, incident):
    response = client.get(f"/incidents/{incident.number}/", **EN)
    assert response.status_code == 200
    return response.content.decode()


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **EN)
    assert response.status_code == 200
    return len(queries)


# --- who sees which page -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "home", "filing_page"),
    [
        ("teller_bj_hd", 200, 200),
        ("manager_bj_hd", 200, 200),
        ("monitor_bj", 200, 403),
        ("security_bj", 200, 403),
        ("ho_monitor", 200, 403),
        ("auditor", 302, 403),
        ("admin", 302, 403),
    ],
)
def test_pages_render_for_each_role(client, person, actor, username, home, filing_page):
    incident = _file(actor)
    _login(client, person, username)
    response = client.get("/", **EN)
    assert response.status_code == home
    if home == 302:  # auditors and administrators see the incident list instead
        assert response["Location"] == "/incidents/"
    assert client.get("/incidents/", **EN).status_code == 200
    assert client.get("/incidents/new/", **EN).status_code == filing_page
    assert client.get("/incidents/new/telecom_fraud/", **EN).status_code == filing_page
    assert incident.number in _page(client, incident)


@pytest.mark.parametrize(
    "url",
    ["/", "/incidents/", "/incidents/new/", "/incidents/new/telecom_fraud/", "/incidents/X/"],
)
def test_anonymous_visitors_go_to_login(client, bank, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_login_page_and_logout(client, person, bank):
    assert "csrfmiddlewaretoken" in client.get("/accounts/login/", **EN).content.decode()
    response = client.post(
        "/accounts/login/", {"username": "teller_bj_hd", "password": "FraudOps-demo-2026"}
    )
    assert response.status_code == 302 and response["Location"] == "/"
    page = client.get("/", **EN).content.decode()
    assert "Log out" in page and "Teller" in page
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/").status_code == 302


def test_header_shows_unit_roles_and_chinese_by_default(client, person, bank):
    _login(client, person, "monitor_bj")
    page = client.get("/").content.decode()
    assert "北京分行" in page and "分行运营监控" in page
    assert "我的待办" in page and 'href="/watchlist/"' in page and 'href="/controls/"' in page
    # Only branch roles see "File an incident".
    assert "/incidents/new/" not in page


def test_teller_of_another_branch_gets_404_on_page_posts_and_files(client, person, actor):
    incident = _file(actor)
    task = incident.tasks.get(step__code="police_report")
    _login(client, person, "teller_sh_pd")
    assert client.get(f"/incidents/{incident.number}/").status_code == 404
    done = client.post(f"/incidents/{incident.number}/tasks/{task.pk}/done/", {})
    assert done.status_code == 404
    transition = client.post(f"/incidents/{incident.number}/transition/", {})
    assert transition.status_code == 404
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN


# --- My work -----------------------------------------------------------------------------


def test_home_shows_time_left_then_overdue_in_red(client, person, actor):
    with freeze_time("2026-11-22 02:00:00") as clock:
        incident = _file(actor)
        _login(client, person, "teller_bj_hd")
        page = client.get("/", **EN).content.decode()
        assert incident.number in page
        assert "15 min left" in page
        clock.tick(datetime.timedelta(minutes=20))
        page = client.get("/", **EN).content.decode()
        assert '<span class="clock overdue"' in page
        assert "overdue by 5 min" in page


def test_sub_branch_queue_lists_its_steps_once_the_branch_reports(client, person, actor):
    incident = _file(actor)
    _login(client, person, "monitor_bj")
    assert incident.number not in client.get("/", **EN).content.decode()
    report_level(incident, Level.BRANCH)
    page = client.get("/", **EN).content.decode()
    assert incident.number in page
    assert "Share within the region" in page or "share" in page.lower()


# --- the list ----------------------------------------------------------------------------


def test_list_filters_by_type_state_level_serious_and_number(client, person, actor):
    telecom = _file(actor)
    bills = _file(actor, "forged_bills", serious=True)
    report_level(bills, Level.BRANCH)
    _login(client, person, "monitor_bj")

    def listed(query):
        return client.get(f"/incidents/?{query}", **EN).content.decode()

    assert telecom.number in listed("type=telecom_fraud")
    assert bills.number not in listed("type=telecom_fraud")
    assert bills.number in listed("level=sub_branch")
    assert telecom.number not in listed("level=sub_branch")
    assert telecom.number in listed("state=branch_handling")
    assert bills.number in listed("serious=yes")
    assert telecom.number not in listed("serious=yes")
    assert telecom.number in listed(f"q={telecom.number[-6:]}")
    assert bills.number not in listed(f"q={telecom.number}")


def test_list_paginates_by_fifty(client, person, actor):
    numbers = [_file(actor).number for _ in range(52)]
    _login(client, person, "teller_bj_hd")
    first = client.get("/incidents/", **EN).content.decode()
    second = client.get("/incidents/?page=2", **EN).content.decode()
    assert "Page 1 of 2" in first
    assert numbers[-1] in first and numbers[0] not in first
    assert numbers[0] in second


def test_list_page_query_count_is_pinned_for_5_and_30_incidents(client, person, actor):
    _login(client, person, "monitor_bj")
    for _ in range(5):
        _file(actor)
    five = _queries(client, "/incidents/")
    for _ in range(25):
        _file(actor)
    # session, user, roles, ... (the list page's pin: tests/query_counts.py)
    assert (five, _queries(client, "/incidents/")) == (exact(LIST_PAGE), exact(LIST_PAGE))


# --- filing ------------------------------------------------------------------------------


def _filing_post(**fields) -> dict:
    data = {
        "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "summary": "客户接到冒充公安的电话，网银转出 5 万元。",
        "channel": "online_banking",
        "fraud_script": "posing_as_police",
        "amount_lost": "５０，０００",
        "outcome": "funds_lost",
        "parties-TOTAL_FORMS": "3",
        "parties-INITIAL_FORMS": "0",
        "parties-0-role": "victim",
        "parties-0-name": "张秀兰",
        "parties-0-id_type": "resident_id",
        "parties-0-id_number": "11010519491231002x",
        "parties-0-phone": "138 0013 8000",
        "parties-1-role": "payee",
        "parties-1-name": "李强",
        "parties-2-role": "victim",  # a blank row: ignored
        "accounts-TOTAL_FORMS": "1",
        "accounts-INITIAL_FORMS": "0",
        "accounts-0-role": "payee",
        "accounts-0-kind": "account",
        "accounts-0-number": "6217000010001234567",
        "accounts-0-opening_unit": "BR-SH-PD",
        "vehicles-TOTAL_FORMS": "1",
        "vehicles-INITIAL_FORMS": "0",
        "vehicles-0-kind": "fraud_phone",
        "vehicles-0-value": "010-12345678",
    }
    data.update(fields)
    return data


def test_filing_form_offers_the_types_first_rows(client, person, bank):
    _login(client, person, "teller_bj_hd")
    phishing = client.get("/incidents/new/phishing_site/", **EN).content.decode()
    assert '<option value="phishing_url" selected>' in phishing
    impostor = client.get("/incidents/new/impostor_customer/", **EN).content.decode()
    assert '<option value="impostor" selected>' in impostor
    bills = client.get("/incidents/new/forged_bills/", **EN).content.decode()
    assert '<option value="bill_drawer" selected>' in bills
    assert client.get("/incidents/new/no_such_type/").status_code == 404


def test_teller_files_an_incident_through_the_form(client, person, bank):
    _login(client, person, "teller_bj_hd")
    response = client.post("/incidents/new/telecom_fraud/", _filing_post(), **EN)
    incident = Incident.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/incidents/{incident.number}/"
    assert incident.state == IncidentState.BRANCH_HANDLING
    assert incident.amount_lost == 50000
    assert [p.role for p in incident.parties.all()] == ["victim", "payee"]
    account = incident.accounts.get()
    assert account.opening_unit.code == "BR-SH-PD" and account.at_this_bank
    assert incident.vehicles.get().kind == "fraud_phone"
    page = client.get(response["Location"], **EN).content.decode()
    assert f"Incident {incident.number} filed" in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("parties-0-id_number", "110105194912310021", "fails its check"),
        ("parties-0-phone", "1380013800", "valid phone number"),
        ("accounts-0-number", "6222020000000000001", "Luhn"),
    ],
)
def test_filing_form_shows_each_bad_value_at_its_field_and_saves_nothing(
    client, person, bank, field, value, message
):
    _login(client, person, "teller_bj_hd")
    data = _filing_post(**{field: value})
    if field.startswith("accounts"):
        data["accounts-0-kind"] = "card"
    response = client.post("/incidents/new/telecom_fraud/", data, **EN)
    assert response.status_code == 200
    form = response.context["accounts" if field.startswith("accounts") else "parties"].forms[0]
    name = field.split("-", 2)[2]
    assert any(message in error for error in form.errors[name])
    page = response.content.decode()
    assert message in page
    assert f'value="{value}"' in page  # what was typed is kept
    assert "张秀兰" in page
    assert not Incident.objects.exists()
    assert not Task.objects.exists()


def test_filing_form_names_missing_required_fields(client, person, bank):
    _login(client, person, "teller_bj_hd")
    response = client.post(
        "/incidents/new/telecom_fraud/", _filing_post(summary="", occurred_at=""), **EN
    )
    form = response.context["form"]
    assert "This field is required." in form.errors["summary"]
    assert "This field is required." in form.errors["occurred_at"]
    assert not Incident.objects.exists()


def test_filing_refused_in_chinese_for_chinese_users(client, person, bank):
    _login(client, person, "teller_bj_hd")
    response = client.post(
        "/incidents/new/telecom_fraud/", _filing_post(**{"parties-0-id_number": "1101051949"})
    )
    assert "身份证" in response.content.decode()


# --- the incident page: working steps -------------------------------------------------------


def _evidence_post(task, **values):
    data = {}
    for definition in task.step.evidence:
        kind = definition.get("type")
        name = f"ev_{definition['name']}"
        if kind == "file":
            continue
        if kind == "bool":
            data[name] = "false"
        elif kind == "amount":
            data[name] = "100.00"
        elif kind == "datetime":
            data[name] = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
        elif kind == "choice":
            data[name] = definition["choices"][0][0]
        elif kind == "url":
            data[name] = "bank-verify.example.cn"
        elif kind in SAMPLE_IDENTIFIERS:
            data[name] = SAMPLE_IDENTIFIERS[kind]
        else:
            data[name] = "已处理"
    data.update(values)
    return data


def test_teller_records_a_step_with_its_evidence(client, person, actor):
    incident = _file(actor)
    task = incident.tasks.get(step__code="police_report")
    _login(client, person, "teller_bj_hd")
    assert f'data-testid="done-{task.step.code}"' in _page(client, incident)
    url = f"/incidents/{incident.number}/tasks/{task.pk}/done/"
    response = client.post(url, _evidence_post(task, ev_police_station="海淀派出所"), **EN)
    assert response.status_code == 302
    assert response["Location"].endswith(f"#task-{task.pk}")
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    assert task.evidence["police_station"] == "海淀派出所"
    page = _page(client, incident)
    assert "海淀派出所" in page
    assert "Recorded “Assist the customer to report to the police” as done" in page


def test_missing_evidence_is_shown_at_its_field_and_nothing_changes(client, person, actor):
    incident = _file(actor)
    task = incident.tasks.get(step__code="police_report")
    _login(client, person, "teller_bj_hd")
    url = f"/incidents/{incident.number}/tasks/{task.pk}/done/"
    data = _evidence_post(task, ev_police_station="", ev_police_receipt_no="JJ-2026-1")
    client.post(url, data, **EN)
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN
    page = _page(client, incident)
    assert "Police station: This field is required." in page  # the message
    assert 'value="JJ-2026-1"' in page  # what was typed is back in the form
    assert '<ul class="errorlist"><li>This field is required.</li></ul>' in page


def test_a_file_field_uploads_inside_the_completion_bound_to_its_field(client, person, actor):
    incident = _file(actor)
    task = incident.tasks.get(step__code="transaction_history")
    _login(client, person, "teller_bj_hd")
    url = f"/incidents/{incident.number}/tasks/{task.pk}/done/"
    data = _evidence_post(task, ev_statement=SimpleUploadedFile("流水.png", TINY_PNG))
    client.post(url, data, **EN)
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    evidence = task.evidence_files.get()
    assert evidence.field == "statement"
    download = client.get(f"/incidents/{incident.number}/files/{evidence.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == TINY_PNG
    _login(client, person, "teller_sh_pd")
    assert client.get(f"/incidents/{incident.number}/files/{evidence.pk}/").status_code == 404


def test_a_refused_file_type_is_named_and_the_step_stays_open(client, person, actor):
    incident = _file(actor)
    task = incident.tasks.get(step__code="transaction_history")
    _login(client, person, "teller_bj_hd")
    url = f"/incidents/{incident.number}/tasks/{task.pk}/done/"
    bad = SimpleUploadedFile("statement.exe", b"MZ\x90\x00\x03", "application/octet-stream")
    client.post(url, _evidence_post(task, ev_statement=bad), **EN)
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN
    assert not task.evidence_files.exists()
    assert "Attach a PDF, JPEG, PNG, text or CSV file" in _page(client, incident)


def test_reporting_step_sends_the_incident_up(client, person, actor):
    incident = _file(actor)
    task = incident.tasks.get(step__code="phone_report")
    _login(client, person, "manager_bj_hd")
    client.post(f"/incidents/{incident.number}/tasks/{task.pk}/done/", _evidence_post(task))
    incident.refresh_from_db()
    assert incident.state == IncidentState.SUB_BRANCH_HANDLING
    page = _page(client, incident)
    assert "Reported the incident up: it is now with the Sub-branch" in page


def test_not_applicable_is_offered_only_where_the_playbook_allows(client, person, actor):
    incident = _file(actor)
    stop = incident.tasks.get(step__code="stop_payment")
    police = incident.tasks.get(step__code="police_report")
    _login(client, person, "teller_bj_hd")
    page = _page(client, incident)
    assert 'data-testid="na-stop_payment"' in page
    assert 'data-testid="na-police_report"' not in page
    na = "/incidents/{}/tasks/{}/not-applicable/"
    client.post(na.format(incident.number, police.pk), {"reason": "不需要"}, **EN)
    police.refresh_from_db()
    assert police.status == TaskStatus.OPEN
    client.post(na.format(incident.number, stop.pk), {"reason": ""}, **EN)
    stop.refresh_from_db()
    assert stop.status == TaskStatus.OPEN
    assert "Say why this step does not apply." in _page(client, incident)
    client.post(na.format(incident.number, stop.pk), {"reason": "收款账户在他行"}, **EN)
    stop.refresh_from_db()
    assert stop.status == TaskStatus.NOT_APPLICABLE and stop.note == "收款账户在他行"


def test_sub_branch_instructs_a_waiting_branch_step(client, person, actor):
    incident = _file(actor, "impostor_customer")
    task = incident.tasks.get(level=Level.BRANCH, step__code="police_report")
    assert task.status == TaskStatus.WAITING
    _login(client, person, "teller_bj_hd")
    assert f'data-testid="instruct-{task.step.code}"' not in _page(client, incident)
    _login(client, person, "monitor_bj")
    assert f'data-testid="instruct-{task.step.code}"' in _page(client, incident)
    url = f"/incidents/{incident.number}/tasks/{task.pk}/instruct/"
    client.post(url, {"instruction": "请持假证件到派出所报案"}, **EN)
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN and task.due_at is not None
    assert "Instructed “" in _page(client, incident)


def test_a_step_of_another_level_cannot_be_worked_from_the_page(client, person, actor):
    incident = _file(actor)
    task = incident.tasks.get(step__code="police_report")
    _login(client, person, "monitor_bj")
    assert f'data-testid="done-{task.step.code}"' not in _page(client, incident)
    client.post(f"/incidents/{incident.number}/tasks/{task.pk}/done/", _evidence_post(task), **EN)
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN
    page = _page(client, incident)
    assert "Only staff of" in page
    # The refusal is on the timeline, shown as such.
    assert '<li class="refused">' in page
    assert "Refused: tried to record a step as done" in page


# --- transitions -------------------------------------------------------------------------


def test_transition_buttons_follow_the_holding_unit_and_role(client, person, actor):
    incident = _file(actor)
    report_level(incident, Level.BRANCH)
    _login(client, person, "teller_bj_hd")
    assert 'data-testid="transitions"' not in _page(client, incident)
    _login(client, person, "monitor_bj")
    page = _page(client, incident)
    assert 'value="return"' in page and 'value="withdraw"' in page
    assert 'value="close"' not in page
    _login(client, person, "security_bj")
    page = _page(client, incident)
    assert 'value="return"' in page and 'value="withdraw"' not in page


def test_return_and_resubmit_through_the_page(client, person, actor):
    incident = _file(actor)
    report_level(incident, Level.BRANCH)
    _login(client, person, "monitor_bj")
    url = f"/incidents/{incident.number}/transition/"
    client.post(url, {"transition": "return", "expected_state": incident.state, "reason": ""})
    incident.refresh_from_db()
    assert incident.state == IncidentState.SUB_BRANCH_HANDLING  # a reason is required
    client.post(
        url,
        {"transition": "return", "expected_state": incident.state, "reason": "补充收款账户"},
    )
    incident.refresh_from_db()
    assert incident.state == IncidentState.RETURNED_TO_BRANCH
    _login(client, person, "teller_bj_hd")
    assert 'value="resubmit"' in _page(client, incident)
    client.post(url, {"transition": "resubmit", "expected_state": incident.state})
    incident.refresh_from_db()
    assert incident.state == IncidentState.SUB_BRANCH_HANDLING
    assert "Returned the incident for more information: 补充收款账户" in _page(client, incident)


def test_a_stale_page_gets_a_clear_conflict_and_nothing_changes(client, person, actor):
    incident = _file(actor)
    report_level(incident, Level.BRANCH)
    seen_state = incident.state
    # Someone else returns it meanwhile.
    services.incident_transition(
        actor=actor("monitor2_bj"), incident_id=incident.pk, transition="return", reason="补充"
    )
    _login(client, person, "monitor_bj")
    response = client.post(
        f"/incidents/{incident.number}/transition/",
        {"transition": "withdraw", "expected_state": seen_state, "reason": "重复登记"},
        follow=True,
        **EN,
    )
    incident.refresh_from_db()
    assert incident.state == IncidentState.RETURNED_TO_BRANCH
    text = response.content.decode()
    assert "Someone else changed this incident at the same time" in text


def test_head_office_closes_a_finished_incident(client, person, actor):
    incident = _file(actor)
    for level in (Level.BRANCH, Level.SUB_BRANCH, Level.HEAD_OFFICE):
        work_level(incident, level)
    incident.refresh_from_db()
    _login(client, person, "ho_monitor")
    assert 'value="close"' in _page(client, incident)
    client.post(
        f"/incidents/{incident.number}/transition/",
        {"transition": "close", "expected_state": incident.state},
    )
    incident.refresh_from_db()
    assert incident.state == IncidentState.CLOSED
    assert "Closed the incident" in _page(client, incident)


# --- query counts ------------------------------------------------------------------------


def test_incident_page_query_count_is_fixed_whatever_the_tasks_and_events(client, person, actor):
    fresh = _file(actor)
    worked = _file(actor)
    work_level(worked, Level.BRANCH)  # every branch step done: more events and files
    _login(client, person, "teller_bj_hd")
    assert _queries(client, f"/incidents/{fresh.number}/") == _queries(
        client, f"/incidents/{worked.number}/"
    )


def test_home_query_count_is_fixed_whatever_the_queue(client, person, actor):
    _login(client, person, "teller_bj_hd")
    _file(actor)
    one = _queries(client, "/")
    for _ in range(10):
        _file(actor)
    assert (one, _queries(client, "/")) == (exact(HOME_PAGE), exact(HOME_PAGE))


# --- the page's "can act" helper agrees with the services -----------------------------------

PEOPLE = ["teller_bj_hd", "manager_bj_hd", "monitor_bj", "security_bj", "monitor_sh", "ho_monitor"]


@pytest.mark.parametrize("transition", ["return", "resubmit", "close", "withdraw"])
def test_transition_helper_mirrors_the_service(actor, transition):
    incident = _file(actor)
    report_level(incident, Level.BRANCH)
    incident = Incident.objects.select_related("unit__parent__parent").get(pk=incident.pk)
    for username in PEOPLE:
        who = actor(username)
        shown = TRANSITIONS[transition].may(who, incident=incident)
        with transaction.atomic():
            try:
                services.incident_transition(
                    actor=who, incident_id=incident.pk, transition=transition, reason="测试"
                )
                allowed = True
            except DomainError:
                allowed = False
            transaction.set_rollback(True)
        assert shown == allowed, (username, transition)


def test_task_helper_mirrors_the_service(actor):
    incident = _file(actor)
    incident = Incident.objects.select_related("unit__parent__parent").get(pk=incident.pk)
    task = incident.tasks.select_related("step", "unit").get(step__code="stop_payment")
    before = AuditEvent.objects.count()
    for username in PEOPLE:
        who = actor(username)
        shown = permissions.may_mark_not_applicable(who, task=task, incident=incident)
        with transaction.atomic():
            try:
                services.task_mark_not_applicable(actor=who, task_id=task.pk, reason="测试")
                allowed = True
            except DomainError:
                allowed = False
            transaction.set_rollback(True)
        assert shown == allowed, username
    assert AuditEvent.objects.count() >= before


def test_a_waiting_branch_step_is_in_the_instructing_sub_branchs_queue(client, person, actor):
    incident = _file(actor, "impostor_customer")
    task = incident.tasks.get(level=Level.BRANCH, step__code="police_report")
    assert task.status == TaskStatus.WAITING
    _login(client, person, "monitor_bj")
    page = client.get("/", **EN).content.decode()
    assert f"#task-{task.pk}" in page and 'data-testid="to-instruct"' in page
    # Another region's monitors do not instruct it; once instructed it leaves the queue.
    _login(client, person, "monitor_sh")
    assert f"#task-{task.pk}" not in client.get("/", **EN).content.decode()
    services.task_instruct(actor=actor("monitor_bj"), task_id=task.pk, instruction="请报案")
    _login(client, person, "monitor_bj")
    assert f"#task-{task.pk}" not in client.get("/", **EN).content.decode()


# --- writes and downloads find their object in one query ---------------------------------


def test_write_lookups_cost_one_query_and_hide_other_regions(actor, django_assert_num_queries):
    incident = _file(actor)
    task = incident.tasks.get(step__code="police_report")
    evidence = services.evidence_attach(
        actor=actor("teller_bj_hd"),
        incident_id=incident.pk,
        uploaded_file=SimpleUploadedFile("卡.png", TINY_PNG),
    )
    teller = actor("teller_bj_hd")
    with django_assert_num_queries(1):
        assert selectors.incident_get_id(actor=teller, number=incident.number) == incident.pk
    with django_assert_num_queries(1):
        found = selectors.task_get(actor=teller, number=incident.number, task_id=task.pk)
        assert found.step.code == "police_report"  # the step comes with it
    with django_assert_num_queries(1):
        assert (
            selectors.evidence_get(actor=teller, number=incident.number, evidence_id=evidence.pk)
            == evidence
        )
    other = actor("teller_sh_pd")
    with pytest.raises(NotFound):
        selectors.incident_get_id(actor=other, number=incident.number)
    with pytest.raises(NotFound):
        selectors.task_get(actor=other, number=incident.number, task_id=task.pk)
    with pytest.raises(NotFound):
        selectors.evidence_get(actor=other, number=incident.number, evidence_id=evidence.pk)
    with pytest.raises(NotFound):  # a task of another incident, under this one's number
        selectors.task_get(
            actor=teller,
            number=_file(actor).number,
            task_id=task.pk,
        )


def _post_queries(client, url, data) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, data, **EN)
    assert response.status_code == 302
    return len(queries)


def test_write_pages_do_not_load_the_incident_page(client, person, actor):
    """A download or a post finds its object in one query, not the page's six (incident,
    parties, accounts, vehicles, files, tasks)."""
    incident = _file(actor)
    evidence = services.evidence_attach(
        actor=actor("teller_bj_hd"),
        incident_id=incident.pk,
        uploaded_file=SimpleUploadedFile("卡.png", TINY_PNG),
    )
    _login(client, person, "teller_bj_hd")
    # session, user, roles + the file
    assert _queries(client, f"/incidents/{incident.number}/files/{evidence.pk}/") == 4
    # session, user, roles + the incident's pk; no file chosen, so no service call
    assert _post_queries(client, f"/incidents/{incident.number}/files/", {}) == 4
    # ... + the service: savepoint, the locked incident, rolled back (no reason given)
    url = f"/incidents/{incident.number}/transition/"
    assert _post_queries(client, url, {"transition": "withdraw"}) == 8


def test_states_held_at_a_level_and_the_incident_link(actor):
    assert states_held_at(Level.BRANCH) == [
        IncidentState.FILED,
        IncidentState.BRANCH_HANDLING,
        IncidentState.RETURNED_TO_BRANCH,
    ]
    assert set(states_held_at(Level.SUB_BRANCH, Level.HEAD_OFFICE)) == {
        IncidentState.SUB_BRANCH_HANDLING,
        IncidentState.HEAD_OFFICE_HANDLING,
        IncidentState.RETURNED_TO_SUB_BRANCH,
    }
    assert states_held_at() == []
    assert OVER_STATES == [IncidentState.CLOSED, IncidentState.WITHDRAWN]
    incident = _file(actor)
    assert incident.get_absolute_url() == f"/incidents/{incident.number}/"


def test_a_steps_evidence_reads_the_same_on_the_step_and_on_the_timeline(client, person, actor):
    """Amounts in yuan and times in local time, in both places (the timeline showed the raw
    stored values)."""
    incident = _file(actor)
    report = incident.tasks.get(step__code="police_report")
    history = incident.tasks.get(step__code="transaction_history")
    _login(client, person, "teller_bj_hd")
    base = f"/incidents/{incident.number}/tasks"
    client.post(
        f"{base}/{report.pk}/done/",
        _evidence_post(report, ev_reported_at="2026-11-22T13:50"),
        **EN,
    )
    client.post(
        f"{base}/{history.pk}/done/",
        _evidence_post(
            history,
            ev_amount_lost="12000.5",
            ev_statement=SimpleUploadedFile("流水.png", TINY_PNG),
        ),
        **EN,
    )
    history.refresh_from_db()
    assert history.status == TaskStatus.DONE
    assert history.evidence["amount_lost"] == "12000.5"  # stored as typed
    page = _page(client, incident)
    assert page.count("<dt>Amount lost (CNY)</dt><dd>12,000.50</dd>") == 2
    assert page.count("<dt>Reported to the police at</dt><dd>2026-11-22 13:50</dd>") == 2

"""Types the bank adds (issue 11, item 3): head office creates a type and its first playbook
through one audited service, checked by the same schema as the shipped files, and it can be
filed at once; a new version is published the same way. Refusals are audited and change
nothing; bad YAML or a schema problem is a message naming it, never a 500."""

from __future__ import annotations

import pytest
from django.utils import translation

from fraudops.core.errors import InvalidInput, PermissionRefused
from fraudops.core.models import AuditEvent
from incidents.choices import IncidentState
from incidents.models import Incident
from workflows.models import IncidentType, Playbook, PlaybookStep
from workflows.services import incident_type_create, playbook_version_publish

pytestmark = pytest.mark.django_db

# Counterfeit banknotes found at the counter: the branch confiscates and reports, the
# sub-branch records it and closes it (a playbook that ends at the sub-branch).
PLAYBOOK_YAML = """\
steps:
- level: branch
  code: confiscate_notes
  title_zh: 收缴假币
  title_en: Confiscate the counterfeit notes
  guidance_zh: 当面收缴假币,加盖假币戳记,向客户出具收缴凭证。
  guidance_en: Confiscate the notes in front of the customer and give them the receipt.
  owner_role: teller
  mandatory: true
  conditional: false
  awaits_instruction: false
  reports_up: false
  deadline_minutes: 15
  deadline_from: filed
  evidence:
  - name: note_count
    label_zh: 假币张数
    label_en: Number of notes
    type: text
    required: true
- level: branch
  code: report_sub_branch
  title_zh: 向分行报告
  title_en: Report to the sub-branch
  guidance_zh: 向分行报告收缴情况。
  guidance_en: Report the confiscation to the sub-branch.
  owner_role: branch_manager
  mandatory: true
  conditional: false
  awaits_instruction: false
  reports_up: true
  deadline_minutes: 60
  deadline_from: filed
  evidence:
  - name: summary
    label_zh: 情况说明
    label_en: Summary
    type: textarea
    required: true
- level: sub_branch
  code: record_case
  title_zh: 登记备案
  title_en: Record the case
  guidance_zh: 登记收缴情况并备案。
  guidance_en: Record the confiscation.
  owner_role: sub_branch_monitor
  mandatory: true
  conditional: false
  awaits_instruction: false
  reports_up: false
  deadline_minutes: 1440
  deadline_from: level_entered
  evidence:
  - name: note
    label_zh: 备案说明
    label_en: Note
    type: textarea
    required: true
"""

TYPE = {
    "code": "counterfeit_cash",
    "name_zh": "堵截假币",
    "name_en": "Counterfeit banknotes intercepted",
    "group": "against_bank",
    "description_zh": "客户在柜面存入的现金中发现假币。",
    "description_en": "Counterfeit notes found in cash a customer paid in at the counter.",
}


def _rows():
    return (
        list(IncidentType.objects.order_by("pk").values()),
        list(Playbook.objects.order_by("pk").values()),
        PlaybookStep.objects.count(),
    )


def test_head_office_creates_a_type_that_is_current_and_fileable_through_the_api(
    actor, core_banking
):
    incident_type = incident_type_create(actor=actor("ho_monitor"), playbook=PLAYBOOK_YAML, **TYPE)
    playbook = incident_type.current_playbook()
    assert playbook is not None and playbook.version == 1
    assert playbook.last_level() == "sub_branch"
    assert [(s.level, s.order, s.code) for s in playbook.steps.order_by("level", "order")] == [
        ("branch", 1, "confiscate_notes"),
        ("branch", 2, "report_sub_branch"),
        ("sub_branch", 1, "record_case"),
    ]
    assert incident_type.ordering > IncidentType.objects.get(code="customer_safety").ordering
    created = AuditEvent.objects.get(
        action="incident_type.created", thread="playbook:counterfeit_cash"
    )
    assert created.actor_user.username == "ho_monitor"
    assert created.after["code"] == "counterfeit_cash"
    published = AuditEvent.objects.get(action="playbook.published")
    assert published.after["version"] == 1 and published.before == {"version": None}

    response = core_banking.post(
        "/api/v1/incidents/",
        {
            "incident_type": "counterfeit_cash",
            "unit": "BR-BJ-HD",
            "occurred_at": "2026-03-02T10:00:00+08:00",
            "summary": "客户存入现金中发现两张假币。",
            "channel": "counter",
            "outcome": "prevented",
        },
        format="json",
        HTTP_IDEMPOTENCY_KEY="file-counterfeit-1",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["incident_type"] == "counterfeit_cash"
    incident = Incident.objects.get(number=body["number"])
    assert incident.playbook == playbook
    assert incident.state == IncidentState.BRANCH_HANDLING
    assert list(incident.tasks.values_list("step__code", flat=True).order_by("order")) == [
        "confiscate_notes",
        "report_sub_branch",
    ]


def test_the_playbook_may_be_given_parsed_and_as_a_whole_file(actor):
    import yaml

    spec = {**TYPE, "ordering": 99, "steps": yaml.safe_load(PLAYBOOK_YAML)["steps"]}
    created = incident_type_create(actor=actor("admin"), playbook=spec, **TYPE)
    # The type's own fields are the service's arguments; a file's ordering is not taken.
    assert created.ordering != 99
    assert created.current_playbook().steps.count() == 3


@pytest.mark.parametrize("username", ["monitor_bj", "teller_bj_hd", "ho_security", "auditor"])
def test_only_head_office_monitors_and_administrators_may(actor, username):
    rows = _rows()
    with pytest.raises(PermissionRefused):
        incident_type_create(actor=actor(username), playbook=PLAYBOOK_YAML, **TYPE)
    assert _rows() == rows
    refusal = AuditEvent.objects.get(action="incident_type.create")
    assert refusal.outcome != "ok"
    assert refusal.actor_user.username == username


def test_an_api_client_may_not(bank, core_banking):
    from fraudops.core.actors import Actor

    client = Actor.for_client(core_banking.client_record)
    rows = _rows()
    with pytest.raises(PermissionRefused):
        incident_type_create(actor=client, playbook=PLAYBOOK_YAML, **TYPE)
    assert _rows() == rows


def _refused(actor, **changes) -> dict[str, list[str]]:
    rows = _rows()
    with translation.override("en"), pytest.raises(InvalidInput) as refused:
        incident_type_create(
            actor=actor("ho_monitor"), **{"playbook": PLAYBOOK_YAML, **TYPE, **changes}
        )
    assert _rows() == rows
    return refused.value.fields


def test_bad_yaml_is_refused_naming_its_line(actor):
    fields = _refused(actor, playbook="steps:\n- level: branch\n  code: [unclosed\n")
    assert "not valid YAML" in fields["playbook"][0]
    assert "line" in fields["playbook"][0]


def test_schema_problems_are_refused_naming_step_and_field(actor):
    broken = PLAYBOOK_YAML.replace("owner_role: sub_branch_monitor", "owner_role: janitor")
    fields = _refused(actor, playbook=broken)
    assert any(
        "step sub_branch/record_case: owner_role: 'janitor' is not a role" in message
        for message in fields["playbook"]
    )


def test_a_level_that_reports_up_to_nothing_is_refused(actor):
    broken = PLAYBOOK_YAML.replace(
        "  reports_up: false\n  deadline_minutes: 1440",
        "  reports_up: true\n  deadline_minutes: 1440",
    )
    fields = _refused(actor, playbook=broken)
    assert any("expected none: the playbook ends there" in m for m in fields["playbook"])


def test_the_types_own_fields_are_refused_by_name(actor):
    fields = _refused(actor, code="Counterfeit Cash", name_zh="Fake notes", group="other")
    assert "not snake_case" in fields["code"][0]
    assert "has no Chinese text" in fields["name_zh"][0]
    assert "is not a group" in fields["group"][0]


def test_a_code_already_used_is_refused(actor):
    fields = _refused(actor, code="telecom_fraud")
    assert fields == {"code": ["An incident type already has this code."]}


def test_an_empty_or_shapeless_playbook_is_refused(actor):
    assert "playbook" in _refused(actor, playbook="")
    assert "playbook" in _refused(actor, playbook="- just\n- a list of words\n")
    assert "playbook" in _refused(actor, playbook="colour: red\n")


def test_a_new_version_is_published_and_current_and_old_incidents_keep_theirs(actor, core_banking):
    incident_type = incident_type_create(actor=actor("ho_monitor"), playbook=PLAYBOOK_YAML, **TYPE)
    from incidents.services import incident_file
    from tests.incident_data import filing

    data = filing("counterfeit_cash", parties=[], accounts=[], vehicles=[])
    first = incident_file(actor=actor("teller_bj_hd"), data=data)
    faster = PLAYBOOK_YAML.replace("deadline_minutes: 60", "deadline_minutes: 30")
    new = playbook_version_publish(
        actor=actor("ho_monitor2"), incident_type=incident_type, definition=faster, notes="更快"
    )
    assert new.version == 2 and new.is_current
    assert new.steps.get(code="report_sub_branch").deadline_minutes == 30
    first.refresh_from_db()
    assert first.playbook.version == 1
    event = AuditEvent.objects.get(action="playbook.published", after__version=2)
    assert event.before == {"version": 1}
    assert event.actor_user.username == "ho_monitor2"
    # The same steps again: nothing to publish.
    with translation.override("en"), pytest.raises(InvalidInput) as refused:
        playbook_version_publish(
            actor=actor("ho_monitor"), incident_type=incident_type, definition=faster
        )
    assert "nothing to publish" in refused.value.fields["playbook"][0]
    assert incident_type.playbooks.count() == 2


# --- the API -----------------------------------------------------------------------------


def test_the_api_creates_a_type_once_per_idempotency_key_and_it_is_filed(api, core_banking):
    head = api("ho_monitor")
    body = {**TYPE, "playbook": PLAYBOOK_YAML, "notes": "首版"}
    response = head.post(
        "/api/v1/incident-types/", body, format="json", HTTP_IDEMPOTENCY_KEY="type-1"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["code"] == "counterfeit_cash"
    assert response.json()["version"] == 1
    assert [s["code"] for s in response.json()["steps"]["sub_branch"]] == ["record_case"]
    again = head.post("/api/v1/incident-types/", body, format="json", HTTP_IDEMPOTENCY_KEY="type-1")
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert IncidentType.objects.filter(code="counterfeit_cash").count() == 1

    listed = {row["code"]: row for row in head.get("/api/v1/incident-types/").json()}
    assert listed["counterfeit_cash"]["current_version"] == 1
    assert not listed["counterfeit_cash"]["shipped"] and listed["telecom_fraud"]["shipped"]

    filed = core_banking.post(
        "/api/v1/incidents/",
        {
            "incident_type": "counterfeit_cash",
            "unit": "BR-BJ-HD",
            "occurred_at": "2026-03-02T10:00:00+08:00",
            "summary": "客户存入现金中发现假币。",
        },
        format="json",
    )
    assert filed.status_code == 201, filed.json()

    published = head.post(
        "/api/v1/incident-types/counterfeit_cash/playbooks/",
        {"playbook": PLAYBOOK_YAML.replace("deadline_minutes: 60", "deadline_minutes: 45")},
        format="json",
        HTTP_IDEMPOTENCY_KEY="type-1-v2",
    )
    assert published.status_code == 201, published.json()
    assert published.json()["version"] == 2


def test_the_api_refuses_bad_yaml_naming_the_field_and_others_with_403(api):
    rows = _rows()
    bad = api("ho_monitor").post(
        "/api/v1/incident-types/",
        {**TYPE, "playbook": "steps: [unclosed"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert bad.status_code == 400
    assert "not valid YAML" in bad.json()["error"]["fields"]["playbook"][0]
    refused = api("monitor_bj").post(
        "/api/v1/incident-types/", {**TYPE, "playbook": PLAYBOOK_YAML}, format="json"
    )
    assert refused.status_code == 403
    missing = api("ho_monitor").post(
        "/api/v1/incident-types/nothing_here/playbooks/", {"playbook": "steps: []"}, format="json"
    )
    assert missing.status_code == 404
    assert _rows() == rows


# --- the page and the admin ----------------------------------------------------------------


def test_the_page_lists_types_and_is_head_offices(client, person):
    client.force_login(person("teller_bj_hd"))
    assert client.get("/incident-types/").status_code == 403
    client.force_login(person("ho_monitor"))
    page = client.get("/incident-types/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-type="customer_safety"' in html
    template = client.get("/incident-types/telecom_fraud/playbook.yaml")
    assert template.status_code == 200
    assert template["Content-Disposition"] == 'attachment; filename="telecom_fraud.yaml"'
    assert "level: branch" in template.content.decode()
    prefilled = client.get("/incident-types/new/?template=customer_safety")
    assert "secure_card_or_session" in prefilled.content.decode()


def test_the_page_adds_a_type_and_shows_a_schema_problem_on_the_playbook_field(client, person):
    client.force_login(person("ho_monitor"))
    broken = PLAYBOOK_YAML.replace("owner_role: sub_branch_monitor", "owner_role: janitor")
    rows = _rows()
    with translation.override("en"):
        response = client.post("/incident-types/new/", {**TYPE, "playbook": broken})
    assert response.status_code == 200
    errors = response.context["form"].errors["playbook"]
    assert any("step sub_branch/record_case: owner_role" in e for e in errors)
    assert _rows() == rows
    response = client.post("/incident-types/new/", {**TYPE, "playbook": PLAYBOOK_YAML})
    assert response.status_code == 302
    assert IncidentType.objects.get(code="counterfeit_cash").current_playbook().version == 1
    publish = client.post(
        "/incident-types/counterfeit_cash/publish/",
        {"playbook": PLAYBOOK_YAML.replace("deadline_minutes: 15", "deadline_minutes: 10")},
    )
    assert publish.status_code == 302
    assert IncidentType.objects.get(code="counterfeit_cash").current_playbook().version == 2


def test_the_admin_adds_a_type_through_the_same_service(client, person):
    client.force_login(person("admin"))
    with translation.override("en"):
        refused = client.post(
            "/admin/workflows/incidenttype/add/",
            {**TYPE, "ordering": "0", "is_active": "on", "playbook": "steps: [unclosed"},
        )
    assert refused.status_code == 200
    assert "不是有效的 YAML" in str(refused.context["adminform"].form.errors["playbook"])
    assert not IncidentType.objects.filter(code="counterfeit_cash").exists()
    response = client.post(
        "/admin/workflows/incidenttype/add/",
        {**TYPE, "ordering": "0", "is_active": "on", "playbook": PLAYBOOK_YAML},
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    incident_type = IncidentType.objects.get(code="counterfeit_cash")
    assert incident_type.current_playbook().steps.count() == 3
    assert AuditEvent.objects.filter(
        action="incident_type.created", actor_user__username="admin"
    ).exists()


def test_a_playbook_ending_at_the_sub_branch_is_closed_there_by_its_monitor(actor):
    from incidents.services import incident_file, incident_transition, task_complete
    from tests.incident_data import filing

    incident_type_create(actor=actor("ho_monitor"), playbook=PLAYBOOK_YAML, **TYPE)
    incident = incident_file(
        actor=actor("teller_bj_hd"), data=filing("counterfeit_cash", vehicles=[])
    )
    evidence = {
        "confiscate_notes": ("teller_bj_hd", {"note_count": "2"}),
        "report_sub_branch": ("manager_bj_hd", {"summary": "已收缴。"}),
    }
    for task in incident.tasks.select_related("step").order_by("order"):
        who, values = evidence[task.step.code]
        task_complete(actor=actor(who), task_id=task.pk, evidence=values)
    incident.refresh_from_db()
    assert incident.state == IncidentState.SUB_BRANCH_HANDLING
    record = incident.tasks.get(step__code="record_case")
    task_complete(actor=actor("monitor_bj"), task_id=record.pk, evidence={"note": "已备案。"})
    closed = incident_transition(
        actor=actor("monitor_bj"), incident_id=incident.pk, transition="close"
    )
    assert closed.state == IncidentState.CLOSED
    assert closed.reported_to_head_office_at is None

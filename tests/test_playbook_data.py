"""The default playbooks shipped as files in workflows/playbooks/ are sound, load into the
database exactly, and loading is idempotent; an unsound file is refused by file, step and
field."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from fraudops.core.actors import Actor
from fraudops.core.choices import LEVEL_ORDER
from fraudops.core.models import AuditEvent
from workflows.choices import IncidentGroup
from workflows.models import IncidentType, Playbook, PlaybookStep
from workflows.playbook_files import PLAYBOOK_DIR, PlaybookFileError, playbook_files_read
from workflows.playbook_schema import OPTIONAL_STEP_KEYS, STEP_KEYS, incident_types_problems
from workflows.services import playbooks_load

EXPECTED_CODES = [
    "telecom_fraud",
    "phishing_site",
    "card_skimming",
    "fake_credit_card",
    "impostor_customer",
    "forged_documents",
    "forged_bills",
    "customer_safety",
]

# Every type's steps as level/code, in playbook order (86 steps, 290 evidence fields).
EXPECTED_STEPS = {
    "telecom_fraud": [
        "branch/police_report",
        "branch/transaction_history",
        "branch/stop_payment",
        "branch/phone_report",
        "branch/cooperate_police",
        "sub_branch/account_control",
        "sub_branch/department_linkage",
        "sub_branch/compliance_review",
        "sub_branch/share_in_region",
        "sub_branch/report_head_office",
        "sub_branch/watch_list_nomination",
        "head_office/suspicious_account_control",
        "head_office/risk_controls",
    ],
    "phishing_site": [
        "branch/police_report",
        "branch/transaction_history",
        "branch/stop_payment",
        "branch/phone_report",
        "branch/cooperate_police",
        "sub_branch/account_control",
        "sub_branch/department_linkage",
        "sub_branch/compliance_review",
        "sub_branch/share_in_region",
        "sub_branch/report_head_office",
        "sub_branch/watch_list_nomination",
        "head_office/suspicious_account_control",
        "head_office/phishing_takedown",
    ],
    "card_skimming": [
        "branch/police_report",
        "branch/transaction_history",
        "branch/stop_payment",
        "branch/phone_report",
        "branch/cooperate_police",
        "sub_branch/account_control",
        "sub_branch/department_linkage",
        "sub_branch/compliance_review",
        "sub_branch/share_in_region",
        "sub_branch/report_head_office",
        "sub_branch/watch_list_nomination",
        "head_office/suspicious_account_control",
        "head_office/unionpay_inquiry",
    ],
    "fake_credit_card": [
        "branch/police_report",
        "branch/payee_info",
        "branch/confiscate_card",
        "branch/report_sub_branch",
        "sub_branch/account_control",
        "sub_branch/share_in_region",
        "sub_branch/report_head_office",
        "head_office/notify_card_centre",
        "head_office/suspicious_account_control",
    ],
    "impostor_customer": [
        "branch/refuse_business",
        "branch/report_sub_branch",
        "branch/police_report",
        "sub_branch/share_in_region",
        "sub_branch/report_head_office",
        "sub_branch/watch_list_nomination",
        "sub_branch/department_linkage",
        "sub_branch/instruct_police_report",
        "head_office/maintain_watch_list",
        "head_office/report_security_dept",
    ],
    "forged_documents": [
        "branch/refuse_business",
        "branch/confiscate_documents",
        "branch/report_sub_branch",
        "branch/police_report",
        "sub_branch/share_in_region",
        "sub_branch/report_head_office",
        "sub_branch/watch_list_nomination",
        "sub_branch/department_linkage",
        "sub_branch/instruct_police_report",
        "head_office/maintain_watch_list",
        "head_office/report_security_dept",
    ],
    "forged_bills": [
        "branch/refuse_business",
        "branch/confiscate_bill",
        "branch/police_report",
        "branch/report_sub_branch",
        "sub_branch/internal_investigation",
        "sub_branch/department_linkage",
        "sub_branch/external_linkage",
        "sub_branch/share_in_region",
        "sub_branch/report_head_office",
        "sub_branch/watch_list_nomination",
        "head_office/internal_notice",
        "head_office/maintain_watch_list",
    ],
    # Not a fraud: the branch's alone (issue 11, item 2).
    "customer_safety": [
        "branch/secure_card_or_session",
        "branch/contact_customer",
        "branch/verify_identity",
        "branch/hand_over",
        "branch/record_event",
    ],
}


def _types():
    return playbook_files_read()


def test_default_playbooks_have_no_problems():
    specs = [(f"{spec['code']}.yaml", spec) for spec in _types()]
    assert incident_types_problems(specs) == []


def test_the_incident_types_in_order():
    assert [t["code"] for t in _types()] == EXPECTED_CODES
    assert sorted(path.stem for path in PLAYBOOK_DIR.glob("*.yaml")) == sorted(EXPECTED_CODES)


def test_every_type_has_its_known_steps():
    types = _types()
    assert {t["code"]: [f"{s['level']}/{s['code']}" for s in t["steps"]] for t in types} == (
        EXPECTED_STEPS
    )
    assert sum(len(t["steps"]) for t in types) == 86
    assert sum(len(s["evidence"]) for t in types for s in t["steps"]) == 290


def test_every_fraud_type_has_steps_at_all_three_levels():
    for incident_type in _types():
        levels = {step["level"] for step in incident_type["steps"]}
        if incident_type["group"] == IncidentGroup.CUSTOMER_SAFETY:
            assert levels == {"branch"}
            assert not any(step["reports_up"] for step in incident_type["steps"])
        else:
            assert levels == set(LEVEL_ORDER), incident_type["code"]


def _branch_only(steps):
    return [{**s, "reports_up": False} for s in steps if s["level"] == "branch"]


def test_a_playbook_may_end_below_head_office_without_reporting_up_from_its_last_level():
    types = copy.deepcopy(_types())
    fraud = types[4]  # impostor_customer
    fraud["steps"] = _branch_only(fraud["steps"])
    assert _problems([fraud]) == []
    # Its last level cannot hand the incident up: there is no one above.
    fraud["steps"][1]["reports_up"] = True
    assert any(
        p[1] == "reports_up" and "expected none: the playbook ends there" in p[2]
        for p in _problems([fraud])
    )


def test_a_playbook_may_not_skip_a_level():
    fraud = copy.deepcopy(_types()[4])
    fraud["steps"] = [s for s in fraud["steps"] if s["level"] != "sub_branch"]
    assert ("impostor_customer.yaml", "steps", "has no steps at 'sub_branch'") in _problems([fraud])


def test_seed_order_for_forged_bills_at_the_branch():
    steps = next(t for t in _types() if t["code"] == "forged_bills")["steps"]
    branch = [s["code"] for s in steps if s["level"] == "branch"]
    assert branch == [
        "refuse_business",
        "confiscate_bill",
        "police_report",
        "report_sub_branch",
    ]


def _problems(types):
    with translation.override("en"):
        return [
            (p.where, p.field, str(p.message))
            for p in incident_types_problems([(f"{t['code']}.yaml", t) for t in types])
        ]


def test_validator_reports_a_broken_playbook():
    broken = copy.deepcopy(_types())
    step = broken[0]["steps"][0]
    step["owner_role"] = "janitor"
    step["awaits_instruction"] = True
    step["evidence"][0]["name"] = "Reported At"
    broken[1]["steps"] = [s for s in broken[1]["steps"] if not s["reports_up"]]
    problems = _problems(broken)
    where = "telecom_fraud.yaml step branch/police_report"
    assert any(
        p[:2] == (where, "owner_role") and "'janitor' is not a role" in p[2] for p in problems
    )
    assert any(
        p[:2] == (where, "deadline_from") and "awaits an instruction" in p[2] for p in problems
    )
    assert any(p[:2] == (where, "evidence[0].name") and "not snake_case" in p[2] for p in problems)
    assert ("phishing_site.yaml", "reports_up") in [p[:2] for p in problems]
    assert any("0 reports_up steps at 'branch'" in p[2] for p in problems)


def test_the_schema_rejects_unknown_levels_evidence_types_and_anchors():
    broken = copy.deepcopy(_types())
    step = broken[2]["steps"][-1]
    step["level"] = "region"
    step["deadline_from"] = "whenever"
    step["evidence"][0]["type"] = "photo"
    del step["mandatory"]
    step["colour"] = "red"
    fields = {
        p[1] for p in _problems(broken) if p[0] == f"card_skimming.yaml step region/{step['code']}"
    }
    assert {"level", "deadline_from", "evidence[0].type", "mandatory", ""} <= fields


def test_one_step_key_list():
    # The loader, the admin and the schema share it; the files hold exactly these keys, in
    # this order (a key with a default may be left out).
    for incident_type in _types():
        for step in incident_type["steps"]:
            expected = tuple(k for k in STEP_KEYS if k in step or k not in OPTIONAL_STEP_KEYS)
            assert tuple(step) == expected


@pytest.fixture
def playbook_dir(tmp_path) -> Path:
    directory = tmp_path / "playbooks"
    shutil.copytree(PLAYBOOK_DIR, directory)
    return directory


def _edit(directory: Path, code: str, change) -> None:
    path = directory / f"{code}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _rows():
    return (
        list(IncidentType.objects.order_by("pk").values()),
        list(Playbook.objects.order_by("pk").values()),
        list(PlaybookStep.objects.order_by("pk").values()),
    )


@pytest.mark.django_db
def test_the_migrated_database_holds_the_files_and_loading_twice_changes_nothing():
    before = _rows()
    events = AuditEvent.objects.count()
    call_command("playbooks_load", verbosity=0)
    call_command("playbooks_load", verbosity=0)
    assert _rows() == before
    assert AuditEvent.objects.count() == events
    assert Playbook.objects.filter(is_current=True).count() == 8
    assert PlaybookStep.objects.filter(playbook__is_current=True).count() == 86


@pytest.mark.django_db
def test_an_empty_database_gets_every_type_once():
    PlaybookStep.objects.all().delete()
    Playbook.objects.all().delete()
    IncidentType.objects.all().delete()
    loaded = playbooks_load(actor=Actor.system())
    assert loaded.created == EXPECTED_CODES
    assert list(IncidentType.objects.order_by("ordering").values_list("code", flat=True)) == (
        EXPECTED_CODES
    )
    assert PlaybookStep.objects.count() == 86
    assert AuditEvent.objects.filter(action="playbook.loaded").count() == 8
    rows = _rows()
    assert not playbooks_load(actor=Actor.system()).changed
    assert _rows() == rows


@pytest.mark.django_db
def test_a_changed_file_makes_a_new_version_and_leaves_the_old_one_alone(playbook_dir):
    old = Playbook.objects.get(incident_type__code="phishing_site", is_current=True)
    old_steps = list(old.steps.order_by("pk").values())

    def slower(data):
        data["steps"][0]["deadline_minutes"] = 20

    _edit(playbook_dir, "phishing_site", slower)
    loaded = playbooks_load(actor=Actor.system(), directory=playbook_dir)
    assert loaded.new_versions == ["phishing_site"] and not loaded.created
    new = Playbook.objects.get(incident_type__code="phishing_site", is_current=True)
    assert new.version == old.version + 1
    assert new.steps.get(level="branch", order=1).deadline_minutes == 20
    old.refresh_from_db()
    assert not old.is_current
    assert list(old.steps.order_by("pk").values()) == old_steps
    event = AuditEvent.objects.get(action="playbook.version_created")
    assert event.after["version"] == new.version
    # The same files again: nothing.
    rows = _rows()
    assert not playbooks_load(actor=Actor.system(), directory=playbook_dir).changed
    assert _rows() == rows


@pytest.mark.django_db
def test_a_file_matching_an_older_version_keeps_head_offices_newer_one():
    from workflows.services import playbook_new_version

    old = Playbook.objects.get(incident_type__code="telecom_fraud", is_current=True)
    new = playbook_new_version(actor=Actor.system(), playbook=old)
    new.steps.filter(code="police_report").update(deadline_minutes=10)
    assert not playbooks_load(actor=Actor.system()).changed
    assert Playbook.objects.get(incident_type__code="telecom_fraud", is_current=True) == new


@pytest.mark.django_db
def test_a_renamed_type_follows_its_file(playbook_dir):
    _edit(playbook_dir, "forged_bills", lambda data: data.update(name_en="Forged bills"))
    loaded = playbooks_load(actor=Actor.system(), directory=playbook_dir)
    assert loaded.types_updated == ["forged_bills"] and not loaded.new_versions
    assert IncidentType.objects.get(code="forged_bills").name_en == "Forged bills"
    event = AuditEvent.objects.get(action="incident_type.updated")
    assert event.after == {"name_en": "Forged bills"}
    assert event.before["name_en"] != "Forged bills"


@pytest.mark.django_db
def test_an_unsound_file_is_refused_naming_file_step_and_field(playbook_dir):
    def break_it(data):
        data["steps"][1]["owner_role"] = "janitor"

    _edit(playbook_dir, "card_skimming", break_it)
    rows = _rows()
    with translation.override("en"), pytest.raises(CommandError) as refused:
        call_command("playbooks_load", directory=playbook_dir, verbosity=0)
    message = str(refused.value)
    code = yaml.safe_load((playbook_dir / "card_skimming.yaml").read_text())["steps"][1]["code"]
    assert f"card_skimming.yaml step branch/{code}: owner_role: 'janitor' is not a role" in message
    assert _rows() == rows


def test_a_file_that_is_not_yaml_is_refused(playbook_dir):
    (playbook_dir / "telecom_fraud.yaml").write_text("code: [unclosed\n", encoding="utf-8")
    with translation.override("en"), pytest.raises(PlaybookFileError) as refused:
        playbook_files_read(playbook_dir)
    assert "telecom_fraud.yaml" in str(refused.value)
    assert "not valid YAML" in str(refused.value)


def _field_problems(field: dict) -> list[str]:
    from workflows.playbook_schema import step_problems

    step = {
        **yaml.safe_load((PLAYBOOK_DIR / "telecom_fraud.yaml").read_text())["steps"][0],
        "evidence": [field],
    }
    with translation.override("en"):
        return [str(problem) for problem in step_problems(step)]


FIELD = {"name": "proof", "label_zh": "凭证", "label_en": "Proof", "required": True}


@pytest.mark.parametrize(
    "kind", ["file", "resident_id", "document_number", "account", "card", "phone"]
)
def test_identifier_and_file_evidence_types_are_in_the_schema(kind):
    assert _field_problems({**FIELD, "type": kind}) == []


def test_only_a_file_field_may_take_several_files():
    assert _field_problems({**FIELD, "type": "file", "multiple": True}) == []
    assert _field_problems({**FIELD, "type": "text", "multiple": True}) == [
        "evidence[0].multiple: only a file field takes several files, not a 'text' field"
    ]
    assert _field_problems({**FIELD, "type": "file", "multiple": "yes"}) == [
        "evidence[0].multiple: must be true or false"
    ]
    assert _field_problems({**FIELD, "type": "file", "mulitple": True}) == [
        "evidence[0]: unknown keys: mulitple"
    ]


def test_the_files_ask_for_identifiers_where_steps_record_one():
    """Step evidence holding an account, card or ID number is typed so (validated as at
    filing), not free text."""
    types = {}
    for spec in playbook_files_read(PLAYBOOK_DIR):
        for step in spec["steps"]:
            for field in step["evidence"]:
                types[(spec["code"], step["level"], step["code"], field["name"])] = field["type"]
    for code in ("telecom_fraud", "phishing_site", "card_skimming"):
        assert types[(code, "branch", "stop_payment", "account_number")] == "account"
    assert types[("telecom_fraud", "branch", "transaction_history", "payee_account")] == "account"
    assert types[("card_skimming", "sub_branch", "report_head_office", "card_number")] == "card"
    assert types[("impostor_customer", "branch", "refuse_business", "id_number")] == "resident_id"
    assert (
        types[("forged_documents", "branch", "confiscate_documents", "id_number")]
        == "document_number"
    )

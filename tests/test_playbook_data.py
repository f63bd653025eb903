"""The default playbooks shipped in workflows/playbook_data.py are sound."""

import copy

from workflows.playbook_data import INCIDENT_TYPES, LEVELS, validate_playbooks

EXPECTED_CODES = [
    "telecom_fraud",
    "phishing_site",
    "card_skimming",
    "fake_credit_card",
    "impostor_customer",
    "forged_documents",
    "forged_bills",
]


def test_default_playbooks_have_no_problems():
    assert validate_playbooks() == []


def test_the_seven_incident_types_in_order():
    assert [t["code"] for t in INCIDENT_TYPES] == EXPECTED_CODES


def test_every_type_has_steps_at_all_three_levels():
    for incident_type in INCIDENT_TYPES:
        levels = {step["level"] for step in incident_type["steps"]}
        assert levels == set(LEVELS), incident_type["code"]


def test_seed_order_for_forged_bills_at_the_branch():
    steps = next(t for t in INCIDENT_TYPES if t["code"] == "forged_bills")["steps"]
    branch = [s["code"] for s in steps if s["level"] == "branch"]
    assert branch == [
        "refuse_business",
        "confiscate_bill",
        "police_report",
        "report_sub_branch",
    ]


def test_validator_reports_a_broken_playbook():
    broken = copy.deepcopy(INCIDENT_TYPES)
    step = broken[0]["steps"][0]
    step["owner_role"] = "janitor"
    step["awaits_instruction"] = True
    step["evidence"][0]["name"] = "Reported At"
    broken[1]["steps"] = [s for s in broken[1]["steps"] if not s["reports_up"]]
    problems = validate_playbooks(broken)
    assert any("unknown owner_role" in p for p in problems)
    assert any("awaits_instruction" in p for p in problems)
    assert any("not snake_case" in p for p in problems)
    assert any("0 reports_up steps at 'branch'" in p for p in problems)

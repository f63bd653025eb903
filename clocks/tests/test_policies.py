"""Head office's escalation policies change through audited services, in the admin too: each
creation, change and deletion leaves an audit event with the policy before and after."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from clocks.models import EscalationPolicy
from clocks.selectors import grace_minutes_for
from clocks.services import escalation_policy_delete, escalation_policy_save
from fraudops.core.models import AuditEvent
from workflows.models import IncidentType

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, person):
    client.force_login(person("admin"))
    return client


def _events(action: str):
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


def test_saving_a_policy_records_it_before_and_after(actor):
    admin = actor("admin")
    policy = escalation_policy_save(
        actor=admin, policy=EscalationPolicy(kind="task", step_code="t1", grace_minutes=20)
    )
    [created] = _events("escalation_policy.created")
    assert created.before is None
    assert created.after == {
        "kind": "task",
        "incident_type_id": None,
        "step_code": "t1",
        "grace_minutes": 20,
        "notes": "",
    }
    assert created.target == f"escalation_policy:{policy.pk}"
    assert created.actor_user.username == "admin"

    policy.grace_minutes = 30
    escalation_policy_save(actor=admin, policy=policy)
    [changed] = _events("escalation_policy.changed")
    assert changed.before["grace_minutes"] == 20
    assert changed.after["grace_minutes"] == 30
    assert grace_minutes_for(kind="task", step_code="t1") == 30


def test_an_invalid_policy_is_refused_and_nothing_is_recorded(actor):
    admin = actor("admin")
    escalation_policy_save(actor=admin, policy=EscalationPolicy(kind="task", grace_minutes=20))
    with pytest.raises(ValidationError):
        # The same kind and step code twice, without a type: the constraint refuses it.
        escalation_policy_save(actor=admin, policy=EscalationPolicy(kind="task", grace_minutes=5))
    assert EscalationPolicy.objects.count() == 1
    assert len(_events("escalation_policy.created")) == 1


def test_deleting_a_policy_records_what_it_said(actor):
    admin = actor("admin")
    policy = escalation_policy_save(
        actor=admin, policy=EscalationPolicy(kind="controls.freeze_approval", grace_minutes=4)
    )
    escalation_policy_delete(actor=admin, policy=policy)
    assert not EscalationPolicy.objects.exists()
    [deleted] = _events("escalation_policy.deleted")
    assert deleted.before["grace_minutes"] == 4
    assert deleted.after is None


def test_policy_edits_in_the_admin_go_through_the_audited_service(admin_client, bank):
    telecom = IncidentType.objects.get(code="telecom_fraud")
    add = admin_client.post(
        reverse("admin:clocks_escalationpolicy_add"),
        {"kind": "task", "incident_type": telecom.pk, "step_code": "", "grace_minutes": "12"},
    )
    assert add.status_code == 302
    policy = EscalationPolicy.objects.get()
    [created] = _events("escalation_policy.created")
    assert created.after["incident_type_id"] == telecom.pk
    assert created.actor_user.username == "admin"

    change = admin_client.post(
        reverse("admin:clocks_escalationpolicy_change", args=[policy.pk]),
        {"kind": "task", "incident_type": telecom.pk, "step_code": "", "grace_minutes": "25"},
    )
    assert change.status_code == 302
    [changed] = _events("escalation_policy.changed")
    assert (changed.before["grace_minutes"], changed.after["grace_minutes"]) == (12, 25)

    delete = admin_client.post(
        reverse("admin:clocks_escalationpolicy_delete", args=[policy.pk]), {"post": "yes"}
    )
    assert delete.status_code == 302
    assert not EscalationPolicy.objects.exists()
    assert len(_events("escalation_policy.deleted")) == 1


def test_bulk_deleting_policies_in_the_admin_records_each(admin_client, actor):
    admin = actor("admin")
    policies = [
        escalation_policy_save(
            actor=admin, policy=EscalationPolicy(kind="task", step_code=code, grace_minutes=9)
        )
        for code in ("a1", "a2")
    ]
    response = admin_client.post(
        reverse("admin:clocks_escalationpolicy_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [p.pk for p in policies],
            "post": "yes",
        },
    )
    assert response.status_code == 302
    assert not EscalationPolicy.objects.exists()
    assert len(_events("escalation_policy.deleted")) == 2


def test_a_typed_policy_has_a_name(bank):
    telecom = IncidentType.objects.get(code="telecom_fraud")
    policy = EscalationPolicy(kind="task", incident_type=telecom, step_code="t1", grace_minutes=5)
    assert str(policy) == f"task {telecom.pk} t1: 5 min"

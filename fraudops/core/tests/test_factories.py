"""The factories make what the services make: units with their path, people with roles."""

from __future__ import annotations

from fraudops.core.actors import Actor
from fraudops.core.choices import ApiScope, Level, Role
from fraudops.core.models import OrgUnit

from .factories import ApiClientFactory, OrgUnitFactory, UserFactory


def test_a_branch_comes_under_a_new_region_under_head_office(bank):
    branch = OrgUnitFactory()
    assert branch.level == Level.BRANCH
    assert branch.parent.level == Level.SUB_BRANCH
    assert branch.parent.parent == bank["HO"]
    assert branch.path == f"/HO/{branch.parent.code}/{branch.code}/"
    assert OrgUnitFactory(level=Level.HEAD_OFFICE) == bank["HO"]


def test_people_hold_their_level_s_role_or_the_ones_given(bank):
    teller = UserFactory(unit=bank["BR-BJ-HD"])
    assert teller.role_codes == {Role.TELLER}
    monitor = UserFactory(unit=bank["SB-SH"], roles=[Role.SUB_BRANCH_MONITOR, Role.AUDITOR])
    assert set(monitor.role_assignments.values_list("role", flat=True)) == {
        Role.SUB_BRANCH_MONITOR,
        Role.AUDITOR,
    }
    nobody = UserFactory(unit=bank["HO"], roles=[])
    assert not nobody.role_assignments.exists()
    assert UserFactory.actor(unit=bank["SB-GZ"]).sees(bank["BR-GZ-TH"])
    assert isinstance(UserFactory.actor(unit=bank["HO"]), Actor)


def test_api_clients_carry_their_token_and_a_client_sending_it(bank):
    record = ApiClientFactory(unit=bank["SB-BJ"], scopes=[ApiScope.INCIDENTS_READ])
    assert record.key_matches(record.token)
    response = record.api.get("/api/v1/incidents/")
    assert response.status_code == 200
    response = record.api.post("/api/v1/incidents/", {}, format="json")
    assert response.status_code == 403  # no incidents:write scope
    assert OrgUnit.objects.filter(code="SB-BJ").exists()

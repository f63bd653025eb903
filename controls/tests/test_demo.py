"""The demo data: a non-empty approvers' queue on DEMO-1 and a working core-banking client."""

import pytest
from rest_framework.test import APIClient

from controls.choices import ControlState
from controls.demo import demo_client_token, demo_controls_build
from controls.models import ControlRequest
from incidents.demo_incidents import demo_incidents_build

pytestmark = pytest.mark.django_db


def test_demo_builder_fills_the_queues_and_is_idempotent(bank, api, capsys):
    demo_incidents_build()
    assert demo_controls_build() == 3  # the client and two requests
    assert demo_controls_build() == 0
    assert ControlRequest.objects.filter(state=ControlState.REQUESTED).count() == 2
    assert "AC-" in api("monitor_sh").get("/controls/").content.decode()
    assert "AC-" in api("monitor_bj").get("/controls/").content.decode()
    token = demo_client_token()
    assert token in capsys.readouterr().out
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    response = client.get("/api/v1/freeze-instructions/", {"status": "pending"})
    assert response.status_code == 200 and response.json()["results"] == []

"""The demo data: seed case 5's petition, linked to its incident, reviewed by the sub-branch,
its reply still owed (so its clock runs in `make run`); building twice adds nothing."""

import pytest

from complaints.choices import ComplaintState
from complaints.demo import demo_complaints_build
from complaints.models import Complaint

pytestmark = pytest.mark.django_db


def test_demo_builder_makes_seed_case_five_and_is_idempotent(bank, api):
    assert demo_complaints_build() == 1
    assert demo_complaints_build() == 0
    complaint = Complaint.objects.get()
    assert complaint.state == ComplaintState.INVESTIGATING
    assert complaint.reviews.get().unit.code == "SB-BJ"
    incident = complaint.incident_links.get().incident
    assert incident.external_reference == "DEMO-5"
    page = api("manager_bj_hd").get(f"/incidents/{incident.number}/").content.decode()
    assert complaint.number in page

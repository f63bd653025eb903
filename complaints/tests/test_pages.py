"""The complaint pages: the list (filters), filing, the page offering exactly the actions
the service accepts, each side of a link showing the other, the home queue's block."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from complaints import services
from complaints.models import Complaint, ReplyDeadline
from fraudops.core.models import AuditEvent
from incidents.tests.factories import IncidentFactory

from .factories import ComplaintFactory

pytestmark = pytest.mark.django_db


def _client(person, username: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(person(username))
    return client


def _detail(complaint: Complaint) -> str:
    return reverse("complaints:detail", kwargs={"number": complaint.number})


def test_filing_from_the_form(bank, person):
    client = _client(person, "teller_bj_hd")
    response = client.post(
        reverse("complaints:new"),
        {
            "source": "petitions_office",
            "received_at": "2026-11-20T09:30",
            "complainant_name": "刘桂芳",
            "complainant_id_type": "resident_id",
            "complainant_id_number": "110108195803150024",
            "complainant_phone": "13911012345",
            "request": "请求帮助追回资金。",
            "unit": "BR-BJ-HD",
        },
    )
    complaint = Complaint.objects.get()
    assert response.status_code == 302 and response["Location"] == _detail(complaint)


def test_a_bad_form_is_refused_naming_the_field(bank, person):
    client = _client(person, "teller_bj_hd")
    response = client.post(
        reverse("complaints:new"),
        {"source": "petitions_office", "received_at": "x", "request": "", "unit": "BR-BJ-HD"},
        follow=True,
    )
    assert b"Received at" in response.content
    assert not Complaint.objects.exists()


def test_the_list_filters_and_is_scoped(bank, person):
    mine = ComplaintFactory()
    other = ComplaintFactory(filer="teller_sh_pd")
    page = _client(person, "teller_bj_hd").get(reverse("complaints:list"))
    assert mine.number.encode() in page.content and other.number.encode() not in page.content
    overdue = _client(person, "ho_monitor").get(reverse("complaints:list"), {"overdue": "1"})
    assert mine.number.encode() not in overdue.content


def test_the_page_offers_exactly_what_the_service_accepts(bank, person, actor):
    complaint = ComplaintFactory()
    teller = _client(person, "teller_bj_hd").get(_detail(complaint)).content
    assert b'data-testid="investigate-submit"' in teller
    assert b'data-testid="review-form"' not in teller
    monitor = _client(person, "monitor_bj").get(_detail(complaint)).content
    assert b'data-testid="review-form"' in monitor
    assert b'data-testid="investigate-submit"' not in monitor
    services.complaint_investigation_record(
        actor=actor("manager_bj_hd"), number=complaint.number, findings="已核查。"
    )
    services.complaint_reply_draft(
        actor=actor("manager_bj_hd"), number=complaint.number, text="答复。"
    )
    author = _client(person, "manager_bj_hd").get(_detail(complaint)).content
    assert b'data-testid="sign-off-submit"' not in author
    assert b'data-testid="four-eyes-note"' in author


def test_a_refused_sign_off_on_the_page_changes_nothing(bank, person, actor):
    complaint = ComplaintFactory()
    services.complaint_investigation_record(
        actor=actor("manager_bj_hd"), number=complaint.number, findings="已核查。"
    )
    services.complaint_reply_draft(
        actor=actor("manager_bj_hd"), number=complaint.number, text="答复。"
    )
    response = _client(person, "manager_bj_hd").post(
        reverse("complaints:sign-off", kwargs={"number": complaint.number})
    )
    assert response.status_code == 302
    assert Complaint.objects.get(pk=complaint.pk).state == "reply_drafted"


def test_each_side_of_a_link_shows_the_other(bank, person, actor):
    complaint = ComplaintFactory()
    incident = IncidentFactory()
    _client(person, "teller_bj_hd").post(
        reverse("complaints:link", kwargs={"number": complaint.number}),
        {"incident": incident.number},
    )
    incident_page = _client(person, "teller_bj_hd").get(
        reverse("incident_detail", kwargs={"number": incident.number})
    )
    assert f'data-testid="incident-complaint-{complaint.number}"'.encode() in incident_page.content
    # ... and its timeline tells the link.
    assert f"Complaint {complaint.number} linked to this incident".encode() in incident_page.content
    complaint_page = _client(person, "teller_bj_hd").get(_detail(complaint))
    assert f'data-testid="linked-incident-{incident.number}"'.encode() in complaint_page.content


def test_documents_upload_and_download_only_in_scope(bank, person):
    complaint = ComplaintFactory()
    client = _client(person, "teller_bj_hd")
    client.post(
        reverse("complaints:document-upload", kwargs={"number": complaint.number}),
        {"file": SimpleUploadedFile("reply.txt", "答复函".encode(), "text/plain")},
    )
    document = complaint.documents.get()
    url = reverse(
        "complaints:document-download",
        kwargs={"number": complaint.number, "document_id": document.pk},
    )
    assert client.get(url).status_code == 200
    assert _client(person, "teller_sh_pd").get(url).status_code == 404


def test_the_home_queue_shows_open_complaints_with_their_deadlines(bank, person):
    complaint = ComplaintFactory()
    home = _client(person, "manager_bj_hd").get(reverse("home"))
    assert b'data-testid="home-complaints"' in home.content
    assert complaint.number.encode() in home.content


def test_admin_edits_reply_deadlines_through_the_audited_service(bank, person):
    row = ReplyDeadline.objects.get(source="phone")
    client = _client(person, "admin")
    response = client.post(
        reverse("admin:complaints_replydeadline_change", args=[row.pk]),
        {"source": "phone", "days": "3", "hours": "12", "basis": "bank target"},
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.days, row.hours) == (3, 12)
    event = AuditEvent.objects.get(action="complaints.reply_deadline_saved")
    assert (event.before["days"], event.after["days"]) == (7, 3)


def test_a_new_complaint_changes_the_home_queues_live_marker(bank, person, actor):
    # The home page's complaints block refreshes on its own like the rest of the queue.
    from incidents.selectors import home_change_marker

    manager = actor("manager_bj_hd")
    before = home_change_marker(actor=manager)
    shanghai = home_change_marker(actor=actor("manager_sh_pd"))
    complaint = ComplaintFactory()
    after_filing = home_change_marker(actor=manager)
    assert after_filing != before
    services.complaint_investigation_record(
        actor=actor("teller_bj_hd"), number=complaint.number, findings="已调取录像"
    )
    assert home_change_marker(actor=manager) != after_filing
    # Another region's queue does not move.
    assert home_change_marker(actor=actor("manager_sh_pd")) == shanghai

"""Bulk CSV import by head office: checked row by row, all or nothing, with a per-row
error report; progress on the job; CSV export that can be imported again."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from fraudops.core.errors import PermissionRefused
from fraudops.core.models import AuditEvent, OutboxMessage
from watchlist import csvio, services
from watchlist.models import Entry, EntryChange, EntryKey, ImportJob
from watchlist.services import review_on_default

HEADER = "kind,name,id_number,org_code,account_number,phone,url,reason,review_on\n"
GOOD = (
    "person,王小明,110105199003071239,,,,,冒充公检法收款人,\n"
    "个人,陳建國,,,,,,冒用他人身份开户,\n"
    "organisation,某某贸易有限公司,,91110000600037341L,,,,伪造票据出票人,\n"
    "account,,,,6217 0000 1000 1234 567,,,涉诈收款账户,\n"
    "phone,,,,,+86 139 0013 9000,,诈骗电话,\n"
    "website,,,,,,https://www.icbc-verify.com.cn/login,钓鱼网站,2030-01-01\n"
)


def _upload(actor, text: str, *, encoding: str = "utf-8", reason: str = "", name="list.csv"):
    upload = SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")
    return services.import_create(actor=actor("ho_monitor"), uploaded_file=upload, reason=reason)


def test_clean_file_is_published_in_one_go(actor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        job = _upload(actor, HEADER + GOOD)
    assert len(callbacks) == 1  # the outbox relay is kicked after commit
    assert OutboxMessage.objects.get(kind="watchlist.import_run").payload["job_id"] == job.pk
    job = services.import_run(job_id=job.pk)
    assert job.status == "done"
    assert job.created_count == 6 and job.total_rows == 6 and job.percent == 100
    assert Entry.objects.filter(status="active", import_job=job).count() == 6
    assert Entry.objects.get(kind="person", id_number="").name == "陈建国"
    assert EntryKey.objects.filter(kind="phone", value="+8613900139000").exists()
    assert EntryChange.objects.filter(action="publish").count() == 6
    assert AuditEvent.objects.filter(action="watchlist.entry_published").count() == 6
    assert str(Entry.objects.get(kind="website").review_on) == "2030-01-01"
    assert services.import_run(job_id=job.pk) is None  # idempotent: never runs twice


def test_a_bad_row_imports_nothing_and_the_report_names_the_row(actor):
    bad = GOOD.replace("110105199003071239", "110105199003071238").replace(
        "+86 139 0013 9000", "12345"
    )
    job = services.import_run(job_id=_upload(actor, HEADER + bad + "spaceship,,,,,,,x,\n").pk)
    assert job.status == "failed"
    assert not Entry.objects.exists()
    assert not EntryChange.objects.exists()
    report = list(csv.reader(io.StringIO(job.error_report)))
    assert report[0][:3] == ["line", "column", "error"]
    assert [(row[0], row[1]) for row in report[1:]] == [
        ("2", "id_number"),
        ("6", "phone"),
        ("8", "kind"),
    ]
    assert report[1][3:5] == ["person", "王小明"]  # the row's own values follow
    assert job.error_count == 3


def test_duplicates_within_the_file_and_already_listed_values_are_errors(actor, publish):
    publish("phone", {"phone": "13900139000"})
    text = HEADER + GOOD + "account,,,,6217000010001234567,,,重复,\n"
    job = services.import_run(job_id=_upload(actor, text).pk)
    assert job.status == "failed"
    errors = {(e["line"], e["error"]) for e in csvio.error_lines(job.error_report)}
    assert ("8", "与本文件第 5 行相同。") in errors or any(line == "8" for line, _ in errors)
    assert any(line == "6" for line, _ in errors)
    assert Entry.objects.count() == 1


def test_import_publishes_as_an_approval_does_and_audits_with_the_uploaders_address(actor):
    text = (
        "kind,phone,reason,review_on,expires_on\n"
        "phone,13700137000,诈骗电话,２０３０－０１－０２,2031-01-01\n"  # typed full-width
        "phone,13700137001,诈骗电话,,\n"
        "phone,13700137002,诈骗电话,,\n"
    )
    job = services.import_run(job_id=_upload(actor, text).pk, ip="10.0.0.1")
    assert job.status == "done", job.error_report
    listed = Entry.objects.get(phone="+8613700137000")
    assert (str(listed.review_on), str(listed.expires_on)) == ("2030-01-02", "2031-01-01")
    default = Entry.objects.get(phone="+8613700137001")
    assert default.review_on == review_on_default(timezone.localdate(default.published_at))
    events = AuditEvent.objects.filter(action="watchlist.entry_published")
    assert events.count() == 3
    assert {(e.ip, e.actor_user.username, e.data["import"]) for e in events} == {
        ("10.0.0.1", "ho_monitor", job.pk)
    }
    event = events.get(thread=listed.thread)
    assert event.after["review_on"] == "2030-01-02" and event.after["reason"] == "诈骗电话"


def test_import_dates_are_checked_as_the_services_check_them(actor):
    text = "kind,phone,reason,review_on,expires_on\nphone,13700137000,x,2000-01-01,30/06/2027\n"
    job = services.import_run(job_id=_upload(actor, text).pk)
    assert job.status == "failed"
    errors = [(e["column"], e["error"]) for e in csvio.error_lines(job.error_report)]
    assert [column for column, _message in errors] == ["review_on", "expires_on"]


def test_gbk_file_from_excel_and_file_level_reason(actor):
    text = "kind,name,phone\nphone,,13700137000\n"
    job = services.import_run(job_id=_upload(actor, text, encoding="gbk", reason="批量导入").pk)
    assert job.status == "done"
    assert Entry.objects.get().reason == "批量导入"


def test_unknown_columns_fail_the_file(actor):
    job = services.import_run(job_id=_upload(actor, "kind,colour\nphone,red\n").pk)
    assert job.status == "failed"
    assert "colour" in job.message


def test_only_head_office_monitors_import(actor):
    upload = SimpleUploadedFile("x.csv", b"kind\n", content_type="text/csv")
    with pytest.raises(PermissionRefused):
        services.import_create(actor=actor("monitor_bj"), uploaded_file=upload)
    assert not ImportJob.objects.exists()


def test_export_imports_again_elsewhere(actor, publish):
    publish("phone", {"phone": "13900139000"})
    publish("person", {"name": "李强", "id_number": "110105199003071239"})
    text = "".join(csvio.export_stream(Entry.objects.all())).lstrip("\ufeff")
    Entry.objects.all().delete() if False else None
    for entry in Entry.objects.all():
        services.entry_remove(actor=actor("ho_monitor"), entry_id=entry.pk, reason="迁移")
    job = services.import_run(job_id=_upload(actor, text).pk)
    assert job.status == "done", job.error_report
    assert Entry.objects.filter(status="active").count() == 2


def test_upload_page_and_progress_status(client, person, actor):
    client.force_login(person("ho_monitor"))
    upload = SimpleUploadedFile("list.csv", (HEADER + GOOD).encode(), content_type="text/csv")
    response = client.post(reverse("watchlist:import_list"), {"file": upload, "reason": ""})
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("watchlist:import_detail", args=[job.pk])
    status = client.get(reverse("watchlist:import_status", args=[job.pk])).json()
    assert status["status"] == "pending" and status["finished"] is False
    services.import_run(job_id=job.pk)
    status = client.get(reverse("watchlist:import_status", args=[job.pk])).json()
    assert status == {
        "status": "done",
        "status_label": status["status_label"],
        "total_rows": 6,
        "processed_rows": 6,
        "created_count": 6,
        "error_count": 0,
        "percent": 100,
        "finished": True,
        "message": status["message"],
    }
    assert client.get(reverse("watchlist:import_detail", args=[job.pk])).status_code == 200


def test_error_report_download(client, person, actor):
    job = services.import_run(job_id=_upload(actor, HEADER + "phone,,,,,123,,x,\n").pk)
    client.force_login(person("ho_monitor"))
    response = client.get(reverse("watchlist:import_errors", args=[job.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('errors.csv"')
    assert "phone" in response.content.decode("utf-8-sig")
    client.force_login(person("monitor_bj"))
    assert client.get(reverse("watchlist:import_errors", args=[job.pk])).status_code == 403

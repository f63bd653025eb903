"""The incident list's filters (kept in the URL and by pagination), its CSV and XLSX exports
(the viewer's subtree only, audited, headers in the user's language, formula-safe, capped)
and the printable case summary."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.contrib.messages import get_messages
from freezegun import freeze_time
from openpyxl import load_workbook

from fraudops.core.models import AuditEvent
from fraudops.core.spreadsheet import safe_cell
from incidents import export
from incidents.models import Incident
from tests.incident_data import PAYEE_ACCOUNT, VICTIM_ID

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def _login(client, person, username):
    client.force_login(person(username))
    return client


def _listed(client, query: str) -> str:
    response = client.get(f"/incidents/?{query}", **EN)
    assert response.status_code == 200
    return response.content.decode()


# --- filters -------------------------------------------------------------------------------


def test_list_filters_channel_outcome_unit_dates_overdue_and_search(client, person, file_incident):
    with freeze_time("2026-11-02 03:00:00"):
        early = file_incident(channel="atm", outcome="funds_lost")
    with freeze_time("2026-11-20 03:00:00"):
        late = file_incident(channel="counter", outcome="prevented", serious=True)
        shanghai = file_incident(username="teller_sh_pd")
    _login(client, person, "ho_monitor")
    with freeze_time("2026-11-20 03:05:00"):
        assert early.number in _listed(client, "channel=atm")
        assert late.number not in _listed(client, "channel=atm")
        assert late.number in _listed(client, "outcome=prevented")
        assert early.number not in _listed(client, "outcome=prevented")
        page = _listed(client, "unit=SB-BJ")
        assert early.number in page and shanghai.number not in page
        page = _listed(client, "unit=BR-SH-PD")
        assert shanghai.number in page and early.number not in page
        page = _listed(client, "filed_from=2026-11-01&filed_to=2026-11-10")
        assert early.number in page and late.number not in page
        page = _listed(client, "filed_from=2026-11-15")
        assert late.number in page and early.number not in page
        # Late's 15-minute steps are not due yet; early's are long overdue.
        page = _listed(client, "overdue=yes")
        assert early.number in page and late.number not in page
        page = _listed(client, "overdue=no")
        assert late.number in page and early.number not in page
        page = _listed(client, "serious=yes&q=张秀兰")
        assert late.number in page and early.number not in page
        page = _listed(client, f"q={VICTIM_ID}&channel=counter")
        assert late.number in page and early.number not in page


def test_unit_filter_offers_only_the_viewers_subtree(client, person, file_incident):
    _login(client, person, "monitor_bj")
    page = _listed(client, "")
    assert 'value="BR-BJ-HD"' in page
    assert 'value="BR-SH-PD"' not in page
    # Someone else's unit typed into the URL is refused at the field, never obeyed.
    shanghai = file_incident(username="teller_sh_pd")
    page = _listed(client, "unit=BR-SH-PD")
    assert shanghai.number not in page


def test_a_bad_date_range_is_shown_at_its_field(client, person, bank):
    _login(client, person, "monitor_bj")
    page = _listed(client, "filed_from=2026-11-10&filed_to=2026-11-01")
    assert "The end of the date range is before its start." in page


def test_pagination_and_export_links_keep_the_filters(client, person, actor):
    from incidents.services import incident_file
    from tests.incident_data import filing

    teller = actor("teller_bj_hd")
    for _ in range(51):
        incident_file(actor=teller, data=filing(channel="atm"))
    _login(client, person, "monitor_bj")
    page = _listed(client, "channel=atm&q=张秀兰")
    assert "channel=atm" in page.split("Page 1 of 2")[1]
    assert "page=2" in page
    assert "/incidents/export.csv?channel=atm&amp;q=" in page
    second = _listed(client, "channel=atm&q=张秀兰&page=2")
    assert "Page 2 of 2" in second
    assert "/incidents/export.xlsx?channel=atm&amp;q=" in second
    assert "page=2" not in second.split("export.xlsx")[1].split('"')[0]


def test_api_list_searches_and_filters(api, file_incident):
    first = file_incident(channel="atm")
    file_incident("impostor_customer", vehicles=[], channel="counter")
    client = api("monitor_bj")

    def numbers(query):
        response = client.get(f"/api/v1/incidents/?{query}")
        assert response.status_code == 200, response.content
        return {row["number"] for row in response.json()["results"]}

    assert numbers("q=張秀蘭") == {first.number}
    assert numbers("q=Zhang%20Xiulan") == {first.number}
    assert numbers(f"q={PAYEE_ACCOUNT}") == {first.number}
    assert numbers("q=bank-verify.example.cn") == {first.number}
    assert numbers("channel=atm") == {first.number}
    assert numbers("overdue=false") >= {first.number}
    assert numbers("overdue=true") == set()
    assert numbers("q=nobody") == set()
    assert client.get("/api/v1/incidents/?channel=pigeon").status_code == 400


# --- exports -------------------------------------------------------------------------------


def _csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def test_csv_export_has_a_bom_chinese_headers_and_the_filtered_rows(client, person, file_incident):
    atm = file_incident(channel="atm", external_reference="CB-1")
    counter = file_incident(channel="counter")
    _login(client, person, "monitor_bj")
    response = client.get("/incidents/export.csv?channel=atm", **ZH)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = _csv_rows(response)
    assert rows[0][:3] == ["编号", "类型", "状态"]
    assert [row[0] for row in rows[1:]] == [atm.number]
    assert counter.number not in str(rows)
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["渠道"] != "atm"  # the label, not the code
    assert row["被骗金额"] == "50000.00"
    assert row["外部参考号"] == "CB-1"


def test_csv_headers_follow_the_users_language(client, person, file_incident):
    file_incident()
    _login(client, person, "monitor_bj")
    rows = _csv_rows(client.get("/incidents/export.csv", **EN))
    assert rows[0][:4] == ["Number", "Type", "State", "Branch"]
    assert "Amount lost" in rows[0]


def test_xlsx_export_holds_the_same_rows_typed(client, person, file_incident):
    incident = file_incident(external_reference="CB-9")
    _login(client, person, "monitor_bj")
    response = client.get("/incidents/export.xlsx", **EN)
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Number"
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["Number"] == incident.number
    assert record["Amount lost"] == 50000
    assert isinstance(record["Filed at"], datetime.datetime)
    assert record["External reference"] == "CB-9"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_never_holds_incidents_outside_the_viewers_subtree(
    client, person, file_incident, fmt
):
    beijing = file_incident()
    shanghai = file_incident(username="teller_sh_pd")
    _login(client, person, "teller_sh_pd")
    response = client.get(f"/incidents/export.{fmt}?unit=BR-BJ-HD&q={VICTIM_ID}", **EN)
    assert response.status_code == 200
    if fmt == "csv":
        numbers = [row[0] for row in _csv_rows(response)[1:]]
    else:
        sheet = load_workbook(io.BytesIO(response.content)).active
        numbers = [row[0] for row in list(sheet.iter_rows(values_only=True))[1:]]
    assert beijing.number not in numbers
    assert numbers == [shanghai.number]  # the unit filter outside its subtree is ignored


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exported_cells_never_run_as_formulas(client, person, file_incident, fmt):
    file_incident(external_reference="=HYPERLINK(1)")
    file_incident(external_reference="+1-2")
    file_incident(external_reference="@SUM(A1)")
    _login(client, person, "monitor_bj")
    response = client.get(f"/incidents/export.{fmt}", **EN)
    if fmt == "csv":
        rows = _csv_rows(response)
    else:
        sheet = load_workbook(io.BytesIO(response.content)).active
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        assert all(cell.data_type != "f" for row in sheet.iter_rows(min_row=2) for cell in row)
    column = rows[0].index("External reference")
    assert sorted(row[column] for row in rows[1:]) == ["'+1-2", "'=HYPERLINK(1)", "'@SUM(A1)"]


def test_safe_cell_prefixes_only_formula_starts():
    assert safe_cell("=1+1") == "'=1+1"
    assert safe_cell("-5") == "'-5"
    assert safe_cell("\t=1") == "'\t=1"
    assert safe_cell("张三") == "张三"
    assert safe_cell(-5) == -5


def test_an_export_is_audited_with_its_filters_and_rows(client, person, file_incident):
    incident = file_incident(channel="atm")
    _login(client, person, "monitor_bj")
    before = AuditEvent.objects.count()
    client.get("/incidents/export.xlsx?channel=atm", **EN)
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("id")
    assert event.action == "incident.exported"
    assert event.actor_user.username == "monitor_bj"
    assert event.data["format"] == "xlsx"
    assert event.data["filters"] == {"channel": "atm"}
    assert event.data["numbers"] == [incident.number]
    assert event.data["rows"] == 1


def test_an_export_over_the_cap_is_refused_with_a_message(
    client, person, file_incident, monkeypatch
):
    file_incident()
    file_incident()
    monkeypatch.setattr(export, "MAX_ROWS", 1)
    _login(client, person, "monitor_bj")
    before = AuditEvent.objects.count()
    response = client.get("/incidents/export.csv?channel=online_banking", **EN)
    assert response.status_code == 302
    assert response["Location"] == "/incidents/?channel=online_banking"
    text = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("More than 1 incidents match these filters" in m for m in text), text
    assert AuditEvent.objects.count() == before


# --- print ---------------------------------------------------------------------------------


def test_case_summary_holds_the_case_on_one_page(client, person, file_incident):
    incident = file_incident(external_reference="CB-77")
    _login(client, person, "monitor_bj")
    response = client.get(f"/incidents/{incident.number}/summary/", **EN)
    assert response.status_code == 200
    page = response.content.decode()
    for text in (
        incident.number,
        "Telecom fraud",
        "Branch handling",
        "Beijing Haidian Branch",
        "CB-77",
        "客户被冒充公检法人员诱骗转账。",
        "张秀兰",
        VICTIM_ID,
        "+8613800138000",
        PAYEE_ACCOUNT,
        "Bank-Verify.example.cn",
        "50,000.00",
        "css/print.css",
    ):
        assert text in page, text
    steps = page.split('data-testid="summary-steps"')[1]
    task = Incident.objects.get(pk=incident.pk).tasks.select_related("step").first()
    assert str(task.step.title) in steps
    assert "Open" in steps


def test_the_incident_page_links_to_its_summary(client, person, file_incident):
    incident = file_incident()
    _login(client, person, "teller_bj_hd")
    page = client.get(f"/incidents/{incident.number}/", **EN).content.decode()
    assert f'href="/incidents/{incident.number}/summary/"' in page


def test_case_summary_of_another_region_is_404(client, person, file_incident):
    incident = file_incident()
    _login(client, person, "teller_sh_pd")
    assert client.get(f"/incidents/{incident.number}/summary/", **EN).status_code == 404
    assert client.get("/incidents/FI-2099-999999/summary/", **EN).status_code == 404


def test_the_print_stylesheet_hides_the_chrome_and_opens_details():
    from django.contrib.staticfiles import finders

    with open(finders.find("css/print.css"), encoding="utf-8") as file:
        css = file.read()
    assert "@media print" in css
    for selector in (".topbar", "nav", "form", "button", ".btn"):
        assert selector in css
    assert "details" in css

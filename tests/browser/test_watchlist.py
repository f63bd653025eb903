"""In Chromium, the watch list from nomination to removal: a sub-branch monitor nominates an
incident's fraudster with one click; a head-office monitor cannot decide their own
nomination, even by posting the form by hand; another approves from the queue and the entry
page shows who nominated and who approved; a teller screens the ID number typed with
full-width digits, spaces and a lower-case x (hit), the name in Traditional characters and
in pinyin (review, with the rule) and another name (clear); head office removes the entry on
the English page and the same ID number is clear again."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from incidents import services as incident_services
from watchlist.choices import EntryStatus, NominationStatus
from watchlist.models import Entry, Nomination

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NAME = "陈国华"
ID_NUMBER = "32010219850612107X"
ID_TYPED = "３２０１０２ １９８５０６１２ １０７x"  # full-width digits, spaces, lower-case x
PHONE = "13912345678"
REASON = "冒充公检法诈骗，收款人身份已由公安核实。"


def _file_incident(actor):
    return incident_services.incident_file(
        actor=actor("teller_bj_hd"),
        data={
            "incident_type": "telecom_fraud",
            "occurred_at": "2026-01-05T10:00:00+08:00",
            "summary": "客户接到冒充公安的电话，按对方指示转账至“安全账户”。",
            "parties": [
                {"role": "victim", "name": "张秀兰", "phone": "13800138000"},
                {"role": "fraudster", "name": NAME, "id_number": ID_NUMBER, "phone": PHONE},
            ],
        },
    )


def _submit(page, button) -> None:
    with page.expect_navigation():
        button.click()


def _history(page) -> list[tuple[str, str]]:
    items = page.locator("[data-testid=history] li")
    return [
        (item.locator(".what").inner_text().strip(), item.locator(".who").inner_text().strip())
        for item in items.all()
    ]


def _screen(page, url: str, **fields: str):
    page.goto(url)
    form = page.get_by_test_id("screening-form")
    for name, value in fields.items():
        form.locator(f"input[name={name}]").fill(value)
    _submit(page, form.locator("button[type=submit]"))
    return page.get_by_test_id("screening-result")


def test_nominate_from_incident_approve_screen_and_remove(login, live_server, bank, actor):
    incident = _file_incident(actor)
    fraudster = incident.parties.get(role="fraudster")
    victim = incident.parties.get(role="victim")
    incident_url = f"{live_server.url}/incidents/{incident.number}/"
    screening_url = f"{live_server.url}/watchlist/screening/"

    # 1. The sub-branch monitor nominates the fraudster from the incident page, one click.
    monitor = login("monitor_bj")
    monitor.goto(incident_url)
    offers = monitor.get_by_test_id("watchlist-offers")
    expect(offers).to_contain_text(f"{NAME} · {ID_NUMBER}")
    expect(offers.get_by_test_id(f"nominate-party:{victim.pk}")).to_have_count(0)
    row = offers.locator("tr", has=monitor.get_by_test_id(f"nominate-party:{fraudster.pk}"))
    row.locator("input[name=reason]").fill(REASON)
    _submit(monitor, row.get_by_test_id(f"nominate-party:{fraudster.pk}"))

    nomination = Nomination.objects.get()
    assert (nomination.kind, nomination.name, nomination.id_number) == ("person", NAME, ID_NUMBER)
    assert nomination.reason == REASON
    assert nomination.source_incident == incident
    assert nomination.nominated_by.username == "monitor_bj"
    assert nomination.status == NominationStatus.OPEN
    expect(monitor.locator(".messages li.success")).to_contain_text(f"N-{nomination.pk}")
    panel = monitor.get_by_test_id("watchlist-panel")
    expect(panel.get_by_test_id(f"nominate-party:{fraudster.pk}")).to_have_count(0)
    expect(panel.get_by_test_id("watchlist-offers")).to_contain_text(f"已上报 N-{nomination.pk}")

    # Neither the nominator nor their sub-branch colleague is offered a decision.
    for page in (monitor, login("monitor2_bj")):
        page.goto(f"{live_server.url}/watchlist/nominations/{nomination.pk}/")
        expect(page.get_by_test_id("nomination-status")).to_have_text("待总行审批")
        expect(page.get_by_test_id("history")).to_contain_text(REASON)
        expect(page.get_by_test_id("decision")).to_have_count(0)

    # 2. Four eyes at head office: a head-office monitor nominates the fraudster's phone and
    # cannot decide it, neither from the page nor by posting the decision by hand.
    nominator = login("ho_monitor2")
    nominator.goto(incident_url)
    phone_button = nominator.get_by_test_id(f"nominate-party-phone:{fraudster.pk}")
    _submit(nominator, phone_button)
    own = Nomination.objects.get(kind="phone")
    assert own.nominated_by.username == "ho_monitor2"
    nominator.goto(f"{live_server.url}/watchlist/nominations/{own.pk}/")
    expect(nominator.get_by_test_id("decision")).to_have_count(0)
    expect(nominator.locator("main")).to_contain_text(
        "此项由您上报，须由另一位总行运营监控人员审批"
    )
    with nominator.expect_navigation():
        nominator.evaluate(
            """(action) => {
                const form = document.createElement("form");
                form.method = "post";
                form.action = action;
                const token = document.querySelector("[name=csrfmiddlewaretoken]").value;
                const fields = {csrfmiddlewaretoken: token, decision: "approve", reason: "自己批"};
                for (const [name, value] of Object.entries(fields)) {
                    const input = document.createElement("input");
                    input.name = name;
                    input.value = value;
                    form.append(input);
                }
                document.body.append(form);
                form.submit();
            }""",
            f"/watchlist/nominations/{own.pk}/decide/",
        )
    expect(nominator.locator(".messages li.error")).to_contain_text("该条目由您上报")
    own.refresh_from_db()
    assert own.status == NominationStatus.OPEN
    assert not Entry.objects.exists()
    refused = nominator.locator("[data-testid=history] li.refused")  # audited as refused
    expect(refused).to_have_count(1)
    expect(refused.locator(".who")).to_have_text("总行运营监控 吴刚 · 总行")
    expect(refused).to_contain_text("该条目由您上报，须由另一位总行运营监控人员审批。")

    # Another head-office monitor opens the queue and approves the sub-branch's nomination.
    head = login("ho_monitor")
    _submit(
        head, head.get_by_role("navigation", name="主导航").get_by_role("link", name="运营关注名单")
    )
    _submit(head, head.get_by_test_id("watchlist-nav").get_by_role("link", name="上报"))
    queue = head.get_by_test_id("nomination-list")
    expect(queue.locator("tbody tr")).to_have_count(2)
    expect(queue).to_contain_text(f"N-{nomination.pk}")
    expect(queue).to_contain_text("北京分行运营监控")
    expect(queue).to_contain_text(incident.number)
    head.screenshot(path="/tmp/browser-watchlist-queue.png", full_page=True)
    _submit(head, queue.get_by_role("link", name=f"N-{nomination.pk}", exact=True))
    decision = head.get_by_test_id("decision")
    decision.locator("textarea[name=reason]").fill("公安协查函确认，同意纳入。")
    _submit(head, decision.locator("button[name=decision][value=approve]"))

    entry = Entry.objects.get()
    assert entry.status == EntryStatus.ACTIVE
    assert (entry.id_number, entry.decided_by.username) == (ID_NUMBER, "ho_monitor")
    assert head.url == f"{live_server.url}/watchlist/entries/{entry.pk}/"
    expect(head.locator(".messages li.success")).to_contain_text(f"条目 #{entry.pk}")
    expect(head.get_by_test_id("entry-status")).to_have_text("有效")
    facts = head.locator("dl.facts")
    expect(facts).to_contain_text(REASON)
    expect(facts).to_contain_text("总行运营监控 周敏")
    expect(head.get_by_test_id("entry-keys")).to_contain_text(ID_NUMBER)
    history = _history(head)
    assert ("已上报", "北京分行运营监控 · 北京分行") in history
    assert ("上报已批准", "总行运营监控 周敏 · 总行") in history
    assert ("已发布到关注名单", "总行运营监控 周敏 · 总行") in history
    head.screenshot(path="/tmp/browser-watchlist-entry.png", full_page=True)

    # 3. A teller screens: the ID number as typed at a counter is a hit on the entry...
    teller = login("teller_bj_hd")
    result = _screen(teller, screening_url, id_number=ID_TYPED)
    expect(result.get_by_test_id("decision")).to_have_text("命中：在关注名单中")
    expect(result).to_contain_text("身份证号码完全一致")
    expect(result).to_contain_text(f"#{entry.pk}")
    expect(result).to_contain_text(REASON)
    expect(result.locator("a[href*='/watchlist/entries/']")).to_have_count(0)  # not a reader
    teller.screenshot(path="/tmp/browser-watchlist-screening-hit.png", full_page=True)

    # ... the name in Traditional characters and in pinyin is for review, with the rule...
    result = _screen(teller, screening_url, name="陳國華")
    expect(result.get_by_test_id("decision")).to_have_text("需复核：名单中有相似姓名")
    expect(result).to_contain_text("繁体写法的同一姓名")
    expect(result).to_contain_text(f"#{entry.pk}")
    teller.screenshot(path="/tmp/browser-watchlist-screening-review.png", full_page=True)
    result = _screen(teller, screening_url, name="Chen Guohua")
    expect(result.get_by_test_id("decision")).to_have_text("需复核：名单中有相似姓名")
    expect(result).to_contain_text("拼音相同")

    # ... and a different name is clear.
    result = _screen(teller, screening_url, name="赵丽娟")
    expect(result.get_by_test_id("decision")).to_have_text("未命中：不在关注名单中")
    expect(result).to_contain_text("关注名单中没有匹配项。")

    # A monitor's hit links to the entry; the incident's panel shows the party as listed.
    result = _screen(monitor, screening_url, id_number="320102 19850612 107x")
    expect(result.get_by_test_id("decision")).to_have_text("命中：在关注名单中")
    _submit(monitor, result.get_by_role("link", name=f"#{entry.pk}", exact=True))
    expect(monitor.locator("h1")).to_contain_text(f"条目 #{entry.pk}")
    monitor.goto(incident_url)
    expect(monitor.get_by_test_id("watchlist-offers")).to_contain_text(f"已在名单中 #{entry.pk}")
    expect(monitor.get_by_test_id("watchlist-nominations")).to_contain_text("已批准")

    # 4. Head office removes the entry, on the English page, confirming the dialog.
    english = login("ho_monitor", "en-US")
    english.goto(f"{live_server.url}/watchlist/entries/{entry.pk}/")
    expect(english.locator("h1")).to_contain_text(f"Entry #{entry.pk}")
    expect(english.locator("dl.facts")).to_contain_text("Approved by")
    dialogs: list[str] = []

    def accept(dialog) -> None:
        dialogs.append(dialog.message)
        dialog.accept()

    english.on("dialog", accept)
    english.fill("#remove-reason", "Court ruling: the ID was stolen from the holder.")
    _submit(english, english.get_by_role("button", name="Remove from the list"))
    assert dialogs == ["Remove this entry from the watch list? Screening stops finding it at once."]
    entry.refresh_from_db()
    assert entry.status == EntryStatus.REMOVED
    assert entry.removed_by.username == "ho_monitor"
    expect(english.get_by_test_id("entry-status")).to_have_text("Removed")
    expect(english.locator(".messages li.success")).to_contain_text(
        f"Entry #{entry.pk} removed from the watch list."
    )
    expect(english.get_by_test_id("entry-keys")).to_contain_text(
        "Nothing: the entry is no longer active."
    )
    assert ("Removed from the watch list", "总行运营监控 周敏 · Head Office") in _history(english)
    english.screenshot(path="/tmp/browser-watchlist-entry-removed-en.png", full_page=True)

    # The same ID number is no longer a hit.
    result = _screen(teller, screening_url, id_number=ID_TYPED)
    expect(result.get_by_test_id("decision")).to_have_text("未命中：不在关注名单中")
    teller.screenshot(path="/tmp/browser-watchlist-screening-clear.png", full_page=True)

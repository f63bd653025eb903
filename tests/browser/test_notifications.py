"""In Chromium, the header's unread count is live (docs/notifications.md): a sub-branch
monitor has a page open while a teller files an incident; the bell's count goes up on its
own, without a reload. And the notification settings are reached from the header and saved."""

from __future__ import annotations

import pytest

from fraudops.core.actors import Actor
from fraudops.core.outbox import outbox_relay_batch
from incidents.services import incident_file
from notifications.models import NotificationPreference
from tests.incident_data import filing

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_bell_counts_a_new_notification_without_a_reload(login, person, settings):
    settings.NOTIFICATIONS_UNREAD_POLL_MS = 300
    monitor = login("monitor_bj", locale="en-US")
    monitor.goto(monitor.url.split("/accounts")[0] + "/")
    count = monitor.locator("[data-testid=unread-count]")
    assert count.inner_text() == "0"
    incident_file(actor=Actor.for_user(person("teller_bj_hd")), data=filing("impostor_customer"))
    while outbox_relay_batch():
        pass
    monitor.wait_for_function(
        "document.querySelector('[data-testid=unread-count]').textContent === '1'",
        timeout=5000,
    )
    assert "unread" in (count.get_attribute("class") or "")


def test_the_settings_are_reached_from_the_header_and_saved(login, person):
    teller = login("teller_bj_hd", locale="en-US")
    teller.click("[data-testid=notification-settings]")
    teller.wait_for_selector("[data-testid=preferences-form]")
    teller.check("input[name=non_urgent_delivery][value=daily_digest]")
    teller.click("[data-testid=save-preferences]")
    teller.wait_for_selector("text=Your notification settings are saved.")
    preference = NotificationPreference.objects.get(user=person("teller_bj_hd"))
    assert preference.non_urgent_delivery == "daily_digest"
    assert preference.email_enabled is True

"""Every admin page head office uses renders: the changelist of each registered model and
the change page of one object where one exists."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import translation

from fraudops.core.choices import Role
from fraudops.core.errors import InvalidInput
from fraudops.core.models import ApiClient, AuditEvent, OrgUnit, User
from incidents.demo_incidents import demo_incidents_build
from incidents.services import incident_file
from tests.incident_data import filing
from workflows.errors import PlaybookInUse
from workflows.models import Playbook, PlaybookStep
from workflows.services import (
    STEP_EDITABLE,
    playbook_new_version,
    playbook_step_create,
    playbook_step_delete,
    playbook_step_update,
)


@pytest.fixture
def admin_client(client, person):
    client.force_login(person("admin"))
    return client


def _models():
    return sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


@pytest.mark.parametrize("model", [m for m, _ in _models()], ids=lambda m: m._meta.label)
def test_admin_changelist_and_change_page_render(admin_client, model):
    demo_incidents_build()
    opts = model._meta
    response = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert response.status_code == 200
    obj = model._default_manager.first()
    if obj is not None:
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        assert admin_client.get(url).status_code == 200


def test_creating_an_api_client_in_the_admin_shows_its_token_once(admin_client, bank):
    response = admin_client.post(
        reverse("admin:core_apiclient_add"),
        {"name": "cbs", "unit": bank["HO"].pk, "scopes": '["screening"]', "is_active": "on"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    client = ApiClient.objects.get(name="cbs")
    token = next(str(m) for m in response.context["messages"]).rsplit(" ", 1)[-1]
    assert client.key_matches(token)
    assert token not in (client.key_hash, client.key_prefix)


# --- admin edits of security-relevant data are audited; a playbook version in use is frozen --


class _FormReader(HTMLParser):
    """The data a browser would submit from the page's main form, as rendered."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._select: str | None = None
        self._textarea: str | None = None
        self._multiple = False
        self._first_option: str | None = None
        self._selected = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if name and "__prefix__" in name:  # an inline's template for "add another"
            name = None
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "file", "image"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.data.setdefault(name, []).append(attrs.get("value") or "on")
                return
            self.data.setdefault(name, []).append(attrs.get("value") or "")
        elif tag == "select" and name:
            self._select, self._multiple, self._selected = name, "multiple" in attrs, False
            self._first_option = None
        elif tag == "option" and self._select:
            value = attrs.get("value", "")
            if self._first_option is None:
                self._first_option = value
            if "selected" in attrs:
                self.data.setdefault(self._select, []).append(value)
                self._selected = True
        elif tag == "textarea" and name:
            self._textarea = name
            self.data.setdefault(name, []).append("")

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][-1] += data

    def handle_endtag(self, tag):
        if tag == "select" and self._select:
            if not self._selected and not self._multiple and self._first_option is not None:
                self.data.setdefault(self._select, []).append(self._first_option)
            self._select = None
        elif tag == "textarea":
            if self._textarea:
                value = self.data[self._textarea][-1]
                # The browser drops the one newline after <textarea>.
                self.data[self._textarea][-1] = value[1:] if value.startswith("\n") else value
            self._textarea = None


def _form_data(response) -> dict[str, list[str]]:
    reader = _FormReader()
    reader.feed(response.content.decode())
    reader.data.pop("csrfmiddlewaretoken", None)
    reader.data.pop("action", None)  # changelist actions, not on change pages
    return reader.data


def _change(admin_client, model, obj, edit) -> object:
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    data = _form_data(admin_client.get(url, HTTP_ACCEPT_LANGUAGE="en"))
    edit(data)
    return admin_client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")


def test_an_org_unit_edit_in_the_admin_is_audited_with_before_and_after(admin_client, bank):
    unit = bank["BR-BJ-HD"]
    old_name = unit.name_en
    events = AuditEvent.objects.count()
    response = _change(admin_client, OrgUnit, unit, lambda d: d.update(name_en=["Haidian"]))
    assert response.status_code == 302
    unit.refresh_from_db()
    assert unit.name_en == "Haidian"
    assert AuditEvent.objects.count() == events + 1
    event = AuditEvent.objects.latest("id")
    assert (event.action, event.target) == ("org_unit.updated", f"org_unit:{unit.pk}")
    assert (event.before, event.after) == ({"name_en": old_name}, {"name_en": "Haidian"})
    assert event.actor_label == "admin"


def test_an_api_client_edit_is_audited_and_the_webhook_secret_never_recorded(admin_client, bank):
    client = ApiClient(name="cbs", unit=bank["HO"], scopes=["screening"])
    client.issue_key()
    client.save()
    events = AuditEvent.objects.count()

    def edit(data):
        data["scopes"] = ['["screening", "freezes:read"]']
        data["webhook_secret"] = ["s3cret-value"]
        data.pop("is_active", None)

    assert _change(admin_client, ApiClient, client, edit).status_code == 302
    client.refresh_from_db()
    assert client.scopes == ["screening", "freezes:read"] and not client.is_active
    assert AuditEvent.objects.count() == events + 1
    event = AuditEvent.objects.latest("id")
    assert event.action == "api_client.updated"
    assert event.before == {"scopes": ["screening"], "webhook_secret": "", "is_active": True}
    assert event.after == {
        "scopes": ["screening", "freezes:read"],
        "webhook_secret": "(changed)",
        "is_active": False,
    }
    assert "s3cret-value" not in str(event.before) + str(event.after) + str(event.data)


def test_rotating_an_api_client_token_is_audited(admin_client, bank):
    client = ApiClient(name="cbs", unit=bank["HO"], scopes=["screening"])
    client.issue_key()
    client.save()
    old_prefix = client.key_prefix
    response = admin_client.post(
        reverse("admin:core_apiclient_changelist"),
        {"action": "rotate_key", "_selected_action": [client.pk]},
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="api_client.key_rotated")
    client.refresh_from_db()
    assert event.before == {"key_prefix": old_prefix}
    assert event.after == {"key_prefix": client.key_prefix} != event.before


def test_a_role_given_in_the_admin_is_audited_on_the_persons_thread(admin_client, person):
    teller = person("teller_bj_hd")
    events = AuditEvent.objects.count()

    def edit(data):
        extra = int(data["role_assignments-INITIAL_FORMS"][0])
        data[f"role_assignments-{extra}-role"] = [Role.AUDITOR.value]

    response = _change(admin_client, User, teller, edit)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Role.AUDITOR in set(teller.role_assignments.values_list("role", flat=True))
    assert AuditEvent.objects.count() == events + 1
    event = AuditEvent.objects.latest("id")
    assert (event.action, event.thread) == ("role_assignment.created", f"user:{teller.pk}")
    assert event.before is None
    assert event.after == {"user": "teller_bj_hd", "role": Role.AUDITOR.value}


def test_a_role_taken_away_in_the_admin_is_audited(admin_client, person):
    teller = person("teller_bj_hd")
    assignment = teller.role_assignments.get()

    def edit(data):
        index = next(
            key.split("-")[1]
            for key, value in data.items()
            if key.endswith("-id") and value == [str(assignment.pk)]
        )
        data[f"role_assignments-{index}-DELETE"] = ["on"]

    assert _change(admin_client, User, teller, edit).status_code == 302
    assert not teller.role_assignments.exists()
    event = AuditEvent.objects.get(action="role_assignment.deleted")
    assert event.before == {"user": "teller_bj_hd", "role": assignment.role}


def _step_prefix(data, step) -> str:
    return next(
        key.rsplit("-", 1)[0]
        for key, value in data.items()
        if key.startswith("steps-") and key.endswith("-id") and value == [str(step.pk)]
    )


@pytest.fixture
def draft(bank, actor):
    """A new version of the telecom-fraud playbook that no incident uses yet."""
    current = Playbook.objects.get(incident_type__code="telecom_fraud", is_current=True)
    return playbook_new_version(actor=actor("admin"), playbook=current)


def test_a_step_edit_in_the_admin_is_audited_with_before_and_after(admin_client, draft):
    step = draft.steps.get(level="branch", code="police_report")
    events = AuditEvent.objects.count()

    def edit(data):
        data[f"{_step_prefix(data, step)}-deadline_minutes"] = ["20"]

    response = _change(admin_client, Playbook, draft, edit)
    assert response.status_code == 302, response.content.decode()[:3000]
    step.refresh_from_db()
    assert step.deadline_minutes == 20
    assert AuditEvent.objects.count() == events + 1
    event = AuditEvent.objects.latest("id")
    assert (event.action, event.target) == ("playbook_step.updated", f"playbook_step:{step.pk}")
    assert (event.before, event.after) == ({"deadline_minutes": 15}, {"deadline_minutes": 20})


def test_an_unsound_step_is_refused_in_the_admin_by_the_playbook_schema(admin_client, draft):
    step = draft.steps.get(level="sub_branch", order=1)
    rows = list(draft.steps.order_by("pk").values())
    events = AuditEvent.objects.count()

    def edit(data):
        data[f"{_step_prefix(data, step)}-owner_role"] = [Role.TELLER.value]

    response = _change(admin_client, Playbook, draft, edit)
    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][0].formset.errors
    form_errors = next(e for e in errors if e)
    assert "does not work at the 'sub_branch' level" in form_errors["owner_role"][0]
    assert list(draft.steps.order_by("pk").values()) == rows
    assert AuditEvent.objects.count() == events


def test_a_playbook_losing_its_reporting_step_is_refused_in_the_admin(admin_client, draft):
    step = draft.steps.get(level="branch", reports_up=True)

    def edit(data):
        data.pop(f"{_step_prefix(data, step)}-reports_up")

    response = _change(admin_client, Playbook, draft, edit)
    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    assert "0 reports_up steps at 'branch', expected exactly 1" in formset.non_form_errors()[0]
    step.refresh_from_db()
    assert step.reports_up


@pytest.fixture
def in_use(bank, actor):
    """The current telecom-fraud playbook, which an incident now follows."""
    incident = incident_file(actor=actor("teller_bj_hd"), data=filing("telecom_fraud"))
    return incident.playbook


def test_an_edit_of_a_version_in_use_in_the_admin_changes_nothing(admin_client, in_use):
    step = in_use.steps.get(level="branch", code="police_report")
    rows = list(in_use.steps.order_by("pk").values())
    events = AuditEvent.objects.filter(action__startswith="playbook_step").count()
    url = reverse("admin:workflows_playbook_change", args=[in_use.pk])
    data = _form_data(admin_client.get(url, HTTP_ACCEPT_LANGUAGE="en"))
    # The page shows the steps read-only: post them as if edited anyway.
    data.update(
        {
            "steps-TOTAL_FORMS": ["1"],
            "steps-INITIAL_FORMS": ["1"],
            "steps-0-id": [str(step.pk)],
            "steps-0-playbook": [str(in_use.pk)],
            "steps-0-deadline_minutes": ["99"],
        }
    )
    admin_client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")
    assert list(in_use.steps.order_by("pk").values()) == rows
    assert AuditEvent.objects.filter(action__startswith="playbook_step").count() == events


def test_the_service_refuses_an_edit_of_a_version_in_use(actor, in_use):
    step = in_use.steps.get(level="branch", code="police_report")
    rows = list(in_use.steps.order_by("pk").values())
    with translation.override("en"):
        with pytest.raises(PlaybookInUse) as refused:
            playbook_step_update(actor=actor("admin"), step=step, changes={"deadline_minutes": 99})
        assert "Copy it as a new version" in str(refused.value.message)
        with pytest.raises(PlaybookInUse):
            playbook_step_delete(actor=actor("admin"), step=step)
        with pytest.raises(PlaybookInUse):
            playbook_step_create(
                actor=actor("admin"),
                playbook=in_use,
                data={
                    **{name: getattr(step, name) for name in STEP_EDITABLE},
                    "code": "extra_step",
                },
            )
    assert list(in_use.steps.order_by("pk").values()) == rows
    assert not AuditEvent.objects.filter(action__startswith="playbook_step").exists()


def test_the_model_refuses_to_save_or_delete_a_step_of_a_version_in_use(in_use):
    step = in_use.steps.get(level="branch", code="police_report")
    step.deadline_minutes = 99
    with pytest.raises(PlaybookInUse):
        step.save()
    with pytest.raises(PlaybookInUse):
        step.delete()
    moved = PlaybookStep.objects.get(pk=step.pk)
    assert moved.deadline_minutes == 15


def test_the_step_service_validates_with_the_playbook_schema(actor, draft):
    step = draft.steps.get(level="branch", code="police_report")
    with translation.override("en"), pytest.raises(InvalidInput) as refused:
        playbook_step_update(actor=actor("admin"), step=step, changes={"deadline_from": "whenever"})
    assert "deadline_from" in refused.value.fields
    step.refresh_from_db()
    assert step.deadline_from == "filed"

"""Browser pages for incidents. Thin: every read is a selector, every write a service; a
refusal (DomainError) becomes a message in the user's language and nothing changes."""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_GET, require_POST

from fraudops.core.actors import Actor
from fraudops.core.choices import LEVEL_ORDER, Level
from fraudops.core.errors import DomainError, InvalidInput, NotFound
from fraudops.core.views import is_live_refresh, live_render, marker_response, refusal_to_message
from workflows.choices import EvidenceType
from workflows.models import IncidentType

from . import actions, export, permissions, selectors, services
from .choices import FINISHED_TASK_STATUSES, LedgerKind, LedgerSource, Outcome
from .forms import (
    FIELD_KEY,
    AccountFormSetFactory,
    IncidentFilingForm,
    IncidentFilterForm,
    PartyFormSet,
    VehicleFormSet,
    local_now_value,
    opening_unit_choices,
    type_initial,
)
from .next_actions import incident_next_items
from .panels import home_panels, incident_badges, incident_panels
from .services.owners import UNSET as ASSIGNEE_UNSET
from .step_conditions import REASONS
from .step_records import records_for_tasks
from .timeline import evidence_choice_label, evidence_shown, timeline_entries

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _actor(request) -> Actor:
    return Actor.from_request(request)


def _attach_badges(items, actor, *, key=lambda item: item.pk) -> None:
    """Set `.badges` on each item with one call per badge source for the whole page."""
    items = list(items)
    badges = incident_badges(incident_ids={key(item) for item in items}, actor=actor)
    for item in items:
        item.badges = badges.get(key(item), [])


def _incident_or_404(actor: Actor, number: str):
    try:
        return selectors.incident_get(actor=actor, number=number)
    except NotFound:
        raise Http404(_("No such incident.")) from None


def _incident_id_or_404(actor: Actor, number: str) -> int:
    """For writes: the services lock and load the incident themselves."""
    try:
        return selectors.incident_get_id(actor=actor, number=number)
    except NotFound:
        raise Http404(_("No such incident.")) from None


# --- My work, the list -----------------------------------------------------------------------


QUEUE_LABELS = {
    "unit": gettext_lazy("My unit's"),
    "mine": gettext_lazy("Mine"),
    "unassigned": gettext_lazy("Unassigned"),
}


@login_required
@require_GET
def home(request):
    """The actor's queue: their unit's open and waiting steps, most urgent first, and the
    incidents held at their level. Auditors and administrators get the incident list."""
    actor = _actor(request)
    if not actor.working_levels():
        return redirect("incident_list")
    # The marker first: what the page shows is never older than the marker it carries.
    live_marker = selectors.home_change_marker(actor=actor)
    show = request.GET.get("show", "")
    if show not in selectors.QUEUE_VIEWS:
        show = selectors.QUEUE_UNIT
    tasks = list(selectors.task_queue(actor=actor, show=show)[: selectors.HOME_TASKS])
    counts = selectors.task_queue_counts(actor=actor)
    incidents = list(selectors.incident_queue(actor=actor)[: selectors.HOME_INCIDENTS])
    _attach_badges(incidents, actor)
    _attach_badges(tasks, actor, key=lambda task: task.incident_id)
    overdue = sum(1 for task in tasks if task.is_overdue)
    return live_render(
        request,
        "incidents/home.html",
        {
            "tasks": tasks,
            "incidents": incidents,
            "overdue_count": overdue,
            "show": show,
            "views": [
                {"code": code, "label": QUEUE_LABELS[code], "count": counts[code]}
                for code in selectors.QUEUE_VIEWS
            ],
            "live_query": f"show={show}" if show != selectors.QUEUE_UNIT else "",
            "may_file": permissions.may_file(actor),
            "live_marker": live_marker,
            "home_panels": [
                {
                    "name": panel["name"],
                    "html": render_to_string(panel["template"], panel["context"], request=request),
                }
                for panel in home_panels(actor=actor)
            ],
        },
    )


def _filter_form(request, actor: Actor) -> IncidentFilterForm:
    types = IncidentType.objects.filter(is_active=True)
    return IncidentFilterForm(
        request.GET or None,
        type_choices=[(t.code, t.name) for t in types],
        units=list(selectors.units_in_scope(actor=actor)),
    )


def _filtered(request, actor: Actor):
    form = _filter_form(request, actor)
    return form, selectors.incident_filter(selectors.incident_list(actor=actor), **form.filters())


@login_required
@require_GET
def home_changes(request):
    """The home queue's change marker: 304 while nothing it lists changed."""
    actor = _actor(request)
    return marker_response(request, selectors.home_change_marker(actor=actor))


@login_required
@require_GET
def incident_list(request):
    actor = _actor(request)
    form, queryset = _filtered(request, actor)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    _attach_badges(page.object_list, actor)
    export_query = request.GET.copy()
    export_query.pop("page", None)
    return render(
        request,
        "incidents/incident_list.html",
        {
            "form": form,
            "page": page,
            "incidents": page.object_list,
            "export_query": export_query.urlencode(),
            "export_max_rows": export.MAX_ROWS,
        },
    )


def _export(request, file_format: str):
    actor = _actor(request)
    _form, queryset = _filtered(request, actor)
    incidents = list(queryset[: export.MAX_ROWS + 1])
    if len(incidents) > export.MAX_ROWS:
        messages.error(
            request,
            _(
                "More than %(max)s incidents match these filters; an export holds at most "
                "%(max)s. Narrow the filters (a date range, a unit) and export again."
            )
            % {"max": f"{export.MAX_ROWS:,}"},
        )
        query = request.GET.urlencode()
        return redirect(reverse("incident_list") + (f"?{query}" if query else ""))
    filters = {key: request.GET.getlist(key) for key in request.GET if key != "page"}
    services.incident_export_record(
        actor=actor,
        file_format=file_format,
        filters={k: v[0] if len(v) == 1 else v for k, v in filters.items()},
        numbers=[incident.number for incident in incidents],
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if file_format == "csv":
        response: HttpResponse = StreamingHttpResponse(
            export.csv_stream(incidents), content_type="text/csv; charset=utf-8"
        )
    else:
        response = HttpResponse(export.xlsx_bytes(incidents), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="incidents-{stamp}.{file_format}"'
    return response


@login_required
@require_GET
def incident_export_csv(request):
    """The filtered list (the viewer's subtree only) as CSV; audited."""
    return _export(request, "csv")


@login_required
@require_GET
def incident_export_xlsx(request):
    """The filtered list (the viewer's subtree only) as XLSX; audited."""
    return _export(request, "xlsx")


# --- filing ---------------------------------------------------------------------------------


def _require_filer(request) -> Actor:
    actor = _actor(request)
    if not permissions.may_file(actor):
        raise PermissionDenied(_("Only tellers and branch managers file incidents."))
    return actor


@login_required
@require_GET
def incident_file_start(request):
    _require_filer(request)
    types = list(IncidentType.objects.filter(is_active=True))
    groups: dict[str, list] = defaultdict(list)
    for incident_type in types:
        groups[incident_type.get_group_display()].append(incident_type)
    return render(request, "incidents/file_start.html", {"groups": dict(groups)})


def _filing_forms(request, incident_type: IncidentType):
    units = opening_unit_choices()
    fraud = incident_type.is_fraud
    initial = type_initial(incident_type.code, fraud=fraud)
    if request.method == "POST":
        return (
            IncidentFilingForm(request.POST, fraud=fraud),
            PartyFormSet(request.POST, prefix="parties"),
            AccountFormSetFactory(request.POST, prefix="accounts", unit_choices=units),
            VehicleFormSet(request.POST, prefix="vehicles"),
        )
    return (
        IncidentFilingForm(
            initial={"occurred_at": local_now_value(), **initial.get("incident", {})},
            fraud=fraud,
        ),
        PartyFormSet(prefix="parties", initial=initial["parties"]),
        AccountFormSetFactory(prefix="accounts", initial=initial["accounts"], unit_choices=units),
        VehicleFormSet(prefix="vehicles", initial=initial["vehicles"]),
    )


def _rows(formset, fields) -> tuple[list[dict], list[int]]:
    """The non-blank rows as service data, and each row's form index."""
    rows, indexes = [], []
    for index, form in enumerate(formset.forms):
        if formset.row_is_blank(form):
            continue
        rows.append({name: form.cleaned_data.get(name) for name in fields})
        indexes.append(index)
    return rows, indexes


def _add_error(form, field: str | None, messages_: list[str]) -> None:
    if field is not None and field not in form.fields:
        field = None
    for message in messages_:
        form.add_error(field, message)


@login_required
def incident_file(request, type_code: str):
    actor = _require_filer(request)
    incident_type = IncidentType.objects.filter(code=type_code, is_active=True).first()
    if incident_type is None:
        raise Http404(_("No such incident type."))
    form, parties, accounts, vehicles = _filing_forms(request, incident_type)
    if request.method == "POST":
        valid = all([form.is_valid(), parties.is_valid(), accounts.is_valid(), vehicles.is_valid()])
        if valid:
            party_rows, party_idx = _rows(
                parties, ("role", "name", "id_type", "id_number", "phone", "staff_role")
            )
            account_rows, account_idx = _rows(
                accounts,
                (
                    "role",
                    "kind",
                    "number",
                    "holder_name",
                    "bank_name",
                    "at_this_bank",
                    "opening_unit",
                ),
            )
            vehicle_rows, vehicle_idx = _rows(vehicles, ("kind", "value"))
            data = {
                **form.cleaned_data,
                "incident_type": type_code,
                "parties": party_rows,
                "accounts": account_rows,
                "vehicles": vehicle_rows,
            }
            try:
                incident = services.incident_file(actor=actor, data=data)
            except InvalidInput as exc:
                sets = {
                    "parties": (parties, party_idx),
                    "accounts": (accounts, account_idx),
                    "vehicles": (vehicles, vehicle_idx),
                }
                for key, errors in exc.fields.items():
                    match = FIELD_KEY.match(key)
                    if match:
                        formset, indexes = sets[match.group(1)]
                        row = int(match.group(2))
                        if row < len(indexes):
                            _add_error(formset.forms[indexes[row]], match.group(3), errors)
                            continue
                    _add_error(form, key, errors)
                messages.error(request, str(exc.message))
            except DomainError as exc:
                refusal_to_message(request, exc)
            else:
                messages.success(
                    request,
                    _("Incident %(number)s filed. Work the branch steps below.")
                    % {"number": incident.number},
                )
                return redirect("incident_detail", number=incident.number)
    return render(
        request,
        "incidents/file_form.html",
        {
            "incident_type": incident_type,
            "form": form,
            "parties": parties,
            "accounts": accounts,
            "vehicles": vehicles,
            "required": IncidentFilingForm.REQUIRED,
            "fraud": incident_type.is_fraud,
        },
    )


# --- the incident page ----------------------------------------------------------------------


def _stash_key(task_id: int) -> str:
    return f"incidents.taskform.{task_id}"


def _evidence_inputs(task, stash: dict | None) -> list[dict]:
    """The step's evidence fields as inputs, with what was typed and the errors if the last
    attempt was refused."""
    values = (stash or {}).get("values", {})
    errors = (stash or {}).get("errors", {})
    attached = {e.field for e in getattr(task, "files", [])}
    inputs = []
    for definition in task.step.evidence_fields():
        name = definition["name"]
        kind = definition.get("type", EvidenceType.TEXT)
        inputs.append(
            {
                "name": name,
                "input_name": f"ev_{name}",
                "label": definition["label"],
                "type": kind,
                "required": bool(definition.get("required")),
                "choices": [
                    (choice[0], evidence_choice_label(choice))
                    for choice in definition.get("choices", [])
                ],
                "value": values.get(name, ""),
                "errors": errors.get(f"evidence.{name}", []),
                "attached": kind == EvidenceType.FILE and name in attached,
                "multiple": kind == EvidenceType.FILE and bool(definition.get("multiple")),
                "wide": kind == EvidenceType.TEXTAREA,
            }
        )
    return inputs


@login_required
@require_GET
def incident_detail(request, number: str):
    actor = _actor(request)
    # The change marker first: what the page shows is never older than the marker it
    # carries, so a change committed while it renders shows on the next poll.
    try:
        live_marker = selectors.incident_change_marker(actor=actor, number=number)
    except NotFound:
        raise Http404(_("No such incident.")) from None
    incident = _incident_or_404(actor, number)
    # The incident's unit chain (branch → sub-branch → head office) is already loaded: give
    # each task the loaded copy of its unit so that finding the level above costs nothing.
    chain = {}
    unit = incident.unit
    while unit is not None:
        chain[unit.pk] = unit
        unit = unit.parent if unit.parent_id else None
    tasks = list(incident.tasks.all())
    files_by_task = defaultdict(list)
    # Each file says which step and which of its evidence fields it is for.
    field_labels = {
        (task.pk, field["name"]): field["label"]
        for task in tasks
        for field in task.step.evidence_fields()
    }
    step_titles = {task.pk: task.step.title for task in tasks}
    all_files = list(incident.evidence_files.all())
    for evidence in all_files:
        evidence.field_label = field_labels.get((evidence.task_id, evidence.field), "")
        evidence.step_title = step_titles.get(evidence.task_id, "")
        files_by_task[evidence.task_id].append(evidence)
    levels = []
    by_level = defaultdict(list)
    records = records_for_tasks(tasks, incident=incident)
    for task in tasks:
        task.unit = chain.get(task.unit_id, task.unit)
        task.files = files_by_task.get(task.pk, [])
        stash = (
            request.session.get(_stash_key(task.pk))
            if is_live_refresh(request)
            else request.session.pop(_stash_key(task.pk), None)
        )
        task.stash = stash
        task.may_work = permissions.may_work_task(actor, task=task, incident=incident)
        task.may_instruct = permissions.may_instruct_task(actor, task=task, incident=incident)
        task.may_mark_not_applicable = permissions.may_mark_not_applicable(
            actor, task=task, incident=incident
        )
        # A step done by its records has no evidence form: its records do it, or its
        # workers record it by hand with the reason no record does (task.html's own form).
        task.step_records = records.get(task.pk)
        task.may_done_without_record = bool(task.step.done_by) and task.may_work
        if task.step.done_by:
            task.may_work = False
        task.may_reopen = permissions.may_reopen_task(actor, task=task, incident=incident)
        task.may_claim = permissions.may_claim_task(actor, task=task, incident=incident)
        task.may_assign = permissions.may_assign_task(actor, task=task, incident=incident)
        task.may_unassign = permissions.may_unassign_task(actor, task=task, incident=incident)
        task.na_reason = REASONS.get(task.na_rule, "")
        task.evidence_inputs = _evidence_inputs(task, stash) if task.may_work else []
        task.evidence_shown = evidence_shown(task.step.evidence_fields(), task.evidence or {})
        by_level[task.level].append(task)
    # Who each step may be assigned to, for the steps this person may assign (one query).
    people = selectors.assignable_people(tasks=[t for t in tasks if t.may_assign])
    for task in tasks:
        task.assignable = people.get(task.pk, [])
    # Levels this person works at open; the others are folded (the holding level opens for
    # those who work at none, such as auditors). Finished steps fold inside each level.
    working = {
        level
        for level, level_tasks in by_level.items()
        if any(t.may_work or t.may_instruct or t.may_mark_not_applicable for t in level_tasks)
        or (
            level in actor.working_levels()
            and actor.unit is not None
            and level_tasks[0].unit_id == actor.unit.pk
        )
    }
    for level in LEVEL_ORDER:
        if by_level.get(level):
            level_tasks = by_level[level]
            levels.append(
                {
                    "code": level,
                    "label": Level(level).label,
                    "tasks": level_tasks,
                    "open_tasks": [
                        t for t in level_tasks if t.status not in FINISHED_TASK_STATUSES
                    ],
                    "finished_tasks": [
                        t for t in level_tasks if t.status in FINISHED_TASK_STATUSES
                    ],
                    "current": incident.level == level,
                    "unit": level_tasks[0].unit,
                    "expanded": level in working or (not working and incident.level == level),
                }
            )
    transitions = actions.offered(actor, incident=incident)
    timeline = timeline_entries(
        selectors.incident_timeline(incident=incident), tasks={t.pk: t for t in tasks}
    )
    return live_render(
        request,
        "incidents/incident_detail.html",
        {
            "incident": incident,
            "next": incident_next_items(incident=incident, actor=actor, tasks=tasks),
            "live_marker": live_marker,
            "levels": levels,
            "transitions": transitions,
            "open_mandatory": sum(
                1 for t in tasks if t.step.mandatory and t.status not in FINISHED_TASK_STATUSES
            ),
            "panels": [
                {
                    "name": panel["name"],
                    "html": render_to_string(
                        panel["template"],
                        {"incident": incident, **panel["context"]},
                        request=request,
                    ),
                }
                for panel in incident_panels(incident=incident, actor=actor)
            ],
            "timeline": timeline,
            "general_files": files_by_task.get(None, []),
            "all_files": all_files,
            "may_attach": permissions.may_attach(actor, incident=incident),
            "may_edit_facts": permissions.may_edit_facts(actor, incident=incident),
            "may_edit_amounts": permissions.may_edit_amounts(actor, incident=incident),
            "ledger_kinds": LedgerKind.choices,
            "ledger_sources": LedgerSource.choices,
            "outcomes": Outcome.choices,
            "ledger_form": request.session.pop(LEDGER_STASH, None),
            "holding_unit": permissions.holding_unit(incident) if incident.level else None,
        },
    )


@login_required
@require_GET
def incident_summary(request, number: str):
    """One printable page: the case's facts, parties, accounts, vehicles, amounts and the
    status of every playbook step (print it, or "Save as PDF" in the browser)."""
    actor = _actor(request)
    incident = _incident_or_404(actor, number)
    chain = {}
    unit = incident.unit
    while unit is not None:
        chain[unit.pk] = unit
        unit = unit.parent if unit.parent_id else None
    tasks = list(incident.tasks.all())
    for task in tasks:
        task.unit = chain.get(task.unit_id, task.unit)
    return render(
        request,
        "incidents/incident_summary.html",
        {
            "incident": incident,
            "tasks": tasks,
            "units": list(chain.values()),
            "holding_unit": permissions.holding_unit(incident) if incident.level else None,
            "printed_at": timezone.now(),
        },
    )


@login_required
@require_GET
def incident_changes(request, number: str):
    """The incident page's change marker: 304 while nothing on the incident changed; 404
    outside the person's subtree, exactly like a missing incident."""
    try:
        marker = selectors.incident_change_marker(actor=_actor(request), number=number)
    except NotFound:
        raise Http404(_("No such incident.")) from None
    return marker_response(request, marker)


def _back(number: str, task_id: int | None = None):
    url = reverse("incident_detail", kwargs={"number": number})
    return redirect(f"{url}#task-{task_id}" if task_id else url)


def _refused(request, exc: DomainError, *, labels: dict[str, str] | None = None) -> None:
    """Tell the user why, in their language, with each field at fault (a field without a
    label is named by its last part: ``parties[0].id_number`` reads "id number")."""
    refusal_to_message(
        request,
        exc,
        labels=lambda key: (labels or {}).get(key, key.split(".")[-1].replace("_", " ")),
    )


def _task_for_post(request, number: str, task_id: int):
    actor = _actor(request)
    try:
        task = selectors.task_get(actor=actor, number=number, task_id=task_id)
    except NotFound:
        raise Http404(_("No such task.")) from None
    return actor, task.incident_id, task


@login_required
@require_POST
def task_done(request, number: str, task_id: int):
    actor, _incident_id, task = _task_for_post(request, number, task_id)
    definitions = task.step.evidence_fields()
    labels = {f"evidence.{d['name']}": d["label"] for d in definitions}
    values = {}
    for definition in definitions:
        if definition.get("type") == EvidenceType.FILE:
            continue
        values[definition["name"]] = request.POST.get(f"ev_{definition['name']}", "").strip()
    note = request.POST.get("note", "")
    # Each file field's files go into the completion: a refused one attaches none of them.
    files = {
        definition["name"]: uploads
        for definition in definitions
        if definition.get("type") == EvidenceType.FILE
        and (uploads := request.FILES.getlist(f"ev_{definition['name']}"))
    }
    try:
        services.task_complete(
            actor=actor, task_id=task.pk, note=note, evidence=values, files=files
        )
    except DomainError as exc:
        request.session[_stash_key(task.pk)] = {
            "form": "done",
            "values": {**values, "note": note},
            "errors": exc.fields or {},
        }
        _refused(request, exc, labels=labels)
        return _back(number, task.pk)
    messages.success(request, _("“%(step)s” recorded as done.") % {"step": task.step.title})
    return _back(number, task.pk)


@login_required
@require_POST
def task_not_applicable(request, number: str, task_id: int):
    actor, _incident_id, task = _task_for_post(request, number, task_id)
    reason = request.POST.get("reason", "")
    try:
        services.task_mark_not_applicable(actor=actor, task_id=task.pk, reason=reason)
    except DomainError as exc:
        request.session[_stash_key(task.pk)] = {
            "form": "not_applicable",
            "values": {"reason": reason},
            "errors": exc.fields or {},
        }
        _refused(request, exc, labels={"reason": _("Reason")})
        return _back(number, task.pk)
    messages.success(request, _("“%(step)s” marked not applicable.") % {"step": task.step.title})
    return _back(number, task.pk)


@login_required
@require_POST
def task_reopen(request, number: str, task_id: int):
    actor, _incident_id, task = _task_for_post(request, number, task_id)
    reason = request.POST.get("reason", "")
    try:
        services.task_reopen(actor=actor, task_id=task.pk, reason=reason)
    except DomainError as exc:
        request.session[_stash_key(task.pk)] = {
            "form": "reopen",
            "values": {"reopen_reason": reason},
            "errors": {f"reopen_{k}": v for k, v in (exc.fields or {}).items()},
        }
        _refused(request, exc, labels={"reason": _("Reason")})
        return _back(number, task.pk)
    messages.success(request, _("“%(step)s” is open again.") % {"step": task.step.title})
    return _back(number, task.pk)


@login_required
@require_POST
def task_instruct(request, number: str, task_id: int):
    actor, _incident_id, task = _task_for_post(request, number, task_id)
    instruction = request.POST.get("instruction", "")
    try:
        services.task_instruct(actor=actor, task_id=task.pk, instruction=instruction)
    except DomainError as exc:
        request.session[_stash_key(task.pk)] = {
            "form": "instruct",
            "values": {"instruction": instruction},
            "errors": exc.fields or {},
        }
        _refused(request, exc, labels={"instruction": _("Instruction")})
        return _back(number, task.pk)
    messages.success(
        request, _("Instruction sent: “%(step)s” is now open.") % {"step": task.step.title}
    )
    return _back(number, task.pk)


def _owner_refused(request, number: str, task, exc: DomainError):
    request.session[_stash_key(task.pk)] = {
        "form": "owner",
        "values": {},
        "errors": {f"owner_{k}": v for k, v in (exc.fields or {}).items()},
    }
    _refused(
        request,
        exc,
        labels={"user": pgettext("the person a step is given to", "Person"), "reason": _("Reason")},
    )
    return _back(number, task.pk)


@login_required
@require_POST
def task_claim(request, number: str, task_id: int):
    actor, _incident_id, task = _task_for_post(request, number, task_id)
    try:
        services.task_claim(
            actor=actor,
            task=task.pk,
            expected_assignee=request.POST.get("expected_assignee", ASSIGNEE_UNSET),
        )
    except DomainError as exc:
        return _owner_refused(request, number, task, exc)
    messages.success(request, _("“%(step)s” is yours now.") % {"step": task.step.title})
    return _back(number, task.pk)


@login_required
@require_POST
def task_assign(request, number: str, task_id: int):
    actor, _incident_id, task = _task_for_post(request, number, task_id)
    try:
        assigned = services.task_assign(
            actor=actor,
            task=task.pk,
            user=request.POST.get("user", "").strip() or None,
            expected_assignee=request.POST.get("expected_assignee", ASSIGNEE_UNSET),
        )
    except DomainError as exc:
        return _owner_refused(request, number, task, exc)
    person = assigned.assignee
    messages.success(
        request,
        _("“%(step)s” is assigned to %(person)s.")
        % {
            "step": task.step.title,
            "person": (person.display_name or person.username) if person else "",
        },
    )
    return _back(number, task.pk)


@login_required
@require_POST
def task_unassign(request, number: str, task_id: int):
    actor, _incident_id, task = _task_for_post(request, number, task_id)
    try:
        services.task_unassign(
            actor=actor,
            task=task.pk,
            reason=request.POST.get("reason", ""),
            expected_assignee=request.POST.get("expected_assignee", ASSIGNEE_UNSET),
        )
    except DomainError as exc:
        return _owner_refused(request, number, task, exc)
    messages.success(
        request, _("“%(step)s” is back with its owner role.") % {"step": task.step.title}
    )
    return _back(number, task.pk)


TRANSITION_DONE = {
    "return": gettext_lazy("The incident was returned for more information."),
    "resubmit": gettext_lazy("The incident was resubmitted."),
    "close": gettext_lazy("The incident is closed."),
    "withdraw": gettext_lazy("The incident was withdrawn."),
}


@login_required
@require_POST
def incident_transition(request, number: str):
    actor = _actor(request)
    incident_id = _incident_id_or_404(actor, number)
    transition = request.POST.get("transition", "")
    try:
        services.incident_transition(
            actor=actor,
            incident_id=incident_id,
            transition=transition,
            reason=request.POST.get("reason", ""),
            expected_state=request.POST.get("expected_state") or None,
        )
    except DomainError as exc:
        _refused(request, exc, labels={"reason": _("Reason")})
        return _back(number)
    messages.success(request, str(TRANSITION_DONE.get(transition, _("Done."))))
    return _back(number)


# --- the amounts: ledger, amount lost, outcome ------------------------------------------------

# What was typed into the ledger card's forms when it was refused, shown again once.
LEDGER_STASH = "ledger_form"


def _ledger_refused(request, exc: DomainError, *, form: str, values: dict) -> None:
    request.session[LEDGER_STASH] = {"form": form, "values": values, "errors": exc.fields or {}}
    _refused(
        request,
        exc,
        labels={
            "kind": _("Kind"),
            "source": _("Source"),
            "amount": _("Amount (CNY)"),
            "occurred_at": _("When"),
            "reference": _("Reference"),
            "note": _("Note"),
            "reason": _("Reason"),
            "amount_lost": _("Amount lost (CNY)"),
            "outcome": _("Outcome"),
        },
    )


def _ledger_back(number: str):
    url = reverse("incident_detail", kwargs={"number": number})
    return redirect(f"{url}#ledger")


@login_required
@require_POST
def ledger_entry_add(request, number: str):
    """Record a recovery or a prevention in the incident's ledger."""
    actor = _actor(request)
    incident_id = _incident_id_or_404(actor, number)
    fields = ("kind", "source", "amount", "occurred_at", "reference", "note")
    values = {name: request.POST.get(name, "") for name in fields}
    try:
        _entry, created = services.ledger_entry_record(
            actor=actor,
            incident_id=incident_id,
            data=values,
            expected_revision=request.POST.get("expected_revision"),
        )
    except DomainError as exc:
        _ledger_refused(request, exc, form="entry", values=values)
        return _ledger_back(number)
    if created:
        messages.success(request, _("Recorded in the ledger."))
    else:
        messages.info(request, _("This entry was already in the ledger: nothing changed."))
    return _ledger_back(number)


@login_required
@require_POST
def ledger_entry_void(request, number: str, entry_id: int):
    actor = _actor(request)
    incident_id = _incident_id_or_404(actor, number)
    reason = request.POST.get("reason", "")
    try:
        services.ledger_entry_void(
            actor=actor,
            incident_id=incident_id,
            entry_id=entry_id,
            reason=reason,
            expected_revision=request.POST.get("expected_revision"),
        )
    except NotFound:
        raise Http404(_("No such ledger entry.")) from None
    except DomainError as exc:
        _ledger_refused(request, exc, form=f"void-{entry_id}", values={"reason": reason})
        return _ledger_back(number)
    messages.success(request, _("The entry is void; the totals leave it out."))
    return _ledger_back(number)


@login_required
@require_POST
def incident_amount_lost(request, number: str):
    actor = _actor(request)
    incident_id = _incident_id_or_404(actor, number)
    values = {name: request.POST.get(name, "") for name in ("amount_lost", "reason")}
    try:
        services.incident_amount_lost_set(
            actor=actor,
            incident_id=incident_id,
            amount=values["amount_lost"],
            reason=values["reason"],
            expected_revision=request.POST.get("expected_revision"),
        )
    except DomainError as exc:
        _ledger_refused(request, exc, form="amount_lost", values=values)
        return _ledger_back(number)
    messages.success(request, _("The amount lost is corrected."))
    return _ledger_back(number)


@login_required
@require_POST
def incident_outcome(request, number: str):
    """Set the outcome by hand (with the reason), or let it follow the amounts again."""
    actor = _actor(request)
    incident_id = _incident_id_or_404(actor, number)
    values = {name: request.POST.get(name, "") for name in ("outcome", "reason")}
    try:
        if request.POST.get("follow_amounts"):
            services.incident_outcome_clear(
                actor=actor,
                incident_id=incident_id,
                reason=values["reason"],
                expected_revision=request.POST.get("expected_revision"),
            )
            done = _("The outcome follows the amounts again.")
        else:
            services.incident_outcome_set(
                actor=actor,
                incident_id=incident_id,
                outcome=values["outcome"],
                reason=values["reason"],
                expected_revision=request.POST.get("expected_revision"),
            )
            done = _("The outcome is set by hand; it no longer follows the amounts.")
    except DomainError as exc:
        _ledger_refused(request, exc, form="outcome", values=values)
        return _ledger_back(number)
    messages.success(request, done)
    return _ledger_back(number)


@login_required
@require_POST
def evidence_upload(request, number: str):
    """Attach a file to the incident itself (not to a step)."""
    actor = _actor(request)
    incident_id = _incident_id_or_404(actor, number)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a file to attach."))
        return _back(number)
    try:
        services.evidence_attach(
            actor=actor,
            incident_id=incident_id,
            uploaded_file=upload,
            description=request.POST.get("description", ""),
        )
    except DomainError as exc:
        _refused(request, exc, labels={"file": _("File")})
        return _back(number)
    messages.success(request, _("File attached."))
    return _back(number)


@login_required
@require_GET
def evidence_download(request, number: str, evidence_id: int):
    """Evidence is served only to those who see the incident, never from a public URL."""
    try:
        evidence = selectors.evidence_get(
            actor=_actor(request), number=number, evidence_id=evidence_id
        )
    except NotFound:
        raise Http404(_("No such file.")) from None
    return FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )

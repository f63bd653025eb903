"""Browser pages for the facts after filing: one page per edit (the incident's facts; add,
correct or remove a party, an account or a fraud vehicle). Thin: reads are selectors,
writes the services of `incidents/services/facts.py`. Each page carries the incident's
revision in a hidden field: the service refuses an edit made against an older one, and the
person is sent back to the incident to see what changed. A bad value is shown on its field
and nothing is saved."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fraudops.core.actors import Actor
from fraudops.core.errors import DomainError, InvalidInput, NotFound
from fraudops.core.views import refusal_to_message

from . import permissions, selectors, services
from .forms import (
    AccountEditForm,
    DateTimeLocalInput,
    IncidentFactsForm,
    PartyEditForm,
    RemovalForm,
    VehicleEditForm,
    opening_unit_choices,
)
from .models import Account, Party, Vehicle


def _back(number: str):
    return redirect(reverse("incident_detail", kwargs={"number": number}))


def _for_edit(request, number: str):
    """(actor, incident, None), or a redirect back to the incident with the refusal when
    the actor may not edit its facts (404 outside their subtree)."""
    actor = Actor.from_request(request)
    try:
        incident = selectors.incident_for_edit(actor=actor, number=number)
    except NotFound:
        raise Http404(_("No such incident.")) from None
    try:
        permissions.check_may_edit_facts(actor, incident=incident)
    except DomainError as exc:
        refusal_to_message(request, exc)
        return actor, incident, _back(number)
    return actor, incident, None


def _edit_page(request, incident, form, *, title: str, submit: str, anchor: str, row=None):
    return render(
        request,
        "incidents/facts_form.html",
        {
            "incident": incident,
            "form": form,
            "title": title,
            "submit": submit,
            "row": row,
            "back": reverse("incident_detail", kwargs={"number": incident.number}) + anchor,
        },
    )


def _saved(request, number: str, message: str, anchor: str):
    messages.success(request, message)
    return redirect(reverse("incident_detail", kwargs={"number": number}) + anchor)


def _call(request, form, call):
    """Run the service; a refusal of the input goes on the form (None: show it again),
    any other refusal back to the incident page (its redirect)."""
    try:
        return call(), None
    except InvalidInput as exc:
        refusal_to_message(request, exc, form=form)
        return None, None
    except DomainError as exc:
        refusal_to_message(request, exc)
        return None, _back(form.incident_number)


@login_required
def incident_facts_edit(request, number: str):
    actor, incident, refused = _for_edit(request, number)
    if refused:
        return refused
    fraud = incident.incident_type.is_fraud
    if request.method == "POST":
        form = IncidentFactsForm(request.POST, fraud=fraud)
    else:
        form = IncidentFactsForm(
            initial={
                **{name: getattr(incident, name) for name in IncidentFactsForm.FIELDS},
                "expected_revision": incident.revision,
            },
            fraud=fraud,
        )
    form.incident_number = number
    if request.method == "POST" and form.is_valid():
        data = {
            name: form.cleaned_data.get(name)
            for name in IncidentFactsForm.FIELDS
            if name in form.fields
        }
        # The page shows the time to the minute: the same minute again is no change.
        if data["occurred_at"] == DateTimeLocalInput().format_value(incident.occurred_at):
            del data["occurred_at"]
        data["summary_amendment"] = form.cleaned_data.get("summary_amendment", "")
        before = incident.revision
        updated, redirect_to = _call(
            request,
            form,
            lambda: services.incident_facts_update(
                actor=actor,
                incident_id=incident.pk,
                data=data,
                expected_revision=form.cleaned_data.get("expected_revision"),
            ),
        )
        if redirect_to:
            return redirect_to
        if updated is not None:
            if updated.revision == before:
                return _saved(request, number, _("Nothing changed."), "")
            return _saved(request, number, _("The incident's facts were saved."), "")
    return _edit_page(
        request,
        incident,
        form,
        title=_("Edit the facts of %(number)s") % {"number": number},
        submit=_("Save the facts"),
        anchor="",
    )


# Per kind of row: its model, form, services, the anchor of its card, and its words.
ROWS = {
    "party": {
        "model": Party,
        "form": PartyEditForm,
        "anchor": "#parties",
        "add": services.party_add,
        "correct": lambda **kw: services.party_correct(party_id=kw.pop("row_id"), **kw),
        "remove": lambda **kw: services.party_remove(party_id=kw.pop("row_id"), **kw),
        "add_title": gettext_lazy("Add a party to %(number)s"),
        "edit_title": gettext_lazy("Correct a party of %(number)s"),
        "remove_title": gettext_lazy("Remove a party from %(number)s"),
        "added": gettext_lazy("The party was added."),
        "corrected": gettext_lazy("The party was corrected."),
        "removed": gettext_lazy("The party was removed from the case file."),
    },
    "account": {
        "model": Account,
        "form": AccountEditForm,
        "anchor": "#accounts",
        "add": services.account_add,
        "correct": lambda **kw: services.account_correct(account_id=kw.pop("row_id"), **kw),
        "remove": lambda **kw: services.account_remove(account_id=kw.pop("row_id"), **kw),
        "add_title": gettext_lazy("Add an account to %(number)s"),
        "edit_title": gettext_lazy("Correct an account of %(number)s"),
        "remove_title": gettext_lazy("Remove an account from %(number)s"),
        "added": gettext_lazy("The account was added."),
        "corrected": gettext_lazy("The account was corrected."),
        "removed": gettext_lazy("The account was removed from the case file."),
    },
    "vehicle": {
        "model": Vehicle,
        "form": VehicleEditForm,
        "anchor": "#vehicles",
        "add": services.vehicle_add,
        "correct": lambda **kw: services.vehicle_correct(vehicle_id=kw.pop("row_id"), **kw),
        "remove": lambda **kw: services.vehicle_remove(vehicle_id=kw.pop("row_id"), **kw),
        "add_title": gettext_lazy("Add a fraud vehicle to %(number)s"),
        "edit_title": gettext_lazy("Correct a fraud vehicle of %(number)s"),
        "remove_title": gettext_lazy("Remove a fraud vehicle from %(number)s"),
        "added": gettext_lazy("The fraud vehicle was added."),
        "corrected": gettext_lazy("The fraud vehicle was corrected."),
        "removed": gettext_lazy("The fraud vehicle was removed from the case file."),
    },
}


def _row_form(kind: str, incident, data=None, initial=None):
    form_class = ROWS[kind]["form"]
    kwargs: dict = {"initial": initial}
    if form_class is AccountEditForm:
        kwargs["unit_choices"] = opening_unit_choices()
        kwargs["party_choices"] = [(str(p.pk), str(p)) for p in incident.parties.all()]
    form = form_class(data, **kwargs)
    form.incident_number = incident.number
    return form


def _row_initial(kind: str, row) -> dict:
    initial = {name: getattr(row, name, "") for name in ROWS[kind]["form"].FIELDS}
    if kind == "account":
        initial["opening_unit"] = row.opening_unit.code if row.opening_unit_id else ""
        holder = row.party if row.party_id else None
        initial["party"] = str(holder.pk) if holder is not None and not holder.is_removed else ""
    return initial


def _row_data(kind: str, form) -> dict:
    data = {name: form.cleaned_data.get(name) for name in form.FIELDS}
    if kind == "account":
        data["party"] = data.get("party") or None
    return data


def _case_row_or_404(kind: str, incident, row_id: int):
    try:
        return selectors.case_row_get(incident=incident, model=ROWS[kind]["model"], row_id=row_id)
    except NotFound:
        raise Http404(_("No such row.")) from None


@login_required
def incident_row_add(request, number: str, kind: str):
    actor, incident, refused = _for_edit(request, number)
    if refused:
        return refused
    config = ROWS[kind]
    if request.method == "POST":
        form = _row_form(kind, incident, request.POST)
        if form.is_valid():
            row, redirect_to = _call(
                request,
                form,
                lambda: config["add"](
                    actor=actor,
                    incident_id=incident.pk,
                    data=_row_data(kind, form),
                    expected_revision=form.cleaned_data.get("expected_revision"),
                ),
            )
            if redirect_to:
                return redirect_to
            if row is not None:
                return _saved(request, number, str(config["added"]), config["anchor"])
    else:
        form = _row_form(kind, incident, initial={"expected_revision": incident.revision})
    return _edit_page(
        request,
        incident,
        form,
        title=str(config["add_title"]) % {"number": number},
        submit=_("Add"),
        anchor=config["anchor"],
    )


@login_required
def incident_row_edit(request, number: str, kind: str, row_id: int):
    actor, incident, refused = _for_edit(request, number)
    if refused:
        return refused
    config = ROWS[kind]
    row = _case_row_or_404(kind, incident, row_id)
    if request.method == "POST":
        form = _row_form(kind, incident, request.POST)
        if form.is_valid():
            saved, redirect_to = _call(
                request,
                form,
                lambda: config["correct"](
                    actor=actor,
                    incident_id=incident.pk,
                    row_id=row.pk,
                    data=_row_data(kind, form),
                    expected_revision=form.cleaned_data.get("expected_revision"),
                ),
            )
            if redirect_to:
                return redirect_to
            if saved is not None:
                return _saved(request, number, str(config["corrected"]), config["anchor"])
    else:
        initial = {**_row_initial(kind, row), "expected_revision": incident.revision}
        form = _row_form(kind, incident, initial=initial)
    return _edit_page(
        request,
        incident,
        form,
        title=str(config["edit_title"]) % {"number": number},
        submit=_("Save the correction"),
        anchor=config["anchor"],
        row=row,
    )


@login_required
def incident_row_remove(request, number: str, kind: str, row_id: int):
    actor, incident, refused = _for_edit(request, number)
    if refused:
        return refused
    config = ROWS[kind]
    row = _case_row_or_404(kind, incident, row_id)
    if request.method == "POST":
        form = RemovalForm(request.POST)
        form.incident_number = number
        if form.is_valid():
            removed, redirect_to = _call(
                request,
                form,
                lambda: config["remove"](
                    actor=actor,
                    incident_id=incident.pk,
                    row_id=row.pk,
                    reason=form.cleaned_data.get("reason", ""),
                    expected_revision=form.cleaned_data.get("expected_revision"),
                ),
            )
            if redirect_to:
                return redirect_to
            if removed is not None:
                return _saved(request, number, str(config["removed"]), config["anchor"])
    else:
        form = RemovalForm(initial={"expected_revision": incident.revision})
    return _edit_page(
        request,
        incident,
        form,
        title=str(config["remove_title"]) % {"number": number},
        submit=_("Remove from the case file"),
        anchor=config["anchor"],
        row=row,
    )

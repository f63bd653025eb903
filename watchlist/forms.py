"""Browser forms of the watch list. They only carry input: the services validate and
normalise (so the browser, the API and the CSV import refuse the same values)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .choices import DocumentType, EntryKind, EntryStatus

SUBJECT_LABELS = {
    "name": pgettext_lazy("person or organisation", "Name"),
    "id_number": _("Resident ID number"),
    "documents": _("Other documents"),
    "org_code": _("Unified social credit code or organisation code"),
    "account_number": _("Account or card number"),
    "holder_name": _("Account holder"),
    "bank_name": _("Bank"),
    "phone": _("Phone number"),
    "url": _("Web address"),
    "match_whole_domain": _("Match the whole domain"),
    "reference_number": _("Bill number"),
    "features": _("Features"),
    "reason": _("Reason for listing"),
    "review_on": _("Review on"),
    "expires_on": _("Expires on"),
    "note": _("Why this change"),
    "incident": _("Incident number"),
    "kind": _("Kind"),
    "source": _("Source"),
    "file": _("CSV file"),
    "bill_number": _("Bill number"),
    "account": _("Account or card number"),
}


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"})


class SubjectForm(forms.Form):
    """Every subject field; the template shows the kind's own (watchlist.subjects.KIND_FIELDS)."""

    name = forms.CharField(label=SUBJECT_LABELS["name"], required=False, max_length=200)
    id_number = forms.CharField(label=SUBJECT_LABELS["id_number"], required=False, max_length=40)
    documents = forms.CharField(
        label=SUBJECT_LABELS["documents"],
        required=False,
        max_length=500,
        help_text=_("One per line as type:number, types: %(types)s.")
        % {"types": ", ".join(DocumentType.values)},
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    org_code = forms.CharField(label=SUBJECT_LABELS["org_code"], required=False, max_length=40)
    account_number = forms.CharField(
        label=SUBJECT_LABELS["account_number"], required=False, max_length=60
    )
    holder_name = forms.CharField(
        label=SUBJECT_LABELS["holder_name"], required=False, max_length=64
    )
    bank_name = forms.CharField(label=SUBJECT_LABELS["bank_name"], required=False, max_length=100)
    phone = forms.CharField(label=SUBJECT_LABELS["phone"], required=False, max_length=40)
    url = forms.CharField(label=SUBJECT_LABELS["url"], required=False, max_length=500)
    match_whole_domain = forms.BooleanField(
        label=SUBJECT_LABELS["match_whole_domain"], required=False, initial=True
    )
    reference_number = forms.CharField(
        label=SUBJECT_LABELS["reference_number"], required=False, max_length=60
    )
    features = forms.CharField(
        label=SUBJECT_LABELS["features"],
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    reason = forms.CharField(
        label=SUBJECT_LABELS["reason"], max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    review_on = forms.DateField(
        label=SUBJECT_LABELS["review_on"], required=False, widget=_date_input()
    )
    expires_on = forms.DateField(
        label=SUBJECT_LABELS["expires_on"], required=False, widget=_date_input()
    )

    def subject_data(self) -> dict:
        data = {
            k: v
            for k, v in self.cleaned_data.items()
            if k not in {"reason", "review_on", "expires_on", "note", "incident"}
        }
        return data


class NominationForm(SubjectForm):
    incident = forms.CharField(
        label=SUBJECT_LABELS["incident"],
        required=False,
        max_length=20,
        help_text=_("The incident this comes from, e.g. FI-2026-000123 (optional)."),
    )


class EntryEditForm(SubjectForm):
    note = forms.CharField(label=SUBJECT_LABELS["note"], max_length=2000)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    reason = forms.CharField(label=_("Reason for the decision"), max_length=2000)
    review_on = forms.DateField(
        label=SUBJECT_LABELS["review_on"], required=False, widget=_date_input()
    )
    expires_on = forms.DateField(
        label=SUBJECT_LABELS["expires_on"], required=False, widget=_date_input()
    )


class ScreeningForm(forms.Form):
    name = forms.CharField(label=_("Name"), required=False, max_length=200)
    id_number = forms.CharField(label=_("ID or document number"), required=False, max_length=40)
    phone = forms.CharField(label=_("Phone number"), required=False, max_length=40)
    account = forms.CharField(label=_("Account or card number"), required=False, max_length=60)
    url = forms.CharField(label=_("Web address"), required=False, max_length=500)
    org_code = forms.CharField(label=SUBJECT_LABELS["org_code"], required=False, max_length=40)
    bill_number = forms.CharField(label=_("Bill number"), required=False, max_length=60)

    def clean(self):
        data = super().clean()
        if not any((v or "").strip() for v in data.values()):
            raise forms.ValidationError(_("Fill in at least one field."))
        return data


class EntryFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *EntryKind.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *EntryStatus.choices],
    )


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file"))
    reason = forms.CharField(
        label=_("Reason for listing (for rows without one)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

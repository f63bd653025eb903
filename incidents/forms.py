"""Browser forms. They carry and redisplay what was typed; the services validate it (Chinese
ID checksums, Luhn, phone numbers, amounts) and their messages are attached back to the
fields here, so the browser and the API refuse the same things with the same words."""

from __future__ import annotations

import copy
import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fraudops.core.choices import Level
from fraudops.core.models import OrgUnit
from workflows.choices import IncidentGroup

from .choices import (
    AccountKind,
    AccountRole,
    Channel,
    FraudScript,
    IdType,
    IncidentState,
    Outcome,
    PartyRole,
    StaffRole,
    VehicleKind,
)

BLANK = [("", "—")]


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def format_value(self, value):
        if hasattr(value, "strftime"):
            return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")
        return value or ""


def local_now_value() -> str:
    return timezone.localtime().strftime("%Y-%m-%dT%H:%M")


def _amount_input():
    return forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})


class IncidentFilingForm(forms.Form):
    """The incident's own fields. Nothing is required here: the service says what is."""

    REQUIRED = ("occurred_at", "summary")

    occurred_at = forms.CharField(
        label=_("When it happened"), required=False, widget=DateTimeLocalInput()
    )
    summary = forms.CharField(
        label=_("What happened"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Who, when, how much, through which channel, and what the branch did."),
    )
    channel = forms.ChoiceField(label=_("Channel"), choices=BLANK + Channel.choices, required=False)
    fraud_script = forms.ChoiceField(
        label=_("Fraud script"), choices=BLANK + FraudScript.choices, required=False
    )
    fraud_script_detail = forms.CharField(label=_("Script details"), required=False, max_length=200)
    amount_lost = forms.CharField(
        label=_("Amount lost (CNY)"), required=False, widget=_amount_input()
    )
    amount_recovered = forms.CharField(
        label=_("Amount recovered (CNY)"), required=False, widget=_amount_input()
    )
    amount_prevented = forms.CharField(
        label=_("Amount prevented (CNY)"), required=False, widget=_amount_input()
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[("", _("Follows the amounts")), *Outcome.choices],
        required=False,
        help_text=_("Leave it to follow the amounts, or choose what the amounts do not say."),
    )
    serious = forms.BooleanField(
        label=_("Serious (report to the security department)"), required=False
    )

    def __init__(self, *args, fraud: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not fraud:
            # A customer-safety event (a card left in an ATM) is not a fraud: no script, no
            # amounts, no outcome to give (the service refuses them too).
            for name in FRAUD_ONLY_FIELDS:
                del self.fields[name]


# The filing fields only a fraud has (`IncidentType.is_fraud`).
FRAUD_ONLY_FIELDS: tuple[str, ...] = (
    "fraud_script",
    "fraud_script_detail",
    "amount_lost",
    "amount_recovered",
    "amount_prevented",
    "outcome",
    "serious",
)


class PartyForm(forms.Form):
    TEXT_FIELDS = ("name", "id_number", "phone")

    role = forms.ChoiceField(label=_("Role"), choices=PartyRole.choices, required=False)
    name = forms.CharField(label=_("Name"), required=False)
    id_type = forms.ChoiceField(
        label=_("Document type"), choices=BLANK + IdType.choices, required=False
    )
    id_number = forms.CharField(label=_("Document number"), required=False)
    phone = forms.CharField(label=_("Phone"), required=False)
    staff_role = forms.ChoiceField(
        label=_("Staff role"), choices=BLANK + StaffRole.choices, required=False
    )


class AccountForm(forms.Form):
    TEXT_FIELDS = ("number", "holder_name", "bank_name")

    role = forms.ChoiceField(label=_("Role"), choices=AccountRole.choices, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=AccountKind.choices, required=False)
    number = forms.CharField(label=_("Card or account number"), required=False)
    holder_name = forms.CharField(label=_("Holder"), required=False)
    bank_name = forms.CharField(label=_("Bank"), required=False)
    at_this_bank = forms.BooleanField(label=_("At this bank"), required=False)
    opening_unit = forms.ChoiceField(label=_("Opening branch"), choices=BLANK, required=False)

    def __init__(self, *args, unit_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opening_unit"].choices = BLANK + list(unit_choices or [])


class VehicleForm(forms.Form):
    TEXT_FIELDS = ("value",)

    kind = forms.ChoiceField(label=_("Kind"), choices=VehicleKind.choices, required=False)
    value = forms.CharField(label=_("Web address, phone number or description"), required=False)


class BaseRowFormSet(forms.BaseFormSet):
    def row_is_blank(self, form) -> bool:
        data = form.cleaned_data if hasattr(form, "cleaned_data") else {}
        return not any((data.get(name) or "").strip() for name in form.TEXT_FIELDS)


class AccountFormSet(BaseRowFormSet):
    def __init__(self, *args, unit_choices=None, **kwargs):
        self.unit_choices = unit_choices or []
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {"unit_choices": self.unit_choices}


# No extra rows: the type's initial rows (or one blank row) are shown, and "add a row"
# clones the empty form in the browser.
PartyFormSet = forms.formset_factory(PartyForm, formset=BaseRowFormSet, extra=0, max_num=50)
AccountFormSetFactory = forms.formset_factory(
    AccountForm, formset=AccountFormSet, extra=0, max_num=50
)
VehicleFormSet = forms.formset_factory(VehicleForm, formset=BaseRowFormSet, extra=0, max_num=50)


def opening_unit_choices() -> list[tuple[str, str]]:
    """Every branch of the bank (an account can be opened anywhere), grouped by region."""
    units = OrgUnit.objects.filter(level=Level.BRANCH, is_active=True).select_related("parent")
    groups: dict[str, list[tuple[str, str]]] = {}
    for unit in units.order_by("path"):
        region = unit.parent.name if unit.parent else ""
        groups.setdefault(region, []).append((unit.code, f"{unit.name} ({unit.code})"))
    return [(region, choices) for region, choices in groups.items()]


# Sensible first rows per incident type, so the teller fills rather than builds.
_CUSTOMER = {
    "parties": [{"role": PartyRole.VICTIM, "id_type": IdType.RESIDENT_ID}, {"role": "payee"}],
    "accounts": [{"role": AccountRole.PAYEE, "kind": AccountKind.ACCOUNT}],
}
TYPE_INITIAL: dict[str, dict] = {
    "telecom_fraud": {
        **_CUSTOMER,
        "vehicles": [{"kind": VehicleKind.FRAUD_PHONE}],
        "incident": {"channel": Channel.ONLINE_BANKING},
    },
    "phishing_site": {
        **_CUSTOMER,
        "vehicles": [{"kind": VehicleKind.PHISHING_URL}],
        "incident": {"channel": Channel.ONLINE_BANKING},
    },
    "card_skimming": {
        "parties": _CUSTOMER["parties"],
        "accounts": [
            {"role": AccountRole.VICTIM, "kind": AccountKind.CARD, "at_this_bank": True},
            {"role": AccountRole.PAYEE, "kind": AccountKind.ACCOUNT},
        ],
        "vehicles": [],
        "incident": {"channel": Channel.ATM},
    },
    "fake_credit_card": {
        "parties": _CUSTOMER["parties"],
        "accounts": [{"role": AccountRole.PAYEE, "kind": AccountKind.ACCOUNT}],
        "vehicles": [{"kind": VehicleKind.FORGED_ITEM}],
        "incident": {
            "channel": Channel.COUNTER,
            "fraud_script": FraudScript.FAKE_CREDIT_CARD,
        },
    },
    "impostor_customer": {
        "parties": [{"role": PartyRole.IMPOSTOR, "id_type": IdType.RESIDENT_ID}],
        "accounts": [],
        "vehicles": [],
        "incident": {"channel": Channel.COUNTER},
    },
    "forged_documents": {
        "parties": [{"role": PartyRole.FRAUDSTER, "id_type": IdType.RESIDENT_ID}],
        "accounts": [],
        "vehicles": [{"kind": VehicleKind.FORGED_ITEM}],
        "incident": {"channel": Channel.COUNTER},
    },
    "forged_bills": {
        "parties": [
            {"role": PartyRole.BILL_DRAWER, "id_type": IdType.USCC},
            {"role": PartyRole.FRAUDSTER, "id_type": IdType.RESIDENT_ID},
        ],
        "accounts": [],
        "vehicles": [{"kind": VehicleKind.FORGED_ITEM}],
        "incident": {"channel": Channel.COUNTER},
    },
}


# A type without rows of its own (one the bank added): by whether it is a fraud.
FRAUD_INITIAL: dict = {"parties": [{"role": PartyRole.VICTIM}]}
SAFETY_INITIAL: dict = {
    "parties": [{"role": PartyRole.CUSTOMER, "id_type": IdType.RESIDENT_ID}],
    "accounts": [{"role": AccountRole.OTHER, "kind": AccountKind.CARD, "at_this_bank": True}],
    "vehicles": [],
    "incident": {"channel": Channel.ATM},
}
TYPE_INITIAL["customer_safety"] = SAFETY_INITIAL


def type_initial(type_code: str, *, fraud: bool = True) -> dict:
    """The first rows of each formset for a type; a formset never starts empty."""
    initial = TYPE_INITIAL.get(type_code, FRAUD_INITIAL if fraud else SAFETY_INITIAL)
    return {
        "incident": initial.get("incident", {}),
        "parties": initial.get("parties") or [{}],
        "accounts": initial.get("accounts") or [{}],
        "vehicles": initial.get("vehicles") or [{}],
    }


# --- the facts after filing ---------------------------------------------------------------
# The same fields as filing (the services clean them the same way), one row at a time, with
# the incident's revision carried in a hidden field (a stale one is refused as a conflict).


class RevisionForm(forms.Form):
    expected_revision = forms.IntegerField(widget=forms.HiddenInput, required=False)


def _filing_field(name: str) -> forms.Field:
    return copy.deepcopy(IncidentFilingForm.base_fields[name])


class IncidentFactsForm(RevisionForm):
    """The incident's facts that can change after filing, and an addition to the summary."""

    FIELDS = ("occurred_at", "channel", "fraud_script", "fraud_script_detail", "serious")

    occurred_at = _filing_field("occurred_at")
    channel = _filing_field("channel")
    fraud_script = _filing_field("fraud_script")
    fraud_script_detail = _filing_field("fraud_script_detail")
    serious = _filing_field("serious")
    summary_amendment = forms.CharField(
        label=_("Add to what happened"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "The account as filed is kept as it is; this is added after it, with your name "
            "and the time."
        ),
    )

    def __init__(self, *args, fraud: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not fraud:
            # A customer-safety event has no script and is never "serious" (a fraud's).
            for name in ("fraud_script", "fraud_script_detail", "serious"):
                del self.fields[name]


_NOTES = forms.CharField(label=_("Notes"), required=False, max_length=500)


class PartyEditForm(RevisionForm, PartyForm):
    FIELDS = ("role", "name", "id_type", "id_number", "phone", "staff_role", "notes")

    notes = copy.deepcopy(_NOTES)


class AccountEditForm(RevisionForm, AccountForm):
    FIELDS = (
        "role",
        "kind",
        "number",
        "holder_name",
        "bank_name",
        "at_this_bank",
        "opening_unit",
        "party",
    )

    party = forms.ChoiceField(label=_("Holder (party)"), choices=BLANK, required=False)

    def __init__(self, *args, party_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].choices = BLANK + list(party_choices or [])


class VehicleEditForm(RevisionForm, VehicleForm):
    FIELDS = ("kind", "value", "notes")

    notes = copy.deepcopy(_NOTES)


class RemovalForm(RevisionForm):
    reason = forms.CharField(
        label=_("Why does it leave the case file?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("It stays on the page struck through, with your reason, and in the audit."),
    )


FIELD_KEY = re.compile(r"^(parties|accounts|vehicles)\[(\d+)\](?:\.(\w+))?$")


# --- incident list filters -----------------------------------------------------------------


class DateInput(forms.DateInput):
    input_type = "date"

    def format_value(self, value):
        return value.isoformat() if hasattr(value, "isoformat") else value


class IncidentFilterForm(forms.Form):
    """The incident list's search box and filters, read from the URL (so a filtered list is
    a link, and pagination and the exports keep it). `filters()` gives the keyword arguments
    of `selectors.incident_filter`; an invalid value is shown on its field and ignored."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("Number, name, ID, account, phone, web address"),
                "size": 36,
            }
        ),
    )
    type = forms.ChoiceField(label=_("Type"), required=False)
    group = forms.ChoiceField(
        label=_("Group"),
        choices=[("", _("Any")), *IncidentGroup.choices],
        required=False,
        help_text=_("Customer-safety events are not frauds."),
    )
    state = forms.ChoiceField(
        label=_("State"), choices=[("", _("Any")), *IncidentState.choices], required=False
    )
    level = forms.ChoiceField(
        label=_("Held at"), choices=[("", _("Any")), *Level.choices], required=False
    )
    unit = forms.ChoiceField(label=_("Unit and the units below it"), required=False)
    filed_from = forms.DateField(label=_("Filed from"), required=False, widget=DateInput)
    filed_to = forms.DateField(label=_("Filed until"), required=False, widget=DateInput)
    channel = forms.ChoiceField(
        label=_("Channel"), choices=[("", _("Any")), *Channel.choices], required=False
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=[("", _("Any")), *Outcome.choices], required=False
    )
    serious = forms.ChoiceField(
        label=_("Serious"),
        choices=[("", _("Any")), ("yes", _("Serious only")), ("no", _("Not serious"))],
        required=False,
    )
    overdue = forms.ChoiceField(
        label=_("Overdue steps"),
        choices=[("", _("Any")), ("yes", _("With overdue steps")), ("no", _("None overdue"))],
        required=False,
    )

    def __init__(self, *args, type_choices=(), units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [("", _("Any")), *list(type_choices)]
        self.units = {unit.code: unit for unit in units}
        self.fields["unit"].choices = [
            ("", _("Any")),
            *[(unit.code, f"{unit.name} ({unit.code})") for unit in units],
        ]

    def clean(self):
        data = super().clean()
        start, end = data.get("filed_from"), data.get("filed_to")
        if start and end and end < start:
            self.add_error("filed_to", _("The end of the date range is before its start."))
        return data

    def filters(self) -> dict:
        """The selector's keyword arguments for the valid fields (empty when unbound)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = {k: v for k, v in getattr(self, "cleaned_data", {}).items() if k not in self.errors}

        def yes_no(value):
            return {"yes": True, "no": False}.get(value or "")

        return {
            "text": (data.get("q") or "").strip(),
            "incident_type": data.get("type") or "",
            "group": data.get("group") or "",
            "states": [data["state"]] if data.get("state") else [],
            "level": data.get("level") or "",
            "unit": self.units.get(data.get("unit") or ""),
            "filed_from": data.get("filed_from"),
            "filed_to": data.get("filed_to"),
            "channel": data.get("channel") or "",
            "outcome": data.get("outcome") or "",
            "serious": yes_no(data.get("serious")),
            "overdue": yes_no(data.get("overdue")),
        }

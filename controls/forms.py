"""Browser forms: structure only; the services validate the domain (account numbers, units,
amounts) so the browser and the API refuse the same things with the same messages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import HOLD_KIND_CHOICES, ImmediateReview


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea)


class HoldRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("Control"), choices=HOLD_KIND_CHOICES)
    linked_number = forms.CharField(label=_("Linked account number"), required=False, max_length=64)
    linked_opening_unit = forms.CharField(
        label=_("Opening branch code"), required=False, max_length=32
    )
    linked_holder = forms.CharField(label=_("Holder name"), required=False, max_length=64)
    amount = forms.CharField(label=_("Amount to hold (yuan)"), required=False, max_length=32)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000)

    def clean(self):
        cleaned = super().clean()
        # The ticked incident accounts (ids); the service checks each belongs to the incident.
        raw = self.data.getlist("accounts") if hasattr(self.data, "getlist") else []
        cleaned["accounts"] = [int(v) for v in raw if str(v).isdigit()]
        if not cleaned.get("accounts") and not (cleaned.get("linked_number") or "").strip():
            raise forms.ValidationError(
                _("Tick at least one account of the incident, or type a linked account.")
            )
        return cleaned

    def targets(self) -> list[dict]:
        amount = self.cleaned_data.get("amount") or None
        targets: list[dict] = []
        for account_id in self.cleaned_data.get("accounts") or []:
            targets.append({"account": account_id, "amount": amount})
        number = (self.cleaned_data.get("linked_number") or "").strip()
        if number:
            targets.append(
                {
                    "number": number,
                    "opening_unit": self.cleaned_data.get("linked_opening_unit") or "",
                    "holder_name": self.cleaned_data.get("linked_holder") or "",
                    "amount": amount,
                }
            )
        return targets


class ReversalRequestForm(forms.Form):
    remittance_reference = forms.CharField(label=_("Remittance reference"), max_length=64)
    amount = forms.CharField(label=_("Amount (yuan)"), max_length=32)
    payee_account_number = forms.CharField(label=_("Payee account"), max_length=64)
    payee_name = forms.CharField(label=_("Payee name"), required=False, max_length=64)
    payee_bank = forms.CharField(label=_("Payee bank"), required=False, max_length=100)
    remitted_at = forms.CharField(label=_("Sent at"), max_length=40)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000)


class ImmediateStopForm(forms.Form):
    account = forms.IntegerField(label=_("Account"), min_value=1, max_value=2**63 - 1)
    amount = forms.CharField(label=_("Amount to hold (yuan)"), required=False, max_length=32)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000)


class ReviewForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Review"), choices=ImmediateReview.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)

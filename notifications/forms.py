from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import NonUrgentDelivery


class PreferenceForm(forms.Form):
    """A person's own notification choices (checked again by the service)."""

    email_enabled = forms.BooleanField(
        label=_("Email me my notifications"),
        required=False,
        help_text=_("Only if your profile has an email address. The inbox always gets them."),
    )
    non_urgent_delivery = forms.ChoiceField(
        label=_("Non-urgent notifications"),
        choices=NonUrgentDelivery.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Urgent ones (a freeze to approve, a T1–T3 incident with the payee account "
            "here, an escalation) are always emailed at once."
        ),
    )

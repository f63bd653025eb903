"""The incident-types page's forms. They carry and redisplay what was typed; the services
check it (the playbook schema) and their messages are put back on the fields."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import IncidentGroup

PLAYBOOK_HELP = _(
    "The playbook's steps in YAML, in the format of the shipped playbooks: start from an "
    "existing type's playbook below. Steps at the branch, then optionally the sub-branch and "
    "head office; one step reports up on every level below the last."
)


def _playbook_field() -> forms.CharField:
    return forms.CharField(
        label=_("Playbook (YAML)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 24, "class": "mono", "spellcheck": "false"}),
        help_text=PLAYBOOK_HELP,
    )


def _notes_field() -> forms.CharField:
    return forms.CharField(label=_("Change notes"), required=False, max_length=500)


class IncidentTypeForm(forms.Form):
    """A new type. Nothing is required here: the service says what is."""

    code = forms.CharField(
        label=_("Code"),
        required=False,
        max_length=40,
        help_text=_("Stable, snake_case (e.g. counterfeit_cash): bank systems file by it."),
    )
    name_zh = forms.CharField(label=_("Name (Chinese)"), required=False, max_length=100)
    name_en = forms.CharField(label=_("Name (English)"), required=False, max_length=100)
    group = forms.ChoiceField(
        label=_("Group"),
        choices=IncidentGroup.choices,
        required=False,
        help_text=_("Customer-safety events are not frauds: they stay out of the fraud figures."),
    )
    description_zh = forms.CharField(
        label=_("Description (Chinese)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    description_en = forms.CharField(
        label=_("Description (English)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    playbook = _playbook_field()
    notes = _notes_field()


class PlaybookPublishForm(forms.Form):
    playbook = _playbook_field()
    notes = _notes_field()

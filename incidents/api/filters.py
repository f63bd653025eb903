import django_filters

from fraudops.core.choices import Level
from fraudops.core.models import OrgUnit
from workflows.choices import IncidentGroup

from .. import selectors
from ..choices import Channel, IncidentState, Outcome, states_held_at
from ..models import Incident


class IncidentFilter(django_filters.FilterSet):
    """The API list's filters: the same search and filters as the incident list page
    (`selectors.incident_filter`), within the caller's subtree."""

    q = django_filters.CharFilter(
        method="filter_q",
        max_length=200,
        help_text=(
            "Search: an incident number, external reference, person or organisation name "
            "(Simplified, Traditional or pinyin), resident ID or other document number, "
            "account or card number, phone, web address or domain. Exact keys, normalised "
            "like filing and screening (full-width digits, spaces and dashes accepted)."
        ),
    )
    incident_type = django_filters.CharFilter(field_name="incident_type_id")
    group = django_filters.ChoiceFilter(
        choices=IncidentGroup.choices,
        field_name="incident_type__group",
        help_text="The type's group: the two fraud groups, or customer_safety (not frauds).",
    )
    state = django_filters.MultipleChoiceFilter(choices=IncidentState.choices)
    level = django_filters.ChoiceFilter(choices=Level.choices, method="filter_level")
    unit = django_filters.CharFilter(method="filter_unit", help_text="A unit code: its subtree.")
    serious = django_filters.BooleanFilter()
    channel = django_filters.ChoiceFilter(choices=Channel.choices)
    outcome = django_filters.ChoiceFilter(choices=Outcome.choices)
    overdue = django_filters.BooleanFilter(
        method="filter_overdue", help_text="With (true) or without (false) an overdue open step."
    )
    filed_after = django_filters.IsoDateTimeFilter(field_name="filed_at", lookup_expr="gte")
    filed_before = django_filters.IsoDateTimeFilter(field_name="filed_at", lookup_expr="lt")
    number = django_filters.CharFilter(lookup_expr="iexact")

    class Meta:
        model = Incident
        fields = ["incident_type", "state", "serious", "channel", "outcome"]

    def filter_q(self, queryset, name, value):
        return selectors.incident_search(queryset, text=value) if value.strip() else queryset

    def filter_level(self, queryset, name, value):
        return queryset.filter(state__in=states_held_at(value))

    def filter_unit(self, queryset, name, value):
        unit = OrgUnit.objects.filter(code=value).first()
        if unit is None:
            return queryset.none()
        return queryset.filter(unit__path__startswith=unit.path)

    def filter_overdue(self, queryset, name, value):
        return selectors.incident_filter(queryset, overdue=value)

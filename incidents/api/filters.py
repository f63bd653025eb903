import django_filters

from fraudops.core.choices import Level
from fraudops.core.models import OrgUnit

from ..choices import IncidentState, states_held_at
from ..models import Incident


class IncidentFilter(django_filters.FilterSet):
    incident_type = django_filters.CharFilter(field_name="incident_type_id")
    state = django_filters.MultipleChoiceFilter(choices=IncidentState.choices)
    level = django_filters.ChoiceFilter(choices=Level.choices, method="filter_level")
    unit = django_filters.CharFilter(method="filter_unit", help_text="A unit code: its subtree.")
    serious = django_filters.BooleanFilter()
    filed_after = django_filters.IsoDateTimeFilter(field_name="filed_at", lookup_expr="gte")
    filed_before = django_filters.IsoDateTimeFilter(field_name="filed_at", lookup_expr="lt")
    number = django_filters.CharFilter(lookup_expr="iexact")

    class Meta:
        model = Incident
        fields = ["incident_type", "state", "serious"]

    def filter_level(self, queryset, name, value):
        return queryset.filter(state__in=states_held_at(value))

    def filter_unit(self, queryset, name, value):
        unit = OrgUnit.objects.filter(code=value).first()
        if unit is None:
            return queryset.none()
        return queryset.filter(unit__path__startswith=unit.path)

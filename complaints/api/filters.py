import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone

from ..choices import REPLY_OWED_STATES, ComplaintSource, ComplaintState
from ..models import Complaint


class ComplaintFilter(django_filters.FilterSet):
    state = django_filters.MultipleChoiceFilter(choices=ComplaintState.choices)
    source = django_filters.MultipleChoiceFilter(choices=ComplaintSource.choices)
    unit = django_filters.CharFilter(field_name="unit__code")
    incident = django_filters.CharFilter(method="filter_incident", help_text="An incident number.")
    overdue = django_filters.BooleanFilter(
        method="filter_overdue", help_text="The reply is owed and its deadline has passed."
    )
    received_after = django_filters.IsoDateTimeFilter(field_name="received_at", lookup_expr="gte")
    received_before = django_filters.IsoDateTimeFilter(field_name="received_at", lookup_expr="lt")

    class Meta:
        model = Complaint
        fields = ["state", "source"]

    def filter_incident(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(
            incident_links__incident__number=value, incident_links__unlinked_at__isnull=True
        )

    def filter_overdue(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        late = Q(state__in=REPLY_OWED_STATES, due_at__lt=timezone.now())
        if value is None:
            return queryset
        return queryset.filter(late) if value else queryset.exclude(late)

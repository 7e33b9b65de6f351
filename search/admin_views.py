"""The query log report for editors: what readers search for, and what finds nothing."""

from datetime import timedelta

from django.db.models import Q, Sum
from django.utils import timezone
from django_filters import ChoiceFilter
from wagtail.admin.auth import permission_denied
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, NumberColumn
from wagtail.admin.views.reports import ReportView

from .models import SearchQueryLog

PERIODS = [("7", "Last 7 days"), ("30", "Last 30 days"), ("365", "Last year")]


class SearchQueryFilterSet(WagtailFilterSet):
    period = ChoiceFilter(label="Period", choices=PERIODS, empty_label="Last 30 days", method="filter_period")
    found = ChoiceFilter(label="Show", choices=[
        ("zero", "Only queries that found nothing"),
        ("relaxed", "Queries no article fully matched (found nothing, or widened)"),
    ], empty_label="All queries", method="filter_found")

    class Meta:
        model = SearchQueryLog
        fields = []

    def filter_period(self, queryset, name, value):
        return queryset  # applied before aggregation, in get_base_queryset

    def filter_found(self, queryset, name, value):
        if value == "zero":
            return queryset.filter(zero_results_total__gt=0)
        if value == "relaxed":
            return queryset.filter(Q(zero_results_total__gt=0) | Q(relaxed_total__gt=0))
        return queryset


def _value(key):
    return lambda row: row[key]


class SearchQueryReportView(ReportView):
    page_title = "Search queries"
    header_icon = "search"
    index_url_name = "search_query_report"
    index_results_url_name = "search_query_report_results"
    filterset_class = SearchQueryFilterSet
    is_searchable = False
    default_ordering = "-searches_total"
    columns = [
        Column("query", label="Query", accessor=_value("query")),
        NumberColumn("searches_total", label="Searches", accessor=_value("searches_total"),
                     sort_key="searches_total"),
        NumberColumn("zero_results_total", label="Found nothing", accessor=_value("zero_results_total"),
                     sort_key="zero_results_total"),
        # No article had every word: readers were shown articles with most or some of them. A synonym
        # rule (Settings → Search) often fixes these.
        NumberColumn("relaxed_total", label="Widened", accessor=_value("relaxed_total"), sort_key="relaxed_total"),
    ]
    list_export = ["query", "searches_total", "zero_results_total", "relaxed_total"]
    export_headings = {"query": "Query", "searches_total": "Searches", "zero_results_total": "Found nothing",
                       "relaxed_total": "Widened"}

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("search.view_searchquerylog"):
            return permission_denied(request)
        return super().dispatch(request, *args, **kwargs)

    def get_filterset_kwargs(self):
        kwargs = super().get_filterset_kwargs()
        kwargs["queryset"] = self.get_base_queryset()
        return kwargs

    def get_base_queryset(self):
        days = int(self.request.GET.get("period") or 30) if self.request.GET.get("period") in dict(PERIODS) else 30
        since = timezone.localdate() - timedelta(days=days - 1)
        return (SearchQueryLog.objects.filter(day__gte=since).values("query")
                .annotate(searches_total=Sum("searches"), zero_results_total=Sum("zero_results"),
                          relaxed_total=Sum("relaxed"))
                .order_by("-searches_total", "query"))

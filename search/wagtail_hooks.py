from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from .admin_views import SearchQueryReportView


@hooks.register("register_admin_urls")
def register_report_urls():
    return [
        path("reports/search-queries/", SearchQueryReportView.as_view(), name="search_query_report"),
        path("reports/search-queries/results/", SearchQueryReportView.as_view(results_only=True),
             name="search_query_report_results"),
    ]


class SearchQueryReportMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("search.view_searchquerylog")


@hooks.register("register_reports_menu_item")
def register_report_menu_item():
    return SearchQueryReportMenuItem("Search queries", reverse("search_query_report"), icon_name="search",
                                     order=700)


@hooks.register("construct_reports_menu")
def hide_wagtail_search_terms(request, menu_items):
    # Wagtail's "Search terms" report counts its own query table, which reader search does not
    # write (our log also counts searches that found nothing): one report, not an empty second one.
    menu_items[:] = [item for item in menu_items if item.name != "search-terms"]

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from core import views as core_views
from health import views as health_views
from security import views as security_views

urlpatterns = [
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("healthz", health_views.healthz, name="healthz"),
    # Browsers and feed readers ask for /favicon.ico whatever the page says.
    path("favicon.ico", core_views.favicon),
    path("healthz/status", health_views.status, name="health-status"),
    # Wagtail's page-password form, throttled (its own route, in wagtail_urls below, is never reached).
    path("_util/authenticate_with_password/<int:page_view_restriction_id>/<int:page_id>/",
         security_views.page_password),
    path("", include("search.urls")),
    path("newsletter/", include("newsletter.urls")),
    path("comments/", include("comments.urls")),
    path("api/", include("trending.urls")),
    path("", include("feeds.urls")),
    path("", include("news.urls")),
    path("", include("sharing.urls")),
]

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()

if settings.SERVE_MEDIA and settings.MEDIA_URL.startswith("/"):
    from django.views.static import serve

    urlpatterns += [re_path(rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$", serve,
                            {"document_root": settings.MEDIA_ROOT})]

urlpatterns += [
    # Wagtail's page serving catches everything else, so it comes last.
    path("", include(wagtail_urls)),
]

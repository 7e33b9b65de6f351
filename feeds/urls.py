from django.urls import path, re_path

from . import views

urlpatterns = [
    path("feed/", views.site_feed, name="site_feed"),
    path("sitemap.xml", views.sitemap, name="sitemap"),
    path("news-sitemap.xml", views.news_sitemap, name="news_sitemap"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    # A section's feed: <section url>feed/ (before Wagtail's catch-all page URL in newsroom/urls.py).
    re_path(r"^(?P<section_path>(?:[\w-]+/)+)feed/$", views.section_feed, name="section_feed"),
]

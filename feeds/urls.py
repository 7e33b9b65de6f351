from django.urls import path

from . import views

urlpatterns = [
    path("feed/", views.site_feed, name="site_feed"),
    path("sitemap.xml", views.sitemap, name="sitemap"),
    path("news-sitemap.xml", views.news_sitemap, name="news_sitemap"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
]

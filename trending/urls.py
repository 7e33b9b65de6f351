from django.urls import path

from . import views

app_name = "trending"
urlpatterns = [
    path("views/<int:article_id>/", views.count_view, name="count_view"),
    path("trending/", views.top_trending_list, name="top"),
]

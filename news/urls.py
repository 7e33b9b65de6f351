from django.urls import path

from . import views

urlpatterns = [
    path("authors/<slug:slug>/", views.author, name="author"),
    path("tags/<str:slug>/", views.tag, name="tag"),  # taggit slugs may be non-ASCII
]

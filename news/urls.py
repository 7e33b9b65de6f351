from django.urls import path

from . import views

urlpatterns = [
    path("authors/<slug:slug>/", views.author, name="author"),
    path("tags/<slug:slug>/", views.tag, name="tag"),
]

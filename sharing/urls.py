from django.urls import re_path

from . import views

urlpatterns = [
    # Any token-shaped string reaches the view (and gets the same 404 when unknown).
    re_path(r"^draft/(?P<token>[A-Za-z0-9_-]{1,128})/$", views.draft, name="draft_link"),
]

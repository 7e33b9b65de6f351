"""Helpers shared by test modules in every area: plain functions and constants, never fixtures
(fixtures live in conftest.py files, so no test module imports another's)."""

import io
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from home.models import HomePage
from news.models import Author, SectionPage

REPO = Path(__file__).resolve().parents[1]  # the checkout: manage.py, gunicorn.conf.py, var/


def make_section(parent, title):
    section = SectionPage(title=title, slug=title.lower().replace(" ", "-"))
    parent.add_child(instance=section)
    section.save_revision().publish()
    section.refresh_from_db()
    return section


@contextmanager
def committed_demo_newsroom(migrated_contents, articles):
    """The seeded demo newsroom committed to the test database, for servers in other threads or
    processes (a live server, gunicorn), removed afterwards. Use inside django_db_blocker.unblock()."""
    from django.db import connections
    from taggit.models import Tag
    from wagtail.images import get_image_model

    from search.models import SearchQueryLog

    if not HomePage.objects.exists():
        # A transactional test with serialized_rollback ran last and its flush emptied the database:
        # restore what the migrations made, as its next test would.
        assert migrated_contents, "the database has no home page and nothing to restore it from"
        connections["default"].creation.deserialize_db_from_string(migrated_contents)
    call_command("load_demo_content", "--articles", str(articles), stdout=io.StringIO())
    try:
        yield
    finally:
        for child in HomePage.objects.get().get_children():
            child.delete()
        Author.objects.all().delete()
        Tag.objects.all().delete()
        get_image_model().objects.all().delete()
        # What readers left behind: the searches they made (their page views go with the pages).
        SearchQueryLog.objects.all().delete()


def worker_database_url():
    """DATABASE_URL for the database this test uses (the test database, not the configured one)."""
    s = connection.settings_dict
    assert connection.vendor == "postgresql", "the worker test needs the PostgreSQL test database"
    credentials = quote(s["USER"] or "", safe="")
    if s["PASSWORD"]:
        credentials += ":" + quote(s["PASSWORD"], safe="")
    host = s["HOST"] or "localhost"
    port = f":{s['PORT']}" if s["PORT"] else ""
    return f"postgres://{credentials}@{host}{port}/{quote(s['NAME'], safe='')}"


def wait_for(condition, timeout, what, step=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(step)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def make_user(username, group_name):
    user = get_user_model().objects.create_user(username=username, password="correct horse battery staple")
    user.groups.add(Group.objects.get(name=group_name))
    return user


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def edit_url(page):
    return reverse("wagtailadmin_pages:edit", args=[page.pk])

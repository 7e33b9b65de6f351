"""Wagtail's editing tools an editor's day depends on: revisions, compare, revert, locking,
comments, and the admin's own document search on OpenSearch."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.urls import reverse
from wagtail.documents import get_document_model
from wagtail.models import Comment
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

pytestmark = pytest.mark.django_db


def editor(username):
    user = get_user_model().objects.create_user(username, f"{username}@example.com", "pw")
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def edited_article(make_article):
    article = make_article("Ferry timetable changes", standfirst="First version.")
    article.standfirst = "Second version."
    article.save_revision().publish()
    article.refresh_from_db()
    return article


def test_revisions_can_be_compared_and_reverted(client, edited_article):
    client.force_login(editor("ed"))
    first, second = edited_article.revisions.order_by("created_at")
    url = reverse("wagtailadmin_pages:revisions_compare", args=[edited_article.pk, first.pk, second.pk])
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    # The compare view shows a word diff: the old word removed, the new one added.
    assert "First" in html and "Second" in html and "standfirst" in html.lower()

    response = client.get(reverse("wagtailadmin_pages:revisions_revert", args=[edited_article.pk, first.pk]))
    assert response.status_code == 200
    assert "First version." in response.content.decode(), "the edit form is filled from the old revision"


def test_a_locked_page_cannot_be_edited_by_another_editor(client, edited_article):
    alice, bob = editor("alice"), editor("bob")
    client.force_login(alice)
    response = client.post(reverse("wagtailadmin_pages:lock", args=[edited_article.pk]))
    assert response.status_code == 302
    edited_article.refresh_from_db()
    assert edited_article.locked and edited_article.locked_by == alice
    lock = edited_article.get_lock()
    assert lock.for_user(bob), "the page is locked for Bob"
    assert not lock.for_user(alice), "but not for Alice, who locked it"
    # Bob's attempt to publish through the edit form changes nothing.
    client.force_login(bob)
    client.post(reverse("wagtailadmin_pages:edit", args=[edited_article.pk]), nested_form_data({
        "title": "Bob's title", "slug": edited_article.slug, "action-publish": "action-publish",
        "article_authors": inline_formset([{"author": edited_article.authors[0].pk}]),
        "body": streamfield([("paragraph", rich_text("<p>Bob's text</p>"))]),
    }))
    edited_article.refresh_from_db()
    assert edited_article.title == "Ferry timetable changes"


def test_comments_are_enabled_and_saved_on_the_page(settings, edited_article):
    assert getattr(settings, "WAGTAILADMIN_COMMENTS_ENABLED", True)
    user = editor("carol")
    Comment.objects.create(page=edited_article, user=user, text="Check the ferry times",
                           contentpath="standfirst", revision_created=edited_article.latest_revision)
    assert list(edited_article.wagtail_admin_comments.values_list("text", flat=True)) == ["Check the ferry times"]


@pytest.mark.opensearch
def test_admin_document_search_runs_on_opensearch(client, search_backend):
    Document = get_document_model()
    for title in ("Budget statement 2026", "Council minutes"):
        document = Document(title=title)
        document.file.save(f"{title}.txt", ContentFile(b"text"), save=True)
    search_backend.refresh_indexes()
    client.force_login(get_user_model().objects.create_superuser("admin", "a@example.com", "pw"))
    html = client.get(reverse("wagtaildocs:index"), {"q": "budget"}).content.decode()
    assert "Budget statement 2026" in html and "Council minutes" not in html


def test_a_long_headline_is_edited_whole_and_published_on_one_line(client, edited_article):
    """The headline is a box that grows with it (a one-line input cut long headlines off), line breaks
    typed or pasted into it become spaces, and after Publish one click leads back to the article."""
    client.force_login(editor("hana"))
    url = reverse("wagtailadmin_pages:edit", args=[edited_article.pk])
    html = client.get(url).content.decode()
    assert '<textarea name="title"' in html and 'data-controller="w-autosize' in html
    assert "gravatar" not in html, "no avatar from a third party (a broken image where it is unreachable)"

    headline = ("Ferry timetable changes for the winter:\r\n  fewer crossings to the islands, "
                "and the last boat leaves at 9pm")
    response = client.post(url, nested_form_data({
        "title": headline, "slug": edited_article.slug, "standfirst": "Third version.",
        "action-publish": "action-publish",
        "article_authors": inline_formset([{"author": edited_article.authors[0].pk}]),
        "body": streamfield([("paragraph", rich_text("<p>Text</p>"))]),
    }), follow=True)
    edited_article.refresh_from_db()
    assert edited_article.title == ("Ferry timetable changes for the winter: fewer crossings to the islands, "
                                    "and the last boat leaves at 9pm")
    assert edited_article.live and edited_article.standfirst == "Third version."
    message = response.content.decode()
    assert "has been published" in message
    assert f'href="{edited_article.full_url}"' in message or f'href="{edited_article.url}"' in message, \
        "a View live link to the article"
    assert f'href="{url}"' in message, "an Edit link back to it"

"""Tags whose name slugifies to nothing (an emoji, "!!!") still get a usable slug, so nothing that
links to tag pages breaks: publishing in the admin, the scheduler, the importer, reading the article,
unpublishing and deleting it. Real PostgreSQL and OpenSearch, the editor's own paths."""

import json
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.utils import timezone
from taggit.models import Tag
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from news.models import ArticlePage
from news.publishing import create_article

pytestmark = [pytest.mark.opensearch, pytest.mark.django_db]

AWKWARD = ["🔥", "!!!", "🇺🇦", "Économie"]


def tag_links_work(client, article):
    """The article renders, and every tag it shows links to a page that lists it."""
    response = client.get(article.url)
    assert response.status_code == 200
    for tag in article.tags.all():
        assert tag.slug, tag.name
        page = client.get(f"/tags/{tag.slug}/")
        assert page.status_code == 200 and article.title in page.content.decode(), tag.name


def test_every_tag_gets_a_usable_distinct_slug():
    slugs = [Tag.objects.create(name=name).slug for name in [*AWKWARD, "🔥🔥", "???"]]
    assert all(slugs) and len(set(slugs)) == len(slugs), slugs
    assert Tag.objects.get(name="Économie").slug == "economie"  # readable slugs are kept


def test_an_editor_publishes_unpublishes_and_deletes_an_article_with_emoji_tags(client, section, author):
    editor = User.objects.create_superuser("editor", password="pw-editor-1234")
    client.force_login(editor)
    response = client.post(f"/admin/pages/add/news/articlepage/{section.pk}/", nested_form_data({
        "title": "Wildfire season starts early", "slug": "wildfire-season-starts-early", "standfirst": "Dry spring.",
        "article_authors": inline_formset([{"author": author.pk}]),
        "body": streamfield([("paragraph", rich_text("<p>Crews were on alert.</p>"))]),
        "tags": ", ".join(f'"{name}"' for name in AWKWARD),
        "action-publish": "action-publish",
    }))
    assert response.status_code == 302, response.content.decode()[:500]
    article = ArticlePage.objects.get(slug="wildfire-season-starts-early")
    assert article.live and sorted(t.name for t in article.tags.all()) == sorted(AWKWARD)
    tag_links_work(client, article)

    assert client.post(f"/admin/pages/{article.pk}/unpublish/").status_code == 302
    article.refresh_from_db()
    assert not article.live
    assert client.post(f"/admin/pages/{article.pk}/delete/").status_code == 302
    assert not ArticlePage.objects.filter(pk=article.pk).exists()


def test_bulk_publish_of_drafts_with_emoji_tags(client, section, author):
    client.force_login(User.objects.create_superuser("editor", password="pw-editor-1234"))
    drafts = [create_article(section, title=f"Draft {i}", authors=[author], tags=AWKWARD, publish=False)
              for i in range(2)]
    ids = "&".join(f"id={draft.pk}" for draft in drafts)
    response = client.post(f"/admin/bulk/wagtailcore/page/publish/?{ids}", {"include_descendants": ""})
    assert response.status_code == 302, response.content.decode()[:500]
    for draft in drafts:
        draft.refresh_from_db()
        assert draft.live
        tag_links_work(client, draft)


def test_the_scheduler_publishes_an_article_with_emoji_tags(client, section, author):
    article = create_article(section, title="Scheduled with an emoji tag", authors=[author], tags=["🔥"],
                             publish=False)
    revision = article.save_revision()
    revision.approved_go_live_at = timezone.now() - timedelta(seconds=1)
    revision.save()
    call_command("publish_scheduled")
    article.refresh_from_db()
    assert article.live
    tag_links_work(client, article)


def test_the_importer_takes_emoji_tags(client, section, tmp_path):
    record = {"id": "emoji-1", "title": "Harvest festival returns", "standfirst": "Crowds are back.",
              "section": section.slug, "authors": ["Elena Rossi"], "tags": ["🎃", "!!!"],
              "published_at": "2026-10-01T09:00:00Z", "body": [{"type": "paragraph", "value": "<p>Music.</p>"}]}
    path = tmp_path / "articles.jsonl"
    path.write_text(json.dumps(record) + "\n")
    call_command("import_articles", str(path), stdout=open("/dev/null", "w"))
    article = ArticlePage.objects.get(title="Harvest festival returns")
    assert article.live and article.tags.count() == 2
    tag_links_work(client, article)

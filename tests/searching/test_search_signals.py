"""The public index follows every event that changes what readers may find — without anyone running
a rebuild. Tasks run inline in tests (ImmediateBackend); the durable queue has its own tests below
and in test_search_resilience.py."""

import pytest
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from taggit.models import Tag
from wagtail.models import PageViewRestriction

from core.batching import batched_changes
from search import index
from search.client import get_client
from tests.helpers import make_section

pytestmark = [pytest.mark.opensearch, pytest.mark.django_db]


def indexed(article):
    """The article's document in the public index, or None."""
    client = get_client()
    client.indices.refresh(index=index.alias_name())
    response = client.get(index=index.alias_name(), id=article.pk, ignore=[404])
    return response["_source"] if response.get("found") else None


@pytest.fixture
def fresh_index(db):
    index.rebuild()


def test_publish_and_unpublish(fresh_index, make_article):
    article = make_article("Harbour strike ends")
    assert indexed(article)["title"] == "Harbour strike ends"
    article.title = "Harbour strike ends after talks"
    article.save_revision().publish()
    assert indexed(article)["title"] == "Harbour strike ends after talks"
    article.save_revision()  # a draft of a live article changes nothing readers see
    article.unpublish()
    assert indexed(article) is None


def test_author_and_tag_edits_reach_their_articles(fresh_index, make_article, author):
    article = make_article("Harbour strike ends", tags=["strikes"])
    author.name = "Amara Okafor-Mensah"
    author.save()
    assert indexed(article)["authors"] == ["Amara Okafor-Mensah"]
    tag = Tag.objects.get(name="strikes")
    tag.name = "industrial action"
    tag.save()
    assert indexed(article)["tags"] == ["industrial action"]
    tag.delete()
    assert indexed(article)["tags"] == []


def test_section_rename_and_move_reach_their_articles(fresh_index, make_article, section, home):
    europe = make_section(section, "Europe")
    article = make_article("Harbour strike ends", parent=europe)
    assert indexed(article)["section_paths"] == ["world", "world/europe"]
    europe.title = "European Union"
    europe.save_revision().publish()
    assert indexed(article)["section"] == "European Union"
    business = make_section(home, "Business")
    europe.move(business, pos="last-child")
    doc = indexed(article)
    assert doc["section_paths"] == ["business", "business/europe"]
    assert doc["url"] == "/business/europe/harbour-strike-ends/"


def test_view_restrictions_remove_and_restore(fresh_index, make_article, section):
    article = make_article("Harbour strike ends")
    restriction = PageViewRestriction.objects.create(page=section, restriction_type=PageViewRestriction.PASSWORD,
                                                     password="s3cret")
    assert indexed(article) is None
    restriction.delete()
    assert indexed(article) is not None


def test_delete_and_section_delete(fresh_index, make_article, section):
    europe = make_section(section, "Europe")
    first, second = make_article("First story", parent=europe), make_article("Second story", parent=europe)
    first.delete()
    assert indexed(first) is None and indexed(second) is not None
    europe.delete()
    assert indexed(second) is None


def test_scheduler_expiry_removes_the_article(fresh_index, make_article):
    from django.core.management import call_command

    article = make_article("Harbour strike ends")
    article.expire_at = timezone.now() - timezone.timedelta(seconds=1)
    article.save(update_fields=["expire_at"])
    call_command("publish_scheduled")
    assert indexed(article) is None


def test_batched_updates_enqueue_once_at_the_end(fresh_index, make_article):
    with batched_changes():
        first = make_article("Batch one")
        second = make_article("Batch two")
        assert indexed(first) is None and indexed(second) is None  # not yet
    assert indexed(first) and indexed(second)


def test_a_missing_alias_is_rebuilt_not_guessed(db, make_article):
    client, alias = get_client(), index.alias_name()
    for name in list(client.indices.get_alias(name=alias, ignore=[404]) or {}):
        client.indices.delete(index=name)
    article = make_article("Harbour strike ends")  # the sync finds no alias: a proper rebuild
    assert client.indices.exists_alias(name=alias)
    assert client.indices.get_mapping(index=alias)  # our mapping, not a guessed one
    mapping = next(iter(client.indices.get_mapping(index=alias).values()))["mappings"]
    assert mapping["dynamic"] == "strict" and indexed(article) is not None


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_unreachable_opensearch_schedules_a_retry_with_backoff(make_article):
    from django_tasks import default_task_backend

    from search.tasks import sync_articles

    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        assert default_task_backend.supports_defer
        article = make_article("Harbour strike ends")
        task = DBTaskResult.objects.filter(task_path="search.tasks.sync_articles").latest("enqueued_at")
        assert task.args_kwargs["args"][0] == [article.pk]  # enqueued with the publish, in its transaction
        with override_settings(OPENSEARCH_URL="http://127.0.0.1:9"):  # nothing listens on port 9
            outcome = sync_articles.call([article.pk], 2)  # a third attempt: waits 2² s
        assert outcome == {"retry_in": 4}
        retry = DBTaskResult.objects.filter(task_path="search.tasks.sync_articles").latest("enqueued_at")
        assert retry.args_kwargs["args"] == [[article.pk], 3]
        assert 2 < (retry.run_after - timezone.now()).total_seconds() <= 4

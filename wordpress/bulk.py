"""New live articles written a batch at a time, with everything Wagtail's publish would leave.

Creating and publishing a page through Wagtail costs tens of queries and a search-index request
per save (news/demo/bulk.py measures ~80 ms): an archive of 20,000 posts would take most of an hour.
A migration's posts are nearly all published, so those are written here in batches instead — the
page rows with tree paths from treebeard's own helpers, the byline and tags, one revision each (so
the page history and the editor work as for any page), the audit log's "created" and "published"
entries, the reference index (image usage) — and then what publishing sets off is done once for the
batch rather than once a page: the public search index is brought up to date (search.signals, the
same path page_published takes), the page cache purged, and Wagtail's own admin search index given
the batch in one request.

Drafts, scheduled and private posts, and updates, go through Wagtail's own actions
(wordpress.importer): they are few, and they need its scheduling and view restrictions.
"""

import logging
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, OuterRef, Subquery
from django.db.models.functions import Cast
from django.utils import timezone
from taggit.models import Tag
from wagtail.models import Locale, Page, PageLogEntry, ReferenceIndex, Revision
from wagtail.models.pages import COMMENTS_RELATION_NAME
from wagtail.search.backends import get_search_backends

from news.bulk import insert_article_rows, next_child_step
from news.models import ArticleAuthor, ArticlePage, ArticlePageTag
from pagecache.purge import purge
from search import signals as search_signals

logger = logging.getLogger(__name__)


@dataclass
class NewArticle:
    section: object  # the SectionPage it goes under
    page: ArticlePage  # unsaved, its own fields set
    authors: list
    tags: list


def _tags(names, known):
    for name in names:
        if name not in known:
            # One at a time through taggit, so its slug rules (and news.tags' fallback) apply.
            known[name] = Tag.objects.filter(name=name).first() or Tag.objects.create(name=name)
    return [known[name] for name in names]


def publish_new_articles(new, tag_cache):
    """Write `new` (NewArticle) as live pages; returns the ArticlePages, in order, with their ids."""
    if not new:
        return []
    now = timezone.now()
    article_type = ContentType.objects.get_for_model(ArticlePage)
    page_type = ContentType.objects.get_for_model(Page)
    locale = Locale.get_default()
    steps, added = {}, {}
    articles = []
    # The batch's bodies turned into blocks together, as Wagtail does for the streams nested in a
    # block (StreamBlock.bulk_to_python): one query for all their pictures, where each body read on
    # its own (for its plain text, below) asks for its own.
    body_block = ArticlePage._meta.get_field("body").stream_block
    bodies = body_block.bulk_to_python([body_block.get_prep_value(item.page.body) for item in new])
    for item, body in zip(new, bodies, strict=True):
        item.page.body = body
    for item in new:
        section, article = item.section, item.page
        if section.pk not in steps:
            steps[section.pk] = next_child_step(section)
        depth = section.depth + 1
        article.path = Page._get_path(section.path, depth, steps[section.pk])
        steps[section.pk] += 1
        added[section.pk] = (section, added.get(section.pk, (section, 0))[1] + 1)
        article.depth, article.numchild, article.url_path = depth, 0, f"{section.url_path}{article.slug}/"
        article.content_type, article.locale = article_type, locale
        article.draft_title, article.live, article.has_unpublished_changes = article.title, True, False
        article.first_published_at = article.last_published_at = article.published_date
        article.latest_revision_created_at = now
        article.strip_unpublishable_characters()  # what ArticlePage.save does
        article.refresh_derived_fields()
        articles.append(article)

    Page.objects.bulk_create([Page(**{f.attname: getattr(a, f.attname) for f in Page._meta.concrete_fields
                                      if f.attname != "id"}) for a in articles])
    ids = dict(Page.objects.filter(path__in=[a.path for a in articles]).values_list("path", "id"))
    for article in articles:
        article.page_ptr_id = article.id = ids[article.path]
    insert_article_rows(articles)
    for section, count in added.values():  # treebeard reads numchild to place the next child
        Page.objects.filter(pk=section.pk).update(numchild=section.numchild + count)
        section.numchild += count

    links, tagged = [], []
    for item, article in zip(new, articles, strict=True):
        # A new page has no admin comments: said in memory, so neither its revision's content nor
        # its reference index asks the database for them (a query per page each).
        setattr(article, COMMENTS_RELATION_NAME, [])
        article.article_authors = [ArticleAuthor(page_id=article.id, author=a, sort_order=n)
                                   for n, a in enumerate(item.authors)]
        article.tagged_items = [ArticlePageTag(content_object_id=article.id, tag=tag)
                                for tag in _tags(item.tags, tag_cache)]
        links += article.article_authors.all()
        tagged += article.tagged_items.all()
    ArticleAuthor.objects.bulk_create(links)
    ArticlePageTag.objects.bulk_create(tagged)

    # The revision each page would have had, then the page pointing at it (live and latest).
    revisions = Revision.objects.bulk_create([
        Revision(content_type=article_type, base_content_type=page_type, object_id=str(a.pk), created_at=now,
                 object_str=str(a.title), content=a.serializable_data()) for a in articles])
    for article, revision in zip(articles, revisions, strict=True):
        article.latest_revision = article.live_revision = revision
    # One UPDATE in which the database pairs each page with its revision (bulk_update would build
    # and send a CASE of a branch per page and field).
    revision = Subquery(Revision.objects.filter(base_content_type=page_type,
                                                object_id=Cast(OuterRef("pk"), CharField())).values("pk")[:1])
    Page.objects.filter(pk__in=[a.pk for a in articles]).update(latest_revision=revision, live_revision=revision)
    PageLogEntry.objects.bulk_create([
        PageLogEntry(content_type=article_type, page_id=a.pk, label=a.get_admin_display_title(), action=action,
                     timestamp=now, revision=revision, content_changed=action == "wagtail.publish")
        for a, revision in zip(articles, revisions, strict=True) for action in ("wagtail.create", "wagtail.publish")])
    add_references(articles)

    add_to_admin_search(ArticlePage, articles)
    # What the page_published receivers do for one article, once for the batch: the public search
    # index (deferred to the end of the import by core.batching) and the page cache (new articles
    # show on the home page, their sections, tag and author pages: purge it all once).
    search_signals.enqueue([a.pk for a in articles])
    purge(None)
    return articles


def add_to_admin_search(model, objects):
    """Wagtail's own search index (the admin's), one request for the batch."""
    for backend in get_search_backends(with_auto_update=True):
        try:
            backend.add_bulk(model, objects)
        except Exception:
            # As Wagtail's own indexing does: the index being down must not lose what was imported.
            if not backend.catch_indexing_errors:
                raise
            logger.exception("could not add %d imported %s to the search backend", len(objects),
                             model._meta.verbose_name_plural)


def add_references(objects):
    """Wagtail's reference index (the admin's "usage") for objects new to the database, one INSERT
    for the batch. ReferenceIndex.create_or_update_for_object costs three queries an object (read its
    rows, add the new, delete the gone); a new object has no rows, so its rows are simply what
    Wagtail's own extraction finds (the same rows, with the same content-path hashes)."""
    rows = []
    for obj in objects:
        content_types = [ContentType.objects.get_for_model(model, for_concrete_model=False)
                         for model in [obj, *obj._meta.get_parent_list()]]
        rows += [ReferenceIndex(content_type=content_types[0], base_content_type=content_types[-1], object_id=obj.pk,
                                to_content_type_id=to_type, to_object_id=to_id, model_path=model_path,
                                content_path=content_path,
                                content_path_hash=ReferenceIndex._get_content_path_hash(content_path))
                 for to_type, to_id, model_path, content_path
                 in set(ReferenceIndex._extract_references_from_object(obj))]
    ReferenceIndex.objects.bulk_create(rows, ignore_conflicts=True)  # as create_or_update_for_object does


def index_new_images(images):
    """What saving each image would have set off (wordpress.images writes them without save())."""
    if images:
        add_references(images)
        # Read back the way Wagtail's update_index reads what it indexes (get_indexed_objects:
        # tags prefetched), rather than a tags query for each image.
        model = type(images[0])
        add_to_admin_search(model, list(model.get_indexed_objects().filter(pk__in=[i.pk for i in images])))

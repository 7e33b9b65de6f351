"""Bulk loading for benchmark corpora (tens of thousands of articles).

Creating a page through Wagtail costs ~80 ms (tree insert, revision, publish action, reference
index, search indexing, audit log), so 100,000 articles would take hours. Here pages are written in
batches straight into the same tables — tree paths computed with treebeard's own path helpers, body
JSON produced by the StreamField itself — giving live articles that look exactly like published
ones to readers and to `update_index`. What is skipped: revisions, the audit log and the reference
index; search indexing is left to one `update_index` run afterwards (a bulk index, much faster).
Use only for demo and benchmark data.
"""

import time

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.text import slugify
from taggit.models import Tag
from wagtail.models import Locale, Page

from ..bulk import insert_article_rows, next_child_step
from ..models import ArticleAuthor, ArticlePage, ArticlePageTag
from ..publishing import unique_slug

BATCH = 1000


def bulk_generate(demo, count, out=print):
    demo.ensure_sections()
    authors, images = demo.ensure_authors(), demo.ensure_images()
    leaf_sections = [s for title, s in demo.sections.items() if title != "World"]
    article_type = ContentType.objects.get_for_model(ArticlePage)
    locale = Locale.get_default()
    next_step = {s.pk: next_child_step(s) for s in leaf_sections}
    taken = {s.pk: set(s.get_children().values_list("slug", flat=True)) for s in leaf_sections}
    tags = {}

    started = time.monotonic()
    done = 0
    while done < count:
        size = min(BATCH, count - done)
        articles, extras = [], []
        for i in range(done, done + size):
            section = leaf_sections[i % len(leaf_sections)]
            fields = demo.article_fields(section.title, authors, images, demo.random_age())
            article_authors, article_tags = fields.pop("authors"), fields.pop("tags")
            published = fields["published_date"]
            slug = unique_slug(section, fields["title"], taken[section.pk])
            depth = section.depth + 1
            article = ArticlePage(
                **fields,
                slug=slug,
                draft_title=fields["title"],
                content_type=article_type,
                locale=locale,
                path=Page._get_path(section.path, depth, next_step[section.pk]),
                depth=depth,
                numchild=0,
                url_path=f"{section.url_path}{slug}/",
                live=True,
                has_unpublished_changes=False,
                first_published_at=published,
                last_published_at=published,
            )
            article.refresh_derived_fields()
            next_step[section.pk] += 1
            articles.append(article)
            extras.append((article_authors, article_tags))
        with transaction.atomic():
            Page.objects.bulk_create([Page(**{f.attname: getattr(a, f.attname) for f in Page._meta.concrete_fields
                                              if f.attname != "id"}) for a in articles])
            # bulk_create returns ids on PostgreSQL and SQLite >= 3.35; fetch by path to be sure.
            ids = dict(Page.objects.filter(path__in=[a.path for a in articles]).values_list("path", "id"))
            for article in articles:
                article.page_ptr_id = article.id = ids[article.path]
            insert_article_rows(articles)
            links, tagged = [], []
            for article, (article_authors, article_tags) in zip(articles, extras, strict=True):
                links += [ArticleAuthor(page_id=article.id, author=author, sort_order=n)
                          for n, author in enumerate(article_authors)]
                for name in article_tags:
                    if name not in tags:
                        # By slug: the written collection may already have the tag under another
                        # name ("interest rates" for the generator's "interest-rates").
                        slug = slugify(name)
                        tags[name] = Tag.objects.filter(slug=slug).first() or Tag.objects.create(name=name, slug=slug)
                    tagged.append(ArticlePageTag(content_object_id=article.id, tag=tags[name]))
            ArticleAuthor.objects.bulk_create(links)
            ArticlePageTag.objects.bulk_create(tagged)
            for section in leaf_sections:
                Page.objects.filter(pk=section.pk).update(numchild=Page.objects.filter(
                    path__startswith=section.path, depth=section.depth + 1).count())
        done += size
        out(f"  {done}/{count} articles ({done / (time.monotonic() - started):.0f}/s)")
    return count, time.monotonic() - started

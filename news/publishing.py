"""Creating articles from code (demo content, imports) the way the admin does: a page in the
tree, a revision, and a publish through Wagtail's own action so signals, search indexing and
the audit log all happen."""

from django.utils.text import slugify
from wagtail.search import index

from .models import ArticleAuthor, ArticlePage, Author


def unique_slug(parent, title, taken=None):
    """A slug free among `parent`'s children. `taken` caches sibling slugs for bulk runs."""
    base = slugify(title)[:70].strip("-") or "article"
    if taken is None:
        taken = set(parent.get_children().values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


def create_article(section, *, title, authors=(), tags=(), publish=True, published_date=None, slug=None,
                   **fields):
    """Add an article under `section` as a draft, then publish it unless told not to.

    `published_date` backdates an archive or demo article: the dates Wagtail records for the
    first publication are set to it as well, so listings and feeds agree.
    """
    article = ArticlePage(
        title=title,
        slug=slug or unique_slug(section, title),
        live=False,
        published_date=published_date,
        article_authors=[ArticleAuthor(author=author, sort_order=i) for i, author in enumerate(authors)],
        **fields,
    )
    if tags:
        article.tags.add(*tags)
    section.add_child(instance=article)
    revision = article.save_revision()
    if publish:
        revision.publish()
        if published_date is not None:
            ArticlePage.objects.filter(pk=article.pk).update(
                first_published_at=published_date, last_published_at=published_date)
        article.refresh_from_db()
        if published_date is not None:
            index.insert_or_update_object(article)  # .update() sends no signal: reindex the dates
    return article


def author_by_name(name):
    """The author with this name, created (with a unique slug) when new."""
    author = Author.objects.filter(name=name).first()
    if author:
        return author
    base = slugify(name) or "author"
    slug, n = base, 2
    while Author.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return Author.objects.create(name=name, slug=slug)

"""Writing many live articles at once, below Wagtail's per-page save (the demo's bulk corpora, the
WordPress importer): the pieces both need."""

from django.db import connection
from wagtail.models import Page

from .models import ArticlePage


def insert_article_rows(articles):
    """INSERT the ArticlePage table rows (Django's bulk_create refuses multi-table inheritance)."""
    fields = ArticlePage._meta.local_concrete_fields
    table = connection.ops.quote_name(ArticlePage._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    rows = [[f.get_db_prep_save(f.pre_save(a, add=True), connection) for f in fields] for a in articles]
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", rows)


def next_child_step(section):
    """The tree-path step number the section's next child takes (after its last child)."""
    last = Page.objects.filter(path__startswith=section.path, depth=section.depth + 1).order_by("-path").first()
    return Page._str2int(last.path[-Page.steplen:]) + 1 if last else 1

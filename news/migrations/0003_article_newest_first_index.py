"""An index for the most common query of the site: live articles, newest first.

Listings order by published_date DESC NULLS LAST (see news.models.NEWEST_FIRST). PostgreSQL puts
NULLs first in a descending index, so it needs the NULLS LAST spelled out to use the index for
that order; SQLite sorts NULLs last in descending order already and rejects NULLS LAST in index
definitions. Django's Index cannot say "per database", hence SQL here.
"""

from django.db import migrations


def create_index(apps, schema_editor):
    order = "DESC NULLS LAST" if schema_editor.connection.vendor == "postgresql" else "DESC"
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS article_newest_first ON news_articlepage (published_date {order})")


def drop_index(apps, schema_editor):
    schema_editor.execute("DROP INDEX IF EXISTS article_newest_first")


class Migration(migrations.Migration):
    dependencies = [("news", "0002_editorial_roles")]

    operations = [migrations.RunPython(create_index, drop_index)]

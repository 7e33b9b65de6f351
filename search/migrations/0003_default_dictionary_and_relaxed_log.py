"""Synonyms start from Newsroom's abbreviation and alias dictionary; the query log counts searches
that no article fully matched (widened to most or some of the words)."""

from django.db import migrations, models

import search.models
import search.synonyms


def fill_empty_dictionary(apps, schema_editor):
    # A site that never wrote a rule gets the default dictionary; one that did keeps its own rules.
    SearchSettings = apps.get_model("search", "SearchSettings")
    SearchSettings.objects.filter(synonyms="").update(synonyms=search.synonyms.default_synonyms())


class Migration(migrations.Migration):
    dependencies = [("search", "0002_editor_permissions")]

    operations = [
        migrations.AlterField(
            model_name="searchsettings",
            name="synonyms",
            field=models.TextField(
                blank=True, default=search.synonyms.default_synonyms,
                help_text="One rule per line. “a, b, c” makes the words interchangeable; “a => b” searches for b "
                          "when readers type a. Write a form in capitals only when case matters: “WHO” then "
                          "matches the reader's WHO but not “who”. Lines starting with # are comments.",
                validators=[search.models.validate_synonyms]),
        ),
        migrations.AddField(
            model_name="searchquerylog",
            name="relaxed",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.RunPython(fill_empty_dictionary, migrations.RunPython.noop),
    ]

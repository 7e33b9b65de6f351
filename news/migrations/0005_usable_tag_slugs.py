"""Tags saved before news.tags gave every tag a usable slug: an emoji or "!!!" tag has an empty
(or "_1"-style) slug that no /tags/<slug>/ address can hold. Give them the same fallback."""

from django.db import migrations

from news.tags import fallback_slug, is_usable


def fix_slugs(apps, schema_editor):
    Tag = apps.get_model("taggit", "Tag")
    for tag in Tag.objects.all().only("id", "name", "slug"):
        if not is_usable(tag.slug):
            tag.slug = fallback_slug(tag.name)
            tag.save(update_fields=["slug"])


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0004_article_body_plain"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunPython(fix_slugs, migrations.RunPython.noop)]

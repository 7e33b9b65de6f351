"""Site settings belong to core now (core 0001 took over the model's state; the table is unchanged).
The navigation items point at it there, and its content type moves with it, so the permissions
granted on it (Editors may change Site settings, news 0002) still apply."""

import django.db.models.deletion
import modelcluster.fields
from django.db import migrations


def move_content_type(apps, schema_editor, old="home", new="core"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label=new, model="sitesettings").exists():
        ContentType.objects.filter(app_label=old, model="sitesettings").update(app_label=new)


def move_content_type_back(apps, schema_editor):
    move_content_type(apps, schema_editor, old="core", new="home")


class Migration(migrations.Migration):

    dependencies = [
        ("home", "0003_create_homepage"),
        ("core", "0001_initial"),
        ("news", "0002_editorial_roles"),  # it grants the permission on the old content type
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="navigationitem",
                    name="settings",
                    field=modelcluster.fields.ParentalKey(on_delete=django.db.models.deletion.CASCADE,
                                                          related_name="navigation_items", to="core.sitesettings"),
                ),
                migrations.DeleteModel(name="SiteSettings"),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]

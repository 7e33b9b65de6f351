"""Editors manage search: synonyms, promoted results, and the query log report.
(Administrators have every permission already.)"""

from django.db import migrations

PERMISSIONS = [
    ("search", "searchsettings", "change_searchsettings"),
    ("search", "searchquerylog", "view_searchquerylog"),
    ("wagtailsearchpromotions", "searchpromotion", "add_searchpromotion"),
    ("wagtailsearchpromotions", "searchpromotion", "change_searchpromotion"),
    ("wagtailsearchpromotions", "searchpromotion", "delete_searchpromotion"),
]


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    editors = Group.objects.filter(name="Editors").first()
    if editors is None:
        return
    for app_label, model, codename in PERMISSIONS:
        # Django creates permissions after migrations; on a fresh database make them as it would.
        content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
        permission, _ = Permission.objects.get_or_create(
            content_type=content_type, codename=codename,
            defaults={"name": f"Can {codename.replace('_', ' ')}"})
        editors.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_initial"),
        ("news", "0002_editorial_roles"),
        ("wagtailsearchpromotions", "0008_query_verbose_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]

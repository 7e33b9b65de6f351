"""Editors and Administrators see every draft link (Draft links in the admin menu) and may revoke any
of them. Creating a link needs no model permission: whoever can edit a page may share its draft."""

from django.db import migrations

PERMISSIONS = [("sharing", "draftlink", "view_draftlink"), ("sharing", "draftlink", "change_draftlink")]


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name__in=["Editors", "Administrators"]):
        for app_label, model, codename in PERMISSIONS:
            # Django creates permissions after migrations; on a fresh database make them as it would.
            content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
            permission, _ = Permission.objects.get_or_create(
                content_type=content_type, codename=codename,
                defaults={"name": f"Can {codename.split('_')[0]} draft link"})
            group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("sharing", "0001_initial"),
        ("news", "0002_editorial_roles"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]

"""Editors moderate comments, close them per article and section, and keep the blocklist.
(Administrators have every permission already.)"""

from django.db import migrations

PERMISSIONS = [("comment", "change_comment"), ("comment", "delete_comment"), ("comment", "view_comment")] + [
    (model, f"{action}_{model}")
    for model in ("commentrule", "blockedterm")
    for action in ("add", "change", "delete", "view")
]  # no add_comment: comments come from readers


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    editors = Group.objects.filter(name="Editors").first()
    if editors is None:
        return
    for model, codename in PERMISSIONS:
        # Django creates permissions after migrations; on a fresh database make them as it would.
        content_type, _ = ContentType.objects.get_or_create(app_label="comments", model=model)
        permission, _ = Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": f"Can {codename.replace('_', ' ')}"})
        editors.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0001_initial"),
        ("news", "0002_editorial_roles"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]

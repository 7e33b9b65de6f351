"""Editorial roles and the review workflow, created with the database so every environment
(including the test database) has them.

- Reporters: create articles and edit their own drafts, submit them for review; cannot publish.
- Editors: edit, publish, schedule, unpublish and lock any page under the home page; approve
  submissions in the "Editorial review" workflow.
- Administrators: every permission, including users and groups.

Wagtail's default "Moderators" group and "Moderators approval" workflow are retired in favour of
these, so the admin shows one clear set of roles.
"""

from django.db import migrations

PAGE_PERMISSIONS = {
    "Reporters": ["add_page"],
    "Editors": ["add_page", "change_page", "publish_page", "lock_page", "unlock_page", "bulk_delete_page"],
    "Administrators": ["add_page", "change_page", "publish_page", "lock_page", "unlock_page", "bulk_delete_page"],
}
COLLECTION_PERMISSIONS = {
    "Reporters": [("wagtailimages", "image", ["add", "choose"]), ("wagtaildocs", "document", ["add", "choose"])],
    "Editors": [("wagtailimages", "image", ["add", "change", "delete", "choose"]),
                ("wagtaildocs", "document", ["add", "change", "delete", "choose"])],
    "Administrators": [("wagtailimages", "image", ["add", "change", "delete", "choose"]),
                       ("wagtaildocs", "document", ["add", "change", "delete", "choose"])],
}
MODEL_PERMISSIONS = {
    "Reporters": [("wagtailadmin", "admin", "access_admin"), ("news", "author", "view_author")],
    "Editors": [("wagtailadmin", "admin", "access_admin"), ("news", "author", "view_author"),
                ("news", "author", "add_author"), ("news", "author", "change_author"),
                ("home", "sitesettings", "change_sitesettings")],
}


def get_permission(apps, app_label, model, codename):
    # Django makes permissions after migrations (post_migrate); on a fresh database they do not
    # exist yet, so make them here the way it would.
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename=codename,
        defaults={"name": f"Can {codename.replace('_', ' ')}"},
    )
    return permission


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Page = apps.get_model("wagtailcore", "Page")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    ContentType = apps.get_model("contenttypes", "ContentType")

    root = Page.objects.get(depth=1)
    home = Page.objects.get(depth=2, slug="home")
    root_collection = Collection.objects.get(depth=1)

    groups = {name: Group.objects.get_or_create(name=name)[0] for name in PAGE_PERMISSIONS}
    for name, group in groups.items():
        # Wagtail's default Editors group has rights on the root page; ours are on the home page.
        GroupPagePermission.objects.filter(group=group).delete()
        GroupCollectionPermission.objects.filter(group=group).delete()
        group.permissions.clear()
        for codename in PAGE_PERMISSIONS[name]:
            GroupPagePermission.objects.create(
                group=group, page=home if name != "Administrators" else root,
                permission=get_permission(apps, "wagtailcore", "page", codename))
        for app_label, model, actions in COLLECTION_PERMISSIONS[name]:
            for action in actions:
                GroupCollectionPermission.objects.create(
                    group=group, collection=root_collection,
                    permission=get_permission(apps, app_label, model, f"{action}_{model}"))
        for app_label, model, codename in MODEL_PERMISSIONS.get(name, []):
            group.permissions.add(get_permission(apps, app_label, model, codename))

    administrators = groups["Administrators"]
    administrators.permissions.add(get_permission(apps, "wagtailadmin", "admin", "access_admin"))
    for app_label, model in [("news", "author"), ("home", "sitesettings"), ("auth", "user"), ("auth", "group"),
                             ("wagtailcore", "site"), ("wagtailcore", "workflow"), ("wagtailcore", "task"),
                             ("wagtailredirects", "redirect")]:
        for action in ["add", "change", "delete", "view"]:
            administrators.permissions.add(get_permission(apps, app_label, model, f"{action}_{model}"))

    # Retire Wagtail's default moderation setup.
    Group.objects.filter(name="Moderators").delete()
    Workflow.objects.filter(name="Moderators approval").update(active=False)
    GroupApprovalTask.objects.filter(name="Moderators approval").update(active=False)
    WorkflowPage.objects.filter(page=root).delete()

    task_type, _ = ContentType.objects.get_or_create(app_label="wagtailcore", model="groupapprovaltask")
    task = GroupApprovalTask.objects.create(name="Editor approval", content_type=task_type, active=True)
    task.groups.set([groups["Editors"], groups["Administrators"]])
    workflow = Workflow.objects.create(name="Editorial review", active=True)
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.update_or_create(page=home, defaults={"workflow": workflow})


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0001_initial"),
        ("home", "0003_create_homepage"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailredirects", "0008_add_verbose_name_plural"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]

"""The editorial workflow through the real Wagtail admin: a reporter submits an article for review,
cannot publish it, and an editor's approval in the "Editorial review" workflow makes it live."""

from django.test import Client
from django.urls import reverse
from django.utils.text import slugify
from wagtail.models import TaskState, WorkflowState
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from news.blocks import PARAGRAPH_FEATURES
from news.models import ArticlePage
from tests.helpers import edit_url


def article_form_data(author, title, paragraph, *, action, author_link_id=None, **fields):
    """POST data as the admin's page form sends it: one byline author (the inline's min_num is 1),
    a one-paragraph StreamField body and the button that was pressed."""
    byline = {"author": str(author.pk)}
    if author_link_id is not None:  # editing: the existing inline row
        byline["id"] = str(author_link_id)
    data = nested_form_data({
        "title": title,
        "slug": slugify(title),  # the admin's JavaScript fills it in from the title
        "standfirst": "A short summary.",
        "article_authors": inline_formset([byline], initial=0 if author_link_id is None else 1, min=1),
        "lead_image": "",
        "lead_image_caption": "",
        "lead_image_credit": "",
        "body": streamfield([("paragraph", rich_text(f"<p>{paragraph}</p>", features=PARAGRAPH_FEATURES))]),
        "tags": "",
        "published_date": "",
        "updated_date": "",
        "seo_title": "",
        "search_description": "",
        "social_image": "",
        "go_live_at": "",
        "expire_at": "",
        "comments": inline_formset([]),
        **fields,
    })
    data[f"action-{action}"] = action
    return data


def add_url(section):
    return reverse("wagtailadmin_pages:add", args=["news", "articlepage", section.pk])


def form_errors(response):
    """The page form's errors when the admin re-renders the form instead of redirecting."""
    if response.context is None or "form" not in response.context:
        return ""
    form = response.context["form"]
    return {"form": form.errors, **{name: formset.errors for name, formset in form.formsets.items()}}


def submit_article(client, section, author, title="Harbour bridge reopens", paragraph="Traffic is flowing again."):
    response = client.post(add_url(section), article_form_data(author, title, paragraph, action="submit"))
    assert response.status_code == 302, form_errors(response)
    return ArticlePage.objects.child_of(section).get(title=title)


def test_roles_and_workflow_come_from_the_migration(home):
    state = home.get_workflow()
    assert state is not None and state.name == "Editorial review" and state.active
    [task] = [task.specific for task in state.tasks.all()]
    assert task.name == "Editor approval"
    assert sorted(task.groups.values_list("name", flat=True)) == ["Administrators", "Editors"]


def test_reporter_submits_and_cannot_publish_editor_approves(
        section, author, reporter, editor, reporter_client, editor_client):
    # 1. The reporter writes the article in the admin and submits it for review.
    page = submit_article(reporter_client, section, author)
    assert page.owner == reporter
    assert not page.live
    assert page.first_published_at is None
    submitted = page.get_latest_revision()
    assert submitted.user == reporter
    assert [link.author for link in page.get_latest_revision_as_object().article_authors.all()] == [author]

    workflow_state = WorkflowState.objects.for_instance(page).get()
    assert workflow_state.status == WorkflowState.STATUS_IN_PROGRESS
    assert workflow_state.workflow.name == "Editorial review"
    assert workflow_state.requested_by == reporter
    task_state = workflow_state.current_task_state
    assert task_state.status == TaskState.STATUS_IN_PROGRESS
    assert task_state.task.name == "Editor approval"
    assert task_state.revision_id == submitted.pk
    assert page.current_workflow_task.name == "Editor approval"

    # 2. The reporter may not publish: Wagtail's permission check says so ...
    reporter_perms = page.permissions_for_user(reporter)
    assert reporter_perms.can_edit()  # own page
    assert not reporter_perms.can_publish()
    # ... and pressing Publish on the edit view (a forged POST: the button is not offered) does not publish.
    revisions_before = page.revisions.count()
    reporter_client.post(
        edit_url(page),
        article_form_data(author, "Harbour bridge reopens", "Sneaky last-minute change.", action="publish",
                          author_link_id=page.article_authors.get().pk),
    )
    page.refresh_from_db()
    assert not page.live
    assert page.first_published_at is None
    # The page is locked to the reporter while it is in review: no new revision sneaks in.
    assert page.revisions.count() == revisions_before
    assert page.get_latest_revision().pk == submitted.pk
    workflow_state.refresh_from_db()
    assert workflow_state.status == WorkflowState.STATUS_IN_PROGRESS

    # 3. Nor may the reporter approve their own article.
    approve_url = reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "approve", task_state.pk])
    reporter_client.post(approve_url, {"comment": ""})  # Wagtail answers "permission denied" with a redirect
    page.refresh_from_db()
    assert not page.live
    task_state.refresh_from_db()
    assert task_state.status == TaskState.STATUS_IN_PROGRESS

    # 4. The editor approves it (with a comment) through the workflow action the admin posts to.
    response = editor_client.post(approve_url, {"comment": "Good to go."})
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.live
    assert page.first_published_at is not None
    assert page.published_date == page.first_published_at  # ArticlePage.save() fills it on first publish
    assert page.live_revision_id == submitted.pk  # exactly what the reporter submitted
    assert page.specific.body_text().strip() == "Traffic is flowing again."
    task_state.refresh_from_db()
    assert task_state.status == TaskState.STATUS_APPROVED
    assert task_state.finished_by == editor
    assert task_state.get_comment() == "Good to go."
    workflow_state.refresh_from_db()
    assert workflow_state.status == WorkflowState.STATUS_APPROVED
    assert not page.workflow_in_progress

    # The public site serves it now.
    assert Client().get(page.url).status_code == 200


def test_reporter_publish_only_saves_a_draft_and_an_editor_publishes_it(
        section, author, reporter, editor, reporter_client, editor_client):
    # Publish pressed on the add view: Wagtail falls back to saving a draft.
    reporter_client.post(
        add_url(section), article_form_data(author, "Council budget leaked", "Figures obtained.", action="publish"))
    page = ArticlePage.objects.child_of(section).get(title="Council budget leaked")
    assert not page.live
    assert page.get_latest_revision().user == reporter
    assert not page.workflow_in_progress  # a draft, not even submitted
    assert not page.permissions_for_user(reporter).can_publish()

    # Publish pressed on the edit view of the (unlocked) draft: the change is saved, still not published.
    author_link_id = page.article_authors.get().pk
    reporter_client.post(edit_url(page), article_form_data(
        author, "Council budget leaked", "Figures obtained and checked.", action="publish",
        author_link_id=author_link_id))
    page.refresh_from_db()
    assert not page.live
    assert page.first_published_at is None
    assert page.has_unpublished_changes
    draft = page.get_latest_revision()
    assert draft.user == reporter
    assert draft.as_object().body_text().strip() == "Figures obtained and checked."

    # The same form posted by an editor publishes it.
    editor_client.post(edit_url(page), article_form_data(
        author, "Council budget leaked", "Figures obtained and checked.", action="publish",
        author_link_id=author_link_id))
    page.refresh_from_db()
    assert page.live
    assert not page.has_unpublished_changes
    assert page.live_revision.user == editor
    assert page.specific.body_text().strip() == "Figures obtained and checked."


def test_reporter_is_not_offered_publish_but_editor_is(section, author, reporter_client, editor_client):
    page = submit_article(reporter_client, section, author)
    reporter_page = reporter_client.get(edit_url(page))
    assert reporter_page.status_code == 200
    assert 'name="action-publish"' not in reporter_page.content.decode()
    assert 'data-workflow-action-name="approve"' not in reporter_page.content.decode()

    editor_page = editor_client.get(edit_url(page))
    assert editor_page.status_code == 200
    body = editor_page.content.decode()
    assert 'name="action-publish"' in body
    # The editor is offered the workflow's actions on the article in review.
    assert 'data-workflow-action-name="approve"' in body
    assert 'data-workflow-action-name="reject"' in body


def test_editor_can_publish_directly(section, author, editor, editor_client):
    response = editor_client.post(
        add_url(section), article_form_data(author, "Storm warning issued", "Gales expected.", action="publish"))
    assert response.status_code == 302
    page = ArticlePage.objects.child_of(section).get(title="Storm warning issued")
    assert page.live
    assert page.live_revision.user == editor
    assert not page.has_unpublished_changes
    assert page.permissions_for_user(editor).can_publish()

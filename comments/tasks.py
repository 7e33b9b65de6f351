"""Telling an article's authors about a newly published comment, by email, from the task queue (never in
the reader's request: SMTP is slow and may be down)."""

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django_tasks import task

from .models import Comment

logger = logging.getLogger(__name__)


@task()
def notify_authors(comment_id):
    comment = Comment.objects.select_related("article").filter(pk=comment_id, status=Comment.Status.APPROVED).first()
    if comment is None:  # removed again before the worker got to it
        return 0
    article = comment.article
    recipients = sorted({author.email for author in article.authors if author.email})
    if not recipients:
        return 0
    context = {"comment": comment, "article": article, "site_name": settings.WAGTAIL_SITE_NAME,
               "article_url": article.get_full_url()}
    subject = render_to_string("comments/email/new_comment_subject.txt", context).strip()
    body = render_to_string("comments/email/new_comment_body.txt", context)
    # The commenter's address is not in the mail: readers are told it is never shown.
    EmailMessage(subject, body, to=recipients).send()
    return len(recipients)

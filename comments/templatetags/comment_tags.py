"""The article page's comments: {% comment_count page %} in the byline, {% comments_for page %} below
the article. Both render nothing for a preview, a draft link, or an article readers may not see (then
not even a count: comments.rules). The article page template loads this library; the news app's code
knows nothing of comments."""

from django import template
from django.db.models import Prefetch

from .. import rules
from ..forms import CommentForm
from ..models import Comment
from ..screening import form_token
from ..text import render_comment_text

register = template.Library()


def comment_status(context, page):
    request = context.get("request")
    if page is None or getattr(page, "pk", None) is None or context.get("draft_preview") \
            or getattr(request, "is_preview", False):
        return None
    status = getattr(page, "_comment_status", None)
    if status is None:
        status = page._comment_status = rules.status(page)
    return status if status.shown else None


def reader_comments(page):
    comments = getattr(page, "_reader_comments", None)
    if comments is None:
        replies = Comment.objects.for_readers(page).exclude(parent__isnull=True).order_by("created_at", "pk")
        comments = page._reader_comments = list(
            Comment.objects.for_readers(page).filter(parent__isnull=True).order_by("created_at", "pk")
            .prefetch_related(Prefetch("replies", queryset=replies, to_attr="reader_replies")))
    return comments


def count(comments):
    return sum(1 + len(comment.reader_replies) for comment in comments)


@register.inclusion_tag("comments/count.html", takes_context=True)
def comment_count(context, page):
    status = comment_status(context, page)
    return {"shown": status is not None, "count": count(reader_comments(page)) if status else 0}


@register.inclusion_tag("comments/section.html", takes_context=True)
def comments_for(context, page):
    status = comment_status(context, page)
    if status is None:
        return {"shown": False}
    comments = reader_comments(page)
    return {"shown": True, "open": status.open, "article": page, "comments": comments,
            "count": count(comments), "form": CommentForm(article=page), "token": form_token(page.pk)}


@register.filter
def comment_html(text):
    return render_comment_text(text)

"""Posting a comment, from the article page (cached: see why there is no CSRF token below) or from the
reply and error pages. Works without JavaScript (a page as the answer); comments.js sends the same form
with fetch and asks for JSON instead."""

from urllib.parse import urlsplit

from django.conf import settings
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from news.models import ArticlePage

from . import rules, screening
from .forms import TOKEN_MESSAGES, CommentForm
from .models import Comment

MAX_ID = 2**31 - 1  # page ids are PostgreSQL integers

POSTED = {
    Comment.Status.APPROVED: "Thank you. Your comment is published.",
    # Held, or marked spam: the same words, so a spammer cannot tell which.
    Comment.Status.PENDING: "Thank you. Your comment is awaiting moderation and will appear once an editor "
                            "has approved it.",
}
DUPLICATE = "You have already posted this comment."


def wants_json(request):
    return "application/json" in request.headers.get("Accept", "")


def same_origin(request):
    """A browser sends Origin with every cross-site POST (Referer when it sends no Origin): a post from
    another site's page is refused. Scripts outside a browser can send anything, but they could post
    the form directly anyway."""
    origin = request.headers.get("Origin") or request.headers.get("Referer")
    if not origin:
        return True
    parts = urlsplit(origin)
    trusted = {urlsplit(url).netloc for url in settings.CSRF_TRUSTED_ORIGINS}
    return parts.netloc == request.get_host() or parts.netloc in trusted


def readable_article(article_id):
    if article_id > MAX_ID:
        raise Http404("No such article")
    article = get_object_or_404(ArticlePage, pk=article_id)
    # exact: another process's new view restriction counts at once, not after its purge arrives.
    status = rules.status(article, exact=True)
    if not status.shown:
        raise Http404("No comments here")
    return article, status


def form_page(request, article, form, status=200, parent=None, message=""):
    response = render(request, "comments/form_page.html", {
        "article": article, "form": form, "parent": parent, "message": message,
        "token": screening.form_token(article.pk)}, status=status)
    response["X-Robots-Tag"] = "noindex"
    return response


def answer(request, article, *, status_code, form=None, message="", comment=None, parent=None):
    if wants_json(request):
        errors = {name: list(messages) for name, messages in form.errors.items()} if form is not None else {}
        if message and status_code >= 400:
            errors.setdefault("__all__", []).append(message)
        return JsonResponse({"ok": status_code < 400, "message": message, "errors": errors,
                             "token": screening.form_token(article.pk),
                             "status": comment.status if comment is not None and comment.shown_to_readers
                             else ("pending" if comment is not None else None)}, status=status_code)
    if status_code >= 400 and form is not None:
        return form_page(request, article, form, status=status_code, parent=parent, message=message)
    return render(request, "comments/posted.html", {"article": article, "message": message, "comment": comment},
                  status=status_code)


# No CSRF token: the form is on the article page, which the page cache keeps for every reader, and a
# per-reader token would take every article out of the cache. What a forged post could do is what the
# forger can do by posting directly: the view uses no session, login or cookie (a signed-in editor's
# comment is a reader's like any other, held or approved by the same rules), and browsers' cross-site
# posts are refused by their Origin (same_origin). Every other form keeps Django's CSRF protection.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def post_comment(request, article_id):
    article, status = readable_article(article_id)
    if not status.open:
        return render(request, "comments/closed.html", {"article": article}, status=403)
    if request.method != "POST":
        return form_page(request, article, CommentForm(article=article))
    if not same_origin(request):
        return render(request, "comments/closed.html", {"article": article, "refused": True}, status=403)
    form = CommentForm(request.POST, article=article)
    if form.honeypot_filled:
        # A bot: answered as if held, so it learns nothing; nothing is kept.
        return answer(request, article, status_code=200, message=POSTED[Comment.Status.PENDING])
    if screening.COMMENT_POSTS.blocked(request, "post"):
        response = answer(request, article, status_code=429, form=form,
                          message="You have posted a lot of comments in the last hour. Please try again later.")
        response["Retry-After"] = "3600"
        return response
    if not form.is_valid():
        return answer(request, article, status_code=400, form=form, parent=form.data.get("parent"))
    data = form.cleaned_data
    problem = screening.token_problem(data["token"], article.pk)
    if problem:
        return answer(request, article, status_code=400, form=form, parent=data["parent"],
                      message=TOKEN_MESSAGES[problem])
    client = screening.client_hash(request)
    if screening.is_duplicate(article, data["text"], data["email"], client):
        return answer(request, article, status_code=400, form=form, parent=data["parent"], message=DUPLICATE)
    state, reason = screening.decide(data["name"], data["email"], data["text"])
    comment = Comment.objects.create(article=article, parent=data["parent"], name=data["name"], email=data["email"],
                                     text=data["text"], status=state, held_because=reason, client_digest=client)
    screening.COMMENT_POSTS.count(request, "post")
    message = POSTED[Comment.Status.APPROVED if comment.shown_to_readers else Comment.Status.PENDING]
    return answer(request, article, status_code=201 if wants_json(request) else 200, message=message,
                  comment=comment)


@never_cache
@require_safe
def reply(request, article_id, comment_id):
    """The reply form on a page of its own, for readers without JavaScript (with it, the article's
    own form moves under the comment)."""
    article, status = readable_article(article_id)
    parent = Comment.objects.for_readers(article).filter(pk=comment_id, parent__isnull=True).first()
    if parent is None:
        raise Http404("No such comment")
    if not status.open:
        return render(request, "comments/closed.html", {"article": article}, status=403)
    return form_page(request, article, CommentForm(article=article, initial={"parent": parent.pk}), parent=parent)

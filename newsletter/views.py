"""Newsletter signup with double opt-in: subscribe, confirm, unsubscribe. Works without JavaScript."""

from django.conf import settings
from django.core import signing
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from security.throttle import NEWSLETTER_SIGNUP

from .forms import SubscribeForm
from .models import CONFIRM_MAX_AGE, Subscriber
from .tasks import handle_signup

INVALID_LINK = (
    "Link not valid",
    "This link is not valid. Check that you copied the whole address from the email.",
)


def base_url_for(request):
    return (getattr(settings, "NEWSLETTER_BASE_URL", "") or request.build_absolute_uri("/")).rstrip("/")


def result(request, heading, message, status=200, show_signup=False, **extra):
    response = render(request, "newsletter/result.html",
                      {"heading": heading, "message": message, "show_signup": show_signup, **extra}, status=status)
    return private(response)


def private(response):
    """Pages reached through a token link: the token must not leak through Referer or search engines."""
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response


# No CSRF token: the signup form is in every page's footer, and a per-reader token would keep every
# page out of the page cache and CDNs (and set a cookie on every reader). A forged cross-site signup
# can do no more than the forger could do directly: send one confirmation mail (rate-limited per
# address), which subscribes nobody until its link is followed.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def subscribe(request):
    if request.method != "POST":
        return render(request, "newsletter/subscribe.html", {"form": SubscribeForm()})
    if NEWSLETTER_SIGNUP.blocked(request, "signup"):
        response = result(request, "Too many signups",
                          "Too many signups have come from your network in the last hour. Please try again later.",
                          status=429)
        response["Retry-After"] = str(NEWSLETTER_SIGNUP.seconds())
        return response
    form = SubscribeForm(request.POST)
    if not form.is_valid():
        return render(request, "newsletter/subscribe.html", {"form": form}, status=400)
    email = form.cleaned_data["email"]
    NEWSLETTER_SIGNUP.count(request, "signup")
    # The same work whatever the address (see newsletter.tasks): its timing tells nothing either.
    handle_signup.enqueue(email, base_url_for(request))
    # The same answer whether the address is new, pending, confirmed or unsubscribed.
    return result(
        request,
        "Check your inbox to confirm",
        f"If {email} is not subscribed yet, we have sent it an email with a link to confirm your subscription. "
        f"The link works for {CONFIRM_MAX_AGE.days} days. Nothing arrived? Check your spam folder.",
    )


@never_cache
@require_safe
def confirm(request, token):
    try:
        subscriber = Subscriber.from_confirm_token(token)
    except signing.SignatureExpired:
        return result(request, "Link expired",
                      "This confirmation link has expired. Sign up again and we will send you a new one.",
                      status=400, show_signup=True)
    except (signing.BadSignature, Subscriber.DoesNotExist):
        return result(request, *INVALID_LINK, status=404, show_signup=True)
    if subscriber.status == Subscriber.Status.UNSUBSCRIBED:
        # An old confirm link must not undo an unsubscribe; signing up again sends a fresh one.
        return result(request, "Link no longer valid",
                      "You have unsubscribed since this link was sent. Sign up again to resubscribe.",
                      status=400, show_signup=True)
    # Idempotent: a second click (or a mail scanner's fetch) finds it confirmed and changes nothing.
    Subscriber.objects.filter(pk=subscriber.pk, status=Subscriber.Status.PENDING).update(
        status=Subscriber.Status.CONFIRMED, confirmed_at=timezone.now())
    return result(request, "You're subscribed", "Thank you for confirming. The next newsletter is on its way to you.")


# No CSRF token: the signed token in the address is what authorises the request, and mail providers'
# one-click unsubscribe (RFC 8058, List-Unsubscribe-Post) POSTs here with no cookie or form token.
# GET only shows the button, so link scanners and prefetchers never unsubscribe anyone.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token):
    try:
        subscriber = Subscriber.from_unsubscribe_token(token)
    except (signing.BadSignature, Subscriber.DoesNotExist):
        return result(request, *INVALID_LINK, status=404)
    if request.method == "POST":
        Subscriber.objects.filter(pk=subscriber.pk).exclude(status=Subscriber.Status.UNSUBSCRIBED).update(
            status=Subscriber.Status.UNSUBSCRIBED, unsubscribed_at=timezone.now())
        return result(request, "You're unsubscribed",
                      f"We won't send the newsletter to {subscriber.email} any more.")
    if subscriber.status == Subscriber.Status.UNSUBSCRIBED:
        return result(request, "You're unsubscribed", f"{subscriber.email} no longer receives the newsletter.")
    return private(render(request, "newsletter/unsubscribe.html", {"subscriber": subscriber}))

"""Response headers: the ones Django has no setting for, and django-csp's built once per process."""

import csp.middleware
from csp.constants import HEADER, HEADER_REPORT_ONLY
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver


class PermissionsPolicyMiddleware:
    """Permissions-Policy: the browser features no page of ours uses (camera, microphone…), turned
    off for the page and anything it embeds. Placed outside the page cache, like the other security
    headers, so a cached page carries the current value."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.PERMISSIONS_POLICY and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = settings.PERMISSIONS_POLICY
        return response


class CSPMiddleware(csp.middleware.CSPMiddleware):
    """django-csp's middleware, with the header built once per process.

    django-csp builds the policy from settings for every response: ~140 µs of a ~400 µs page-cache
    hit (cProfile, in-process). Ours has no nonces (a cached page would replay one to every reader)
    and no per-view policies, so the header is the same on every reader's response: the library
    builds it for the first such response, and later ones get a copy. Anything else — a nonce, a
    view's @csp_update or @csp_exempt, an excluded prefix (the admin), DEBUG — takes the library's
    own path. A settings change in tests drops the copy (setting_changed); in production the
    settings change only with a restart."""

    PER_RESPONSE = ("_csp_config", "_csp_update", "_csp_replace", "_csp_exempt",
                    "_csp_config_ro", "_csp_update_ro", "_csp_replace_ro", "_csp_exempt_ro")
    built = None  # {header: value}, for every instance of this process

    def process_response(self, request, response):
        excluded = tuple(prefix for name in ("CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY")
                         for prefix in (getattr(settings, name, None) or {}).get("EXCLUDE_URL_PREFIXES") or ())
        if (settings.DEBUG or getattr(request, "_csp_nonce", None) is not None
                or any(hasattr(response, name) for name in self.PER_RESPONSE)
                or request.path_info.startswith(excluded)
                or any(header in response for header in (HEADER, HEADER_REPORT_ONLY))):
            return super().process_response(request, response)
        if CSPMiddleware.built is None:
            response = super().process_response(request, response)
            CSPMiddleware.built = {header: response[header] for header in (HEADER, HEADER_REPORT_ONLY)
                                   if header in response}
            return response
        for header, value in CSPMiddleware.built.items():
            response[header] = value
        # As the library does: a nonce asked for after the header is written is an error, not a
        # nonce the header lacks.
        request.csp_nonce = csp.middleware.CheckableLazyObject(self._csp_nonce_post_response)
        return response


@receiver(setting_changed)
def _forget_built_policy(setting, **kwargs):
    if setting.startswith("CONTENT_SECURITY_POLICY") or setting == "DEBUG":
        CSPMiddleware.built = None

from django.conf import settings
from django.core.checks import Warning, register


@register()
def cached_pages_outlive_signed_media_urls(app_configs, **kwargs):
    """Private S3 media is linked with signed URLs that expire: a cached page must expire first, or
    readers get its images as 403s."""
    if not getattr(settings, "AWS_STORAGE_BUCKET_NAME", "") or not getattr(settings, "AWS_QUERYSTRING_AUTH", False):
        return []
    lifetime = settings.AWS_QUERYSTRING_EXPIRE
    at_the_edge = settings.CACHE_CONTROL_S_MAXAGE + settings.CACHE_CONTROL_STALE_WHILE_REVALIDATE
    longest = max(settings.PAGE_CACHE_SECONDS, at_the_edge)
    if longest < lifetime:
        return []
    return [Warning(f"Cached pages may be served for {longest} s, but signed media URLs expire after {lifetime} s.",
                    hint="Lower PAGE_CACHE_SECONDS / CACHE_CONTROL_S_MAXAGE, raise AWS_QUERYSTRING_EXPIRE, or put "
                         "a CDN in front of the bucket (AWS_S3_CUSTOM_DOMAIN: unsigned URLs).",
                    id="pagecache.W001")]

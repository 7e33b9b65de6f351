"""Settings every app reads: the site's name, logo, social links and footer (Settings → Site settings)."""

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting


def validate_link(value):
    """An address on this site ("/about/privacy/") or on the web ("https://…")."""
    if value.startswith("/") and not value.startswith("//"):
        if any(c.isspace() for c in value):
            raise ValidationError("An address on this site has no spaces, e.g. /about/privacy/.")
        return
    URLValidator(schemes=["http", "https"])(value)


@register_setting(icon="site")
class SiteSettings(BaseSiteSetting, ClusterableModel):
    """Settings > Site settings: name, logo, social links, footer and section navigation (the
    navigation items are home's: they name sections)."""

    site_name = models.CharField(max_length=80, default="Newsroom")
    tagline = models.CharField(max_length=160, blank=True)
    logo = models.ForeignKey("wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    footer_text = models.TextField(blank=True, default="Independent news, published with Newsroom.")
    x_url = models.URLField("X (Twitter)", blank=True)
    facebook_url = models.URLField("Facebook", blank=True)
    instagram_url = models.URLField("Instagram", blank=True)
    youtube_url = models.URLField("YouTube", blank=True)
    linkedin_url = models.URLField("LinkedIn", blank=True)
    privacy_url = models.CharField("Privacy policy", max_length=300, blank=True, validators=[validate_link],
                                   help_text="An address on this site (/about/privacy/) or elsewhere (https://…).")
    terms_url = models.CharField("Terms of use", max_length=300, blank=True, validators=[validate_link],
                                 help_text="An address on this site (/about/terms/) or elsewhere (https://…).")

    panels = [
        MultiFieldPanel([FieldPanel("site_name"), FieldPanel("tagline"), FieldPanel("logo")], heading="Identity"),
        InlinePanel("navigation_items", label="Section", heading="Section navigation",
                    help_text="The sections in the header menu, in this order. Empty: every top-level section."),
        MultiFieldPanel([FieldPanel("x_url"), FieldPanel("facebook_url"), FieldPanel("instagram_url"),
                         FieldPanel("youtube_url"), FieldPanel("linkedin_url")], heading="Social links"),
        MultiFieldPanel([FieldPanel("footer_text"), FieldPanel("privacy_url"), FieldPanel("terms_url")],
                        heading="Footer"),
    ]

    class Meta:
        verbose_name = "Site settings"
        db_table = "home_sitesettings"  # where it was created, when it belonged to home

    @property
    def social_links(self):
        links = [("X", self.x_url), ("Facebook", self.facebook_url), ("Instagram", self.instagram_url),
                 ("YouTube", self.youtube_url), ("LinkedIn", self.linkedin_url)]
        return [(label, url) for label, url in links if url]

    @property
    def legal_links(self):
        links = [("Privacy policy", self.privacy_url), ("Terms of use", self.terms_url)]
        return [(label, url) for label, url in links if url]

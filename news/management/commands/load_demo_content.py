"""Demo content for `make run`: a handful of published articles under the home page.

Idempotent: articles are keyed by title, so a second run adds nothing. The content-model issue
replaces this with a seeded generator for a whole newsroom.
"""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from home.models import HomePage
from news.models import ArticlePage

DEMO_ARTICLES = [
    ("Parliament passes landmark climate bill after marathon session",
     "Lawmakers approved binding emissions targets in a late-night vote.",
     "The bill commits the country to cutting emissions by half within a decade. Opposition members "
     "argued the timetable was unrealistic, while campaigners welcomed the vote."),
    ("Central bank holds interest rates as inflation cools",
     "Policymakers signalled cuts could come early next year.",
     "The decision was unanimous. Economists said slowing price rises in energy and food gave the "
     "bank room to wait, though wage growth remains strong."),
    ("Underdogs stun champions in cup semi-final",
     "A stoppage-time header sealed one of the season's biggest upsets.",
     "The visitors had not won at the stadium in twelve years. Their goalkeeper made nine saves "
     "before the late winner sent the travelling fans into raptures."),
    ("Heatwave warning issued for southern regions",
     "Temperatures are expected to top 38C by the weekend.",
     "Health officials urged people to check on elderly neighbours and avoid the midday sun. Water "
     "companies asked customers to use hosepipes sparingly."),
    ("New vaccine shows promise against seasonal flu strains",
     "Early trial results suggest protection lasts longer than current shots.",
     "Researchers enrolled four thousand volunteers across three countries. The vaccine targets a "
     "part of the virus that changes little from year to year."),
    ("Tech giants face new rules on app store fees",
     "Regulators want developers to be able to offer their own payment systems.",
     "The proposal would cap commission on in-app purchases and require companies to allow "
     "alternative stores. Industry groups said they would study the details."),
    ("Film festival opens with a record number of debut directors",
     "Organisers said the line-up reflects a new generation of storytellers.",
     "More than a third of the films in competition are first features. The opening night gala "
     "premiered a documentary about a fishing village facing rising seas."),
    ("European leaders meet to discuss energy security",
     "The summit aims to agree on joint gas purchasing before winter.",
     "Diplomats said a deal on storage targets was close, but disagreements remain over price caps "
     "and how to share supplies in an emergency."),
]


class Command(BaseCommand):
    help = "Load a handful of demo articles (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        home = HomePage.objects.first()
        if home is None:
            self.stderr.write("No home page: run migrations first.")
            return
        now = timezone.now()
        created = 0
        for days_ago, (title, standfirst, body) in enumerate(DEMO_ARTICLES):
            if ArticlePage.objects.filter(title=title).exists():
                continue
            article = ArticlePage(title=title, standfirst=standfirst, body=f"<p>{body}</p>")
            home.add_child(instance=article)
            article.save_revision().publish()
            # Spread the demo over recent days so "latest" has an order.
            published = now - timedelta(days=days_ago, hours=days_ago * 3)
            ArticlePage.objects.filter(pk=article.pk).update(first_published_at=published)
            created += 1
        self.stdout.write(f"{created} demo articles created, {len(DEMO_ARTICLES) - created} already there")

"""Site settings move here from home: the model's state only; its table stays home_sitesettings."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("home", "0003_create_homepage"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailimages", "0027_image_description"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="SiteSettings",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                                   verbose_name="ID")),
                        ("site_name", models.CharField(default="Newsroom", max_length=80)),
                        ("tagline", models.CharField(blank=True, max_length=160)),
                        ("footer_text", models.TextField(blank=True,
                                                         default="Independent news, published with Newsroom.")),
                        ("x_url", models.URLField(blank=True, verbose_name="X (Twitter)")),
                        ("facebook_url", models.URLField(blank=True, verbose_name="Facebook")),
                        ("instagram_url", models.URLField(blank=True, verbose_name="Instagram")),
                        ("youtube_url", models.URLField(blank=True, verbose_name="YouTube")),
                        ("linkedin_url", models.URLField(blank=True, verbose_name="LinkedIn")),
                        ("logo", models.ForeignKey(blank=True, null=True,
                                                   on_delete=django.db.models.deletion.SET_NULL,
                                                   related_name="+", to="wagtailimages.image")),
                        ("site", models.OneToOneField(editable=False, on_delete=django.db.models.deletion.CASCADE,
                                                      to="wagtailcore.site")),
                    ],
                    options={"verbose_name": "Site settings", "db_table": "home_sitesettings"},
                ),
            ],
            database_operations=[],
        ),
    ]

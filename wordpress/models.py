"""What an import remembers between runs, so a re-run updates instead of duplicating.

An imported article is found again by its external id (news.ArticlePage.external_id, as for the JSON
Lines importer: "wordpress:<site>:<post id>"); what it was built from is kept here, so a re-run can
tell an unchanged post (nothing written) from an edited one (a new revision). Images are found again
by their file in the uploads folder.
"""

from django.db import models


class ImportedPost(models.Model):
    page = models.OneToOneField("news.ArticlePage", on_delete=models.CASCADE, primary_key=True,
                                related_name="+")
    # A hash of everything the article was built from (wordpress.importer.fingerprint).
    fingerprint = models.CharField(max_length=64)

    def __str__(self):
        return f"{self.page_id}: {self.fingerprint[:12]}"


class ImportedImage(models.Model):
    source = models.CharField(max_length=200, help_text="The WordPress site (wp:base_site_url, no scheme).")
    path = models.CharField(max_length=500, help_text="The file's path inside wp-content/uploads/.")
    image = models.ForeignKey("wagtailimages.Image", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "path"], name="wordpress_image_once_per_file")]

    def __str__(self):
        return f"{self.source}: {self.path}"


class ImportedComment(models.Model):
    """A WordPress comment already imported: a re-run leaves it (and what moderators did) as it is."""

    source = models.CharField(max_length=200, help_text="The WordPress site (wp:base_site_url, no scheme).")
    wp_id = models.CharField(max_length=20, help_text="wp:comment_id")
    comment = models.OneToOneField("comments.Comment", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "wp_id"], name="wordpress_comment_once")]

    def __str__(self):
        return f"{self.source}: comment {self.wp_id}"

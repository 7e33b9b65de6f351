"""Pictures from the old site's wp-content/uploads folder, copied over by hand: nothing is downloaded.

A picture is found by its attachment (the id in a featured image, a gallery, a wp-image-12 class) or
by its address (an <img src> inside wp-content/uploads/). WordPress puts resized copies in posts
(photo-1024x768.jpg, photo-scaled.jpg): the original file is imported instead, once, and Wagtail
makes the sizes it needs from it. Alt text comes from the <img> or, failing that, the attachment
(_wp_attachment_image_alt), and is kept as the image's description.
"""

import html
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from django.core.files.images import ImageFile
from wagtail.images import get_image_model
from wagtail.models import Collection

from news.importer import RecordError, check_image_size

from .models import ImportedImage

UPLOADS_MARKER = "/wp-content/uploads/"
_RESIZED = re.compile(r"-(?:\d+x\d+|scaled|rotated)(?=\.[A-Za-z0-9]+$)")


@dataclass
class Attachment:
    post_id: str
    path: str  # inside the uploads folder
    title: str = ""
    alt: str = ""
    caption: str = ""
    parent: str = ""
    link: str = ""
    menu_order: int = 0


def uploads_path(url):
    """'https://old.example/wp-content/uploads/2019/03/a.jpg' → '2019/03/a.jpg'; None elsewhere."""
    path = unquote(urlsplit(url or "").path)
    return path.split(UPLOADS_MARKER, 1)[1] if UPLOADS_MARKER in path else None


def original(path):
    """'2019/03/photo-1024x768.jpg' → '2019/03/photo.jpg' (and -scaled, -rotated)."""
    return _RESIZED.sub("", path)


def attachment_from(item):
    path = item.meta.get("_wp_attached_file", "").strip() or uploads_path(item.attachment_url) or ""
    return Attachment(post_id=item.post_id, path=path.lstrip("/"), title=html.unescape(item.title),
                      alt=item.meta.get("_wp_attachment_image_alt", "").strip(),
                      caption=html.unescape(re.sub(r"<[^>]+>", "", item.excerpt)).strip(),
                      parent=item.parent, link=item.link, menu_order=item.menu_order)


class Uploads:
    def __init__(self, root, source, attachments):
        self.root = Path(root).resolve()
        self.source = source
        self.attachments = attachments  # WordPress post id -> Attachment
        self.by_path = {}
        for attachment in attachments.values():
            self.by_path.setdefault(attachment.path, attachment)
            self.by_path.setdefault(original(attachment.path), attachment)
        self.known = dict(ImportedImage.objects.filter(source=source).values_list("path", "image_id"))
        self.created = []  # (path, Image) made by this run, so a failed item's files can be removed
        self.collection_id = None

    def image_for(self, attachment_id, src, alt, missing):
        """(image id, alt text) for an attachment id or an <img src>, or None after adding
        (what, why) to `missing`."""
        attachment = self.attachments.get(attachment_id) if attachment_id else None
        if attachment is None and src:
            path = uploads_path(src)
            if path is None:
                missing.append((src, "not in wp-content/uploads (nothing is downloaded)"))
                return None
            attachment = self.by_path.get(path) or self.by_path.get(original(path))
            if attachment is None:  # a file no attachment describes: imported as it is
                image_id = self.load([path, original(path)], "", alt, missing)  # titled after its file
                return (image_id, alt) if image_id else None
        if attachment is None:
            missing.append((f"attachment {attachment_id}", "not in the export"))
            return None
        # The image's own description is the attachment's alt text; this use of it may say more.
        image_id = self.load([attachment.path, original(attachment.path)], attachment.title,
                             attachment.alt or alt, missing)
        return (image_id, alt or attachment.alt) if image_id else None

    def load(self, paths, title, alt, missing):
        for path in dict.fromkeys(p for p in paths if p):
            if path in self.known:
                return self.known[path]
            file_path = (self.root / path).resolve()
            if PurePosixPath(path).is_absolute() or not file_path.is_relative_to(self.root):
                missing.append((path, "outside the uploads folder"))
                return None
            if file_path.is_file():
                image = self._create(file_path, path, title or file_path.stem, alt, missing)
                return image.pk if image else None
        missing.append((paths[0], "file not found in the uploads folder"))
        return None

    def _create(self, file_path, path, title, alt, missing):
        Image = get_image_model()
        if self.collection_id is None:
            self.collection_id = Collection.get_first_root_node().pk  # where Wagtail puts new images
        try:
            check_image_size(file_path, path)
            with open(file_path, "rb") as handle:
                image = Image(title=title[:255], description=alt[:255], file=ImageFile(handle, name=file_path.name),
                              collection_id=self.collection_id)
                # Written without save()'s signals: the batch's images are indexed together
                # (wordpress.bulk.index_new_images) instead of a search request each.
                Image.objects.bulk_create([image])
        except RecordError as exc:
            missing.append((path, str(exc)))
            return None
        except OSError as exc:  # includes Willow's UnrecognisedImageFormatError
            missing.append((path, f"cannot be read as an image: {exc}"))
            return None
        self.known[path] = image.pk  # its ImportedImage row is written with the batch (record_created)
        self.created.append((path, image))
        return image

    def record_created(self):
        """Remember the batch's new pictures for later runs: their ImportedImage rows, one INSERT."""
        ImportedImage.objects.bulk_create([ImportedImage(source=self.source, path=path, image=image)
                                           for path, image in self.created])

    def forget_since(self, mark):
        """An item failed and its rows were rolled back: remove the files its images wrote."""
        for path, image in self.created[mark:]:
            image.file.delete(save=False)
            self.known.pop(path, None)
        del self.created[mark:]

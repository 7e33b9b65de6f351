"""Static files in production: WhiteNoise's compressed, hashed storage, each file's URL worked out once.

Every page asks for five static URLs ({% static %}); the manifest storage works each one out afresh
(name cleaning, manifest lookup, URL quoting and joining): ~0.05 ms each, ~8% of a rendered article's
CPU (cProfile). The manifest is read once when the process starts and never changes while it runs
(collectstatic goes with a deploy, which restarts the workers), so neither does a file's URL."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls = {}

    def url(self, name, force=False):
        if force:
            return super().url(name, force)
        url = self._urls.get(name)
        if url is None:  # a name missing from the manifest raises, as it always did: nothing kept
            url = self._urls[name] = super().url(name)
        return url

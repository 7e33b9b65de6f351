"""Settings for building `make bench`'s cached corpora only (the benchmark itself serves with
newsroom.settings.production).

Loading the demo newsroom publishes ~330 pages, and each publish enqueues indexing tasks. Built
with the durable queue, they would be copied into every benchmark database and make the worker
busy during the measurements; the public index is rebuilt from the database anyway. So tasks are
recorded and dropped here.
"""

from newsroom.settings.production import *  # noqa: F403

TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}

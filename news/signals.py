"""Signals of the content model for the apps around it (news imports none of them)."""

from django.dispatch import Signal

# Sent by `manage.py load_demo_content` once the written demo collection is loaded, with `home` (the
# site's HomePage) and `out` (a function that prints a line): apps add their own demo state, as
# trending does with readers' views so that a fresh demo's Top Trending is not empty.
demo_content_loaded = Signal()

# Sent by `manage.py run_scheduler` after each of its runs (every 30 s), with `when` (the time of the
# run): apps with their own periodic chores (comments forgets commenters' addresses after the
# retention period) do them here, so a newsroom needs no cron beyond the scheduler.
scheduler_ran = Signal()

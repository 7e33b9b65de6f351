"""The public search index, by hand.

    manage.py search_index rebuild           # build a new index and swap the alias (no downtime)
    manage.py search_index drift [--repair]  # database vs index: missing, stale, extra
"""

from django.core.management.base import BaseCommand

from search import index


class Command(BaseCommand):
    help = "Rebuild the public search index, or check it against the database."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["rebuild", "drift"])
        parser.add_argument("--repair", action="store_true", help="With drift: fix every difference found.")

    def handle(self, action, repair, **options):
        if action == "rebuild":
            name, count, seconds = index.rebuild(out=self.stdout.write)
            rate = count / seconds if seconds else 0
            self.stdout.write(f"Indexed {count} articles into {name} in {seconds:.1f}s ({rate:.0f}/s); "
                              f"{index.alias_name()} now points to it.")
            return
        report = index.drift(repair=repair)
        for kind in ("missing", "stale", "extra"):
            ids = report[kind]
            shown = f" (ids {ids[:20]}{' …' if len(ids) > 20 else ''})" if ids else ""
            self.stdout.write(f"{kind}: {len(ids)}{shown}")
        differences = sum(len(ids) for ids in report.values())
        if repair and differences:
            self.stdout.write(f"Repaired {differences} differences.")
        elif differences:
            raise SystemExit(1)

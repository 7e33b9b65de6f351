"""Score the judged queries (search/relevance/dev.json, heldout.json) with nDCG@10 and MRR.

    manage.py load_demo_content                     # the demo newsroom (the judged collection)
    manage.py search_relevance --reindex            # rebuild both indexes, then score ours and Wagtail's
    manage.py search_relevance --ranker ours --worst 15 --kind question
    manage.py search_relevance --split heldout      # the held-out half: only to check a finished change
    manage.py search_relevance --split dev --split heldout --record   # write search/relevance/baseline.json
"""

import io
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from search import relevance


class Command(BaseCommand):
    help = "Score readers' search and Wagtail's stock backend on the judged queries (nDCG@10, MRR)."

    def add_arguments(self, parser):
        parser.add_argument("--ranker", action="append", choices=sorted(relevance.RANKERS),
                            help="Which search to score (repeatable; default: ours and wagtail).")
        parser.add_argument("--split", action="append", choices=sorted(relevance.SPLITS),
                            help="Which half of the queries (repeatable; default: dev). Tune on dev only.")
        parser.add_argument("--kind", action="append", choices=relevance.KINDS, help="Only queries of this kind.")
        parser.add_argument("--reindex", action="store_true",
                            help="First rebuild the public index and Wagtail's (update_index) from the database.")
        parser.add_argument("--record", action="store_true",
                            help=f"Write the scores to {relevance.BASELINE_PATH.name} (the test's baseline).")
        parser.add_argument("--worst", type=int, default=10, metavar="N",
                            help="List the N lowest-scoring queries per ranker with what they returned (default 10).")

    def handle(self, ranker, split, kind, reindex, record, worst, **options):
        names = ranker or ["ours", "wagtail"]
        splits = split or ["dev"]
        if record and (set(names) != {"ours", "wagtail"} or kind):
            raise CommandError("--record scores every query with both rankers: leave out --ranker and --kind")
        if reindex:
            self._reindex(names)
        expected, actual = relevance.expected_corpus_size(), relevance.corpus_size()
        if actual != expected:
            # Extra articles (added by an editor, or --force) change what ranks where: the judgments
            # and the baseline describe the demo newsroom alone.
            message = (f"this database has {actual} readable articles, the judged demo newsroom {expected}: "
                       f"scores are not comparable with the baseline")
            if record:
                raise CommandError(message + " (record on a fresh `manage.py load_demo_content` database)")
            self.stderr.write(f"Warning: {message}")
        titles = self._titles()

        recorded = {}
        for name_of_split in splits:
            queries = [q for q in relevance.load_split(name_of_split) if not kind or q.kind in kind]
            try:
                resolved = relevance.resolve(queries)
            except LookupError as error:
                raise CommandError(str(error)) from error
            reports = {}
            for name in names:
                started = time.monotonic()
                try:
                    reports[name] = relevance.evaluate(relevance.RANKERS[name], resolved, name=name)
                except Exception as error:  # an index that is missing or down: say what to do
                    raise CommandError(f"{name}: {error!r} (is OpenSearch up? try --reindex)") from error
                self.stdout.write(f"{name_of_split} / {name}: {len(resolved)} queries in "
                                  f"{time.monotonic() - started:.1f}s")
            summaries = {name: report.summary() for name, report in reports.items()}
            self.stdout.write(f"\n{name_of_split}:\n" + relevance.format_table(summaries))
            for report in reports.values():
                self._worst(report, titles, worst)
            recorded[name_of_split] = summaries

        if record:
            relevance.save_baseline(recorded, note="Recorded by `manage.py search_relevance --record` on a fresh "
                                                   "demo newsroom (manage.py load_demo_content).")
            self.stdout.write(f"\nBaseline written to {relevance.BASELINE_PATH} ({', '.join(recorded)})")

    def _reindex(self, names):
        if "ours" in names:
            from search import index

            _, count, seconds = index.rebuild()
            self.stdout.write(f"Public index rebuilt: {count} articles in {seconds:.1f}s")
        if "wagtail" in names:
            started = time.monotonic()
            call_command("update_index", stdout=io.StringIO())
            self.stdout.write(f"Wagtail's index rebuilt (update_index) in {time.monotonic() - started:.1f}s")

    def _titles(self):
        from news.models import ArticlePage

        return dict(ArticlePage.objects.live().values_list("pk", "title"))

    def _worst(self, report, titles, n):
        if n <= 0:
            return
        self.stdout.write(f"\nWorst {n} for {report.name} (grade, then headline of each result):")
        for score in report.worst(n):
            self.stdout.write(f"  [{score.query.kind}] {score.query.q!r}: nDCG@10 {score.ndcg:.3f}, RR {score.rr:.2f}")
            for rank, pk in enumerate(score.ranked[:5], start=1):
                self.stdout.write(f"      {rank}. ({score.grades.get(pk, 0)}) {titles.get(pk, pk)}")
            if not score.ranked:
                self.stdout.write("      (no results)")
            missed = [pk for pk, grade in sorted(score.grades.items(), key=lambda item: -item[1])
                      if grade >= relevance.RELEVANT_GRADE and pk not in score.ranked]
            for pk in missed[:3]:
                self.stdout.write(f"      missed ({score.grades[pk]}) {titles.get(pk, pk)}")

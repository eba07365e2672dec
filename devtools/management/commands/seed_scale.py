"""A national-scale data set for benchmarks:
`manage.py seed_scale --pilots 100000 --districts 50 --flush`."""

import time

from django.core.management.base import BaseCommand, CommandError

from devtools import scale
from grants.models import Idea


class Command(BaseCommand):
    help = (
        "Create N pilots in D districts with makers, organisations, partners, decisions, grants, "
        "closing reports, lessons and notifications, reproducibly from a seed (bulk inserts)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--pilots", type=int, default=1000)
        parser.add_argument("--districts", type=int, default=20)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--flush",
            action="store_true",
            help="First remove all pilots, actors, rounds and districts (never use on live data).",
        )

    def handle(self, *args, pilots, districts, seed, flush, **options):
        if pilots < 1 or districts < 1:
            raise CommandError("--pilots and --districts must be at least 1.")
        if Idea.objects.exists() and not flush:
            raise CommandError(
                "The database already holds pilots. Use --flush to replace them (test data only)."
            )
        started = time.perf_counter()
        if flush:
            scale.flush_domain_data()
        counts = scale.seed(
            pilots=pilots,
            districts=districts,
            seed=seed,
            progress=lambda message: self.stdout.write(f"  {message}"),
        )
        seconds = time.perf_counter() - started
        for label, n in sorted(counts.rows.items()):
            self.stdout.write(f"{label:32} {n:>10}")
        self.stdout.write(self.style.SUCCESS(f"Seeded {pilots} pilots in {seconds:.1f} s."))

"""Compute the meaning (vectors) of every idea and lesson that has none of the current model:
after installing, after restoring a backup, or when the model changes (its version is stored
beside each vector, and only current ones are used). Safe to run again; Celery's sweep does the
same a batch at a time."""

from django.core.management.base import BaseCommand, CommandError

from common import embeddings
from grants import services


class Command(BaseCommand):
    help = "Embed every idea and lesson that has no vector of the current model."

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=2000, help="rows per pass")

    def handle(self, *args, batch: int, **options):
        if not embeddings.available():
            raise CommandError(
                f"The embedding model is not available: {embeddings.unavailable_reason()}"
            )
        total = {"ideas": 0, "lessons": 0}
        while True:
            counts = services.embeddings_sweep(limit=batch)
            for name in total:
                total[name] += counts.get(name, 0)
            if not counts.get("ideas") and not counts.get("lessons"):
                break
        self.stdout.write(
            f"{total['ideas']} ideas and {total['lessons']} lessons embedded "
            f"with {embeddings.model_version()}."
        )

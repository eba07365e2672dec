"""`make eval`: how well "learn before you try" finds the right past pilots and themes, on the
evaluation set in devtools/evaluation, by meaning and by words."""

from django.core.management.base import BaseCommand

from devtools.evaluation import similar


class Command(BaseCommand):
    help = "Evaluate similar pilots (hit@3, recall@3, MRR, false positives) and theme placement."

    def handle(self, *args, **options):
        figures = similar.evaluate()
        self.stdout.write(similar.table(figures))

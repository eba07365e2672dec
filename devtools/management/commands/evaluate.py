"""`make eval`: how well "learn before you try" finds the right past pilots and themes, on the
evaluation set in devtools/evaluation, by meaning and by words."""

from django.core.management.base import BaseCommand

from devtools.evaluation import similar, themes


class Command(BaseCommand):
    help = "Evaluate similar pilots (hit@3, recall@3, MRR, false positives) and theme placement."

    def handle(self, *args, **options):
        self.stdout.write(similar.table(similar.evaluate()))
        self.stdout.write("")
        self.stdout.write(themes.table(themes.evaluate()))

"""`python manage.py bench NAME`: the project's benchmarks.

The benchmarks live in this app (bench/imports.py, thread.py, search.py, http.py), each function
registered with `bench.registry.register`; a benchmark returns a dict of figures including
"targets", and this command prints it as one JSON object on its last line. Benchmarks report,
tests assert: the exit status is 0 even when a target is missed."""

import json

from django.core.management import BaseCommand, CommandError

from bench.registry import load_all


class Command(BaseCommand):
    help = "Run a benchmark and print its figures as one JSON line."

    def add_arguments(self, parser):
        parser.add_argument("name", nargs="?", help="Which benchmark (omit to list them).")
        parser.add_argument("--quick", action="store_true", help="A small size, for CI.")

    def handle(self, *args, name=None, quick=False, **options):
        registry = load_all()
        if not name:
            for key, bench in sorted(registry.items()):
                self.stdout.write(f"{key}: {(bench.__doc__ or '').strip().splitlines()[0]}")
            return
        if name not in registry:
            raise CommandError(f"Unknown benchmark {name!r}; known: {', '.join(sorted(registry))}")
        result = registry[name](quick=quick, log=lambda msg: self.stderr.write(msg))
        self.stdout.write(json.dumps({"bench": name, **result}, default=str))

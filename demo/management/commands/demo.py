"""Set up a demonstration site: migrate, load the demo articles, create one account per role,
add a few site comments (one featured, one held for review), print the logins and serve on
127.0.0.1:8000, with a task worker beside the server (mails, rebuilds) that stops with it.
Running it again changes nothing."""

import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import BaseCommand, call_command

from demo.data import (
    DEMO_ACCOUNTS,
    ensure_demo_accounts,
    ensure_demo_discussion,
    load_demo_content,
)

ADDRESS = "127.0.0.1:8000"


class Command(BaseCommand):
    help = "Migrate, load the demo content and accounts, then serve the site on " + ADDRESS

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-serve", action="store_true", help="Set everything up but do not start a server."
        )

    def handle(self, *args, no_serve: bool = False, **options):
        call_command("migrate", interactive=False, verbosity=0)
        summary = load_demo_content()
        ensure_demo_accounts()
        ensure_demo_discussion()
        self.stdout.write(
            f"Demo content: {summary['created']} article(s) added, {summary['updated']} updated, "
            f"{summary['unchanged']} already present."
        )
        self.stdout.write("Demo logins (username / password):")
        for account in DEMO_ACCOUNTS:
            self.stdout.write(f"  {account.role:<10} {account.username} / {account.password}")
        if no_serve:
            return
        worker = self.start_worker()
        # Stopped by SIGTERM (not only Ctrl-C), the server still stops its worker on the way.
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
        self.stdout.write(self.style.SUCCESS(f"Agora is at http://{ADDRESS}/ (Ctrl-C stops it)"))
        try:
            call_command("runserver", ADDRESS, use_reloader=False)
        finally:
            if worker is not None:
                stop_worker(worker)

    def start_worker(self) -> subprocess.Popen | None:
        """The database backend's worker as a child process (the other backends need none
        here: "immediate" runs tasks in the server, "rq" has its own `rqworker`)."""
        if settings.TASKS_BACKEND != "database":
            return None
        self.stdout.write("Task worker started (manage.py db_worker).")
        return subprocess.Popen(
            [sys.executable, str(settings.BASE_DIR / "manage.py"), "db_worker", "--no-reload"]
        )


def stop_worker(worker: subprocess.Popen, timeout: float = 10) -> None:
    """SIGTERM lets the worker finish the task in hand; one that does not stop is killed (its
    task stays RUNNING in the queue: see docs/deploy.md)."""
    worker.terminate()
    try:
        worker.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()

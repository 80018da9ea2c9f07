"""`python manage.py requeue_stale_tasks [--minutes 60]`: put back in the queue the tasks a
worker claimed and never finished.

The database backend marks a task RUNNING when a worker takes it and SUCCESSFUL or FAILED
when it ends. A worker killed in between (SIGKILL, a power cut, an out-of-memory kill) leaves
the row RUNNING, and no worker takes a RUNNING row again: the task is kept, not lost, but
stuck. This command makes such rows READY again. Our tasks are idempotent, so running one
again is safe even when the old worker did part of it (or, past a too-short --minutes, is
still running it)."""

from datetime import timedelta

from django.core.management import BaseCommand
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult


class Command(BaseCommand):
    help = "Make tasks left RUNNING by a worker that died longer ago than --minutes READY again."

    def add_arguments(self, parser):
        parser.add_argument(
            "--minutes",
            type=int,
            default=60,
            help="Only tasks started at least this long ago (default: 60, beyond any task's run).",
        )

    def handle(self, *args, minutes: int, **options):
        cutoff = timezone.now() - timedelta(minutes=minutes)
        count = (
            DBTaskResult.objects.running()
            .filter(started_at__lt=cutoff)
            .update(status=TaskResultStatus.READY)
        )
        self.stdout.write(f"{count} stale task(s) queued again.")

from django.core.management.base import BaseCommand

from accounts.models import MailSchedule
from comments.tasks import send_digests


class Command(BaseCommand):
    help = (
        "Queue the daily or weekly digest mails for the readers who chose them (run daily, "
        "and weekly on Mondays, from cron; the worker sends them)."
    )

    def add_arguments(self, parser):
        parser.add_argument("schedule", choices=[MailSchedule.DAILY, MailSchedule.WEEKLY])

    def handle(self, *args, schedule: str, **options):
        send_digests.enqueue(schedule)
        self.stdout.write(f"The {schedule} digests are queued: the worker sends them.")

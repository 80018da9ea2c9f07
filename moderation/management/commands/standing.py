"""Change a user's standing from the command line, through the same action functions as the
site (so it is checked and logged the same way):

    manage.py standing USERNAME suspend --until 2026-12-01 --reason "Insults" --as moderator
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from moderation import actions
from moderation.standing import standing_of
from web.text import clean_text


class Command(BaseCommand):
    help = "Warn, suspend, ban or restore a user (logged in the moderation log)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("kind", choices=["warn", "suspend", "ban", "restore"])
        parser.add_argument("--reason", required=True)
        parser.add_argument("--until", help="End of a suspension, YYYY-MM-DD")
        parser.add_argument("--as", dest="moderator", required=True, help="Acting moderator")

    def handle(self, username, kind, reason, until, moderator, **options):
        User = get_user_model()
        try:
            user = User.objects.get(username=username)
            mod = User.objects.get(username=moderator)
        except User.DoesNotExist as error:
            raise CommandError(str(error)) from None
        reason = clean_text(reason).strip()
        end = None
        if until:
            try:
                day = datetime.date.fromisoformat(until)
            except ValueError:
                raise CommandError("--until must be a date such as 2026-12-01.") from None
            end = timezone.make_aware(datetime.datetime.combine(day, datetime.time()))
        try:
            if kind == "suspend":
                actions.suspend_user(mod, user, end, reason)
            elif kind == "warn":
                actions.warn_user(mod, user, reason)
            elif kind == "ban":
                actions.ban_user(mod, user, reason)
            else:
                actions.restore_user(mod, user, reason)
        except (ValidationError, PermissionDenied) as error:
            raise CommandError(" ".join(getattr(error, "messages", [str(error)]))) from None
        self.stdout.write(f"{user.username}: {standing_of(user).label}")

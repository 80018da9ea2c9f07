"""Set up a demonstration site: migrate, load the demo articles, create one account per role,
add a few site comments (one featured, one held for review), print the logins and serve on
127.0.0.1:8000. Running it again changes nothing."""

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
        self.stdout.write(self.style.SUCCESS(f"Agora is at http://{ADDRESS}/ (Ctrl-C stops it)"))
        call_command("runserver", ADDRESS, use_reloader=False)

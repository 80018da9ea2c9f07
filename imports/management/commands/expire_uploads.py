"""Delete admin uploads left waiting past AGORA_IMPORT_EXPIRY_SECONDS (a periodic job; the
upload page also does it whenever it is opened)."""

from django.core.management.base import BaseCommand

from imports.uploads import expire_old_uploads


class Command(BaseCommand):
    help = "Delete admin uploads that waited longer than AGORA_IMPORT_EXPIRY_SECONDS."

    def handle(self, *args, **options):
        removed = expire_old_uploads()
        self.stdout.write(f"{removed} expired upload(s) removed.")

"""System checks of the site's own settings (`manage.py check --deploy`)."""

from __future__ import annotations

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def check_site_url(app_configs, **kwargs) -> list[checks.CheckMessage]:
    if settings.DEBUG or settings.SITE_URL_IS_SET:
        return []
    return [
        checks.Warning(
            f"AGORA_SITE_URL is unset: mails and feeds link to {settings.SITE_URL} (taken "
            "from DJANGO_ALLOWED_HOSTS).",
            hint="Set AGORA_SITE_URL to the address readers use, e.g. https://agora.example.",
            id="agora.W001",
        )
    ]

"""Background tasks of accounts: the password-reset mail, sent by the worker."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.template import loader
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from web.mail import send_once
from web.tasking import retried_task

User = get_user_model()


@retried_task
def send_password_reset_mail(
    user_id: int,
    to_email: str,
    subject_template_name: str,
    email_template_name: str,
    request_id: str,
) -> str:
    """Mail a password-reset link to `to_email`, asked for by the request `request_id`.

    The link's token is made here, not in the request, so that it is never stored in the
    task's row (which admins can read). Idempotent: one request gets one mail however often
    this runs; an account that changed its address or was disabled since gets none."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.has_usable_password() or user.email.lower() != to_email.lower():
        return "account changed"
    site = urlsplit(settings.SITE_URL)
    context = {
        "email": to_email,
        "user": user,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
        "protocol": site.scheme,
        "domain": site.netloc + site.path,
        "site_name": settings.SITE_NAME,
    }
    subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
    body = loader.render_to_string(email_template_name, context)
    message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [to_email])
    sent = send_once(f"password-reset:{request_id}", message)
    return "sent" if sent else "sent before"

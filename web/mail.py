"""Sending each mail once."""

from __future__ import annotations

import logging

from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction

from .models import SentMail

logger = logging.getLogger(__name__)


def send_once(key: str, message: EmailMessage) -> bool:
    """Send `message` unless a mail under `key` was sent already; True when it went now.

    The key's row is written before sending and removed again when sending fails, so a
    retry sends, a second run does not, and two workers racing send one mail between them
    (the unique key decides). A worker killed between the row and the server's answer loses
    that one mail rather than sending it twice."""
    try:
        with transaction.atomic():
            SentMail.objects.create(key=key)
    except IntegrityError:
        logger.info("mail %s was sent already", key)
        return False
    try:
        message.send()
    except BaseException:
        SentMail.objects.filter(key=key).delete()
        raise
    return True

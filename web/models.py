from django.db import models
from django.utils import timezone


class SentMail(models.Model):
    """One row per mail handed to the mail server, under a key that names what it is about
    ("notification:42"): a task that runs twice finds its row and sends nothing."""

    key = models.CharField(max_length=200, unique=True)
    sent_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.key

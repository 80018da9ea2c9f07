"""Give every account made before sign-up existed (createsuperuser, the demo loader) its
profile. `accounts.models.profile_for` still creates one on first use for later ones."""

from django.conf import settings
from django.db import migrations


def create_missing_profiles(apps, schema_editor):
    User = apps.get_model(settings.AUTH_USER_MODEL)
    Profile = apps.get_model("accounts", "Profile")
    missing = list(User.objects.filter(profile__isnull=True).values_list("pk", flat=True))
    Profile.objects.bulk_create([Profile(user_id=pk) for pk in missing], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_display_name_validator"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(create_missing_profiles, migrations.RunPython.noop)]

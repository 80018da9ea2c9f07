"""The roles (groups with permissions), the site's default rules and the settings row.

Created by migration 0002; idempotent, so tests that flush the database (browser tests) and
`manage.py demo` can call it again."""

from __future__ import annotations

from django.apps import apps as global_apps

DEFAULT_RULES = [
    ("Personal attack", "Attack ideas, not people: no insults, name-calling or threats."),
    ("Spam or advertising", "No promotion, link farming or repeated unsolicited messages."),
    ("Off-topic", "Stay on the subject of the article and the discussion under it."),
    ("Hate or harassment", "No abuse of anyone for who they are, and no pile-ons."),
    (
        "Misinformation likely to cause harm",
        "No false claims that could put someone's health or safety at risk.",
    ),
    ("Other", "Something else; the moderator explains in the note."),
]

MODERATOR_PERMS = [
    ("comments", "moderate"),
    ("moderation", "manage_standing"),
    ("moderation", "change_settings"),
    ("moderation", "add_usernote"),
    ("moderation", "view_usernote"),
    ("moderation", "view_logentry"),
    ("moderation", "view_flag"),
    ("moderation", "view_hold"),
    ("moderation", "add_siterule"),
    ("moderation", "change_siterule"),
    ("moderation", "view_siterule"),
]


def ensure_defaults(apps=global_apps) -> None:
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations ran; create them now.
    for app_config in apps.get_app_configs():
        had_models = getattr(app_config, "models_module", None)
        app_config.models_module = had_models or True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = had_models

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Group.objects.get_or_create(name="Readers")
    moderators, _ = Group.objects.get_or_create(name="Moderators")
    moderators.permissions.add(
        *[
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
            for app_label, codename in MODERATOR_PERMS
        ]
    )
    admins, _ = Group.objects.get_or_create(name="Admins")
    admins.permissions.add(
        *Permission.objects.filter(content_type__app_label="moderation"),
        Permission.objects.get(content_type__app_label="comments", codename="moderate"),
    )

    SiteRule = apps.get_model("moderation", "SiteRule")
    for order, (title, description) in enumerate(DEFAULT_RULES):
        SiteRule.objects.get_or_create(
            title=title, defaults={"description": description, "order": order}
        )
    apps.get_model("moderation", "ModerationSettings").objects.get_or_create(pk=1)

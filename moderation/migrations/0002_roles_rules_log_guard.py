"""Roles as groups with permissions, the site's default rules, the settings row, and a
database guard that keeps the moderation log append-only."""

from django.db import migrations

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


def create_roles(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations ran; create them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Group.objects.get_or_create(name="Readers")
    moderators, _ = Group.objects.get_or_create(name="Moderators")
    for app_label, codename in MODERATOR_PERMS:
        moderators.permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
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


GUARDED = "action, created, rule_title, reason, before, after"

SQLITE_GUARD = [
    f"""CREATE TRIGGER moderation_logentry_append_only BEFORE UPDATE OF {GUARDED}
    ON moderation_logentry BEGIN SELECT RAISE(ABORT, 'the moderation log is append-only'); END;"""
]
SQLITE_UNGUARD = ["DROP TRIGGER IF EXISTS moderation_logentry_append_only;"]

# PostgreSQL: no row may be deleted, and only the foreign keys may change (to NULL, when
# their target is deleted, actor included). Flushing a test database uses TRUNCATE, which row triggers ignore.
POSTGRES_GUARD = [
    """CREATE FUNCTION moderation_logentry_refuse() RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION 'the moderation log is append-only'; END; $$ LANGUAGE plpgsql;""",
    f"""CREATE TRIGGER moderation_logentry_no_update BEFORE UPDATE OF {GUARDED}
    ON moderation_logentry FOR EACH ROW EXECUTE FUNCTION moderation_logentry_refuse();""",
    """CREATE TRIGGER moderation_logentry_no_delete BEFORE DELETE ON moderation_logentry
    FOR EACH ROW EXECUTE FUNCTION moderation_logentry_refuse();""",
]
POSTGRES_UNGUARD = [
    "DROP TRIGGER IF EXISTS moderation_logentry_no_update ON moderation_logentry;",
    "DROP TRIGGER IF EXISTS moderation_logentry_no_delete ON moderation_logentry;",
    "DROP FUNCTION IF EXISTS moderation_logentry_refuse();",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0001_initial"),
        ("comments", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(create_roles, migrations.RunPython.noop),
        migrations.RunPython(
            _run({"sqlite": SQLITE_GUARD, "postgresql": POSTGRES_GUARD}),
            _run({"sqlite": SQLITE_UNGUARD, "postgresql": POSTGRES_UNGUARD}),
        ),
    ]

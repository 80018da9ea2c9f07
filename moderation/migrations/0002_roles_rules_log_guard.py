"""Roles as groups with permissions, the site's default rules, the settings row, and a
database guard that keeps the moderation log append-only."""

from django.db import migrations


def create_roles(apps, schema_editor):
    from moderation.defaults import ensure_defaults

    ensure_defaults(apps)


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

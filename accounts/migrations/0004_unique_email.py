"""Two accounts may never share an e-mail address, whatever its case: a password reset finds
the account by its address. The forms check it; this index holds when two sign-ups race, and
for every other way of writing a user (admin, shell, restore). Accounts without an address are
left out."""

from django.db import migrations

INDEX = "accounts_user_email_ci_unique"


def refuse_existing_duplicates(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT LOWER(email) FROM auth_user WHERE email <> '' "
            "GROUP BY LOWER(email) HAVING COUNT(*) > 1 ORDER BY 1"
        )
        shared = [row[0] for row in cursor.fetchall()]
    if shared:
        raise RuntimeError(
            "These e-mail addresses belong to more than one account; give each account its "
            f"own address (or none) before migrating: {', '.join(shared[:20])}"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_profiles_for_existing_users"),
        # After auth's last migration: on SQLite, altering a column rebuilds the table and
        # drops indexes that Django's models do not declare.
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(refuse_existing_duplicates, migrations.RunPython.noop),
        migrations.RunSQL(
            f"CREATE UNIQUE INDEX {INDEX} ON auth_user (LOWER(email)) WHERE email <> ''",
            f"DROP INDEX {INDEX}",
        ),
    ]

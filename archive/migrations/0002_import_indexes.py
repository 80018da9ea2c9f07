"""Indexes for the importer's lookups: authors by name, sources by name in any case and by
the domain of their homepage (a stored column, filled here for existing rows)."""

import django.db.models.functions.text
from django.db import migrations, models


def fill_domains(apps, schema_editor):
    from archive.models import domain_of

    Source = apps.get_model("archive", "Source")
    changed = []
    for source in Source.objects.exclude(homepage="").only("pk", "homepage").iterator():
        source.domain = domain_of(source.homepage)
        changed.append(source)
    Source.objects.bulk_update(changed, ["domain"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="source",
            name="domain",
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=255),
        ),
        migrations.RunPython(fill_domains, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="author",
            name="name",
            field=models.CharField(db_index=True, max_length=200),
        ),
        migrations.AddIndex(
            model_name="source",
            index=models.Index(
                django.db.models.functions.text.Upper("name"), name="source_name_upper_idx"
            ),
        ),
    ]

"""`manage.py import_articles`: paths, manifests, formats, summaries and exit status."""

from __future__ import annotations

import json
import zipfile

import pytest
from django.core.management import CommandError, call_command

from archive.models import Article, BoilerplatePattern

pytestmark = pytest.mark.django_db

ARTICLE = "Title: {title}\nSource: The Courier\n---\n\nA paragraph of text.\n"


def run(*args) -> tuple[dict, int]:
    import io

    out = io.StringIO()
    try:
        call_command("import_articles", *args, "--json", stdout=out, stderr=io.StringIO())
        code = 0
    except SystemExit as exc:
        code = exc.code
    return json.loads(out.getvalue()), code


def write(path, title):
    path.write_text(ARTICLE.format(title=title), encoding="utf-8")
    return path


def test_it_imports_a_directory_recursively_skipping_hidden_and_readme(tmp_path):
    write(tmp_path / "a.txt", "First")
    (tmp_path / "sub").mkdir()
    write(tmp_path / "sub" / "b.txt", "Second")
    write(tmp_path / ".hidden.txt", "Hidden")
    (tmp_path / "README.md").write_text("Not an article\n\nReally not.")
    summary, code = run(str(tmp_path))
    assert code == 0
    assert summary == {"imported": 2, "updated": 0, "unchanged": 0, "failed": 0, "failures": []}
    assert set(Article.objects.values_list("title", flat=True)) == {"First", "Second"}


def test_a_failure_is_reported_and_does_not_stop_the_others(tmp_path):
    write(tmp_path / "a.txt", "Good one")
    (tmp_path / "b.txt").write_bytes(b"")
    summary, code = run(str(tmp_path))
    assert code == 1
    assert summary["imported"] == 1 and summary["failed"] == 1
    assert summary["failures"][0]["path"].endswith("b.txt")
    assert "empty" in summary["failures"][0]["reason"]


def test_dry_run_saves_nothing(tmp_path):
    write(tmp_path / "a.txt", "Dry")
    summary, code = run(str(tmp_path), "--dry-run")
    assert summary["imported"] == 1 and code == 0
    assert not Article.objects.exists()


def test_source_option_names_the_source(tmp_path):
    (tmp_path / "a.txt").write_text("Plain title\n\nA body paragraph here.\n")
    run(str(tmp_path / "a.txt"), "--source", "Ledger")
    assert Article.objects.get().source.name == "Ledger"


def test_manifest_rows_override_by_file_name(tmp_path):
    write(tmp_path / "a.txt", "Detected")
    manifest = tmp_path / "m.csv"
    manifest.write_text(
        "file,source,source_url,url,published,author,title,kicker,dek\n"
        "a.txt,Slate,https://slate.com,,2008-04,Fred Kaplan,Manifest title,Kick,Dek.\n"
    )
    run(str(tmp_path / "a.txt"), "--manifest", str(manifest))
    article = Article.objects.get()
    assert (article.title, article.kicker, article.dek) == ("Manifest title", "Kick", "Dek.")
    assert article.published_iso == "2008-04" and article.source.name == "Slate"


def test_a_manifest_with_unknown_columns_is_refused(tmp_path):
    manifest = tmp_path / "m.csv"
    manifest.write_text("file,colour\na.txt,red\n")
    with pytest.raises(CommandError, match="unknown column"):
        call_command("import_articles", str(tmp_path), "--manifest", str(manifest))


def test_a_zip_is_read_member_by_member(tmp_path):
    archive = tmp_path / "batch.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("one.txt", ARTICLE.format(title="Zipped one"))
        zf.writestr("dir/two.txt", ARTICLE.format(title="Zipped two"))
        zf.writestr("README.txt", "skip me")
    summary, code = run(str(archive))
    assert summary["imported"] == 2 and code == 0


def test_the_text_summary_lists_failures(tmp_path, capsys):
    import io

    (tmp_path / "x.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 20)
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit):
        call_command("import_articles", str(tmp_path), stdout=out, stderr=err)
    assert "0 imported, 0 updated, 0 unchanged, 1 failed." in out.getvalue()
    assert "x.txt" in err.getvalue() and "PNG" in err.getvalue()


def test_boilerplate_patterns_from_the_admin_are_dropped(tmp_path):
    BoilerplatePattern.objects.create(pattern=r"^Read more at the Courier$")
    (tmp_path / "a.txt").write_text(
        "Title: Boiler\n---\n\nReal paragraph.\n\nRead more at the Courier\n"
    )
    run(str(tmp_path))
    assert "Read more" not in Article.objects.get().body_text

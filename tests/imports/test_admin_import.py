"""The admin import upload: upload, preview with corrections, import, limits, permissions."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from archive.models import Article, ArticleRevision, BoilerplatePattern
from comments.models import Comment
from imports import uploads

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("import_dir")]

TEXT = b"""Title: Ferry returns
Kicker: Transport
Source: The Courier
Author: Mara Ellison
Published: 2025-03-14
---

The ferry is back.

Second paragraph.

\xe2\x80\xa2 Ann

  Lovely news.

  \xe2\x80\xa2 Bob

    Agreed.
"""


UPLOAD = reverse("imports:upload")


def upload(client, *files, manifest=None):
    data = {"files": list(files)}
    if manifest is not None:
        data["manifest"] = manifest
    return client.post(UPLOAD, data)


def preview_url(response) -> str:
    assert response.status_code == 302, (
        getattr(response, "context", None) and response.context["form"].errors
    )
    return response["Location"]


def management(total: int) -> dict:
    return {"form-TOTAL_FORMS": str(total), "form-INITIAL_FORMS": str(total)}


def form_data(response) -> dict:
    """The preview formset as the browser would submit it, unchanged."""
    data = {}
    for form in response.context["formset"].forms:
        for name, field in form.fields.items():
            value = form.initial.get(name, field.initial)
            if name == "include":
                if value:
                    data[form.add_prefix(name)] = "on"
                continue
            data[form.add_prefix(name)] = value or ""
    data.update(management(len(response.context["formset"].forms)))
    return data


def test_anonymous_users_are_sent_to_the_admin_login(client):
    response = client.get(UPLOAD)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_staff_without_the_add_permission_get_403(client):
    user = get_user_model().objects.create_user("clerk", password=None, is_staff=True)
    client.force_login(user)
    assert client.get(UPLOAD).status_code == 403


def test_the_upload_page_is_linked_from_the_index_and_changelist(client, staff):
    assert UPLOAD in client.get(reverse("admin:index")).content.decode()
    assert UPLOAD in client.get(reverse("admin:archive_article_changelist")).content.decode()
    page = client.get(UPLOAD).content.decode()
    assert 'type="file"' in page and "multiple" in page and "csrfmiddlewaretoken" in page


def test_upload_preview_correct_and_import(client, staff, import_dir):
    response = upload(client, SimpleUploadedFile("ferry.txt", TEXT))
    url = preview_url(response)
    preview = client.get(url)
    page = preview.content.decode()
    assert preview.status_code == 200
    assert "Ferry returns" in page and "Lovely news" in page and "depth 1" in page
    assert not Article.objects.exists()
    data = form_data(preview)
    data["form-0-title"] = "Ferry returns to Mill Quay"
    data["form-0-kicker"] = ""
    confirmed = client.post(url, data)
    status_url = reverse("imports:status", args=[url.rstrip("/").rsplit("/", 1)[1]])
    assert confirmed.status_code == 302 and confirmed["Location"] == status_url
    result = client.get(status_url)
    assert result.status_code == 200
    assert "1 imported, 0 updated, 0 unchanged, 0 failed." in result.content.decode()
    article = Article.objects.get()
    assert article.title == "Ferry returns to Mill Quay" and article.kicker == ""
    assert article.source.name == "The Courier" and article.published_iso == "2025-03-14"
    assert Comment.objects.filter(article=article).count() == 2
    assert article.provenance.get().imported_by == staff
    # Once imported, the preview leads to the result, and the uploaded bytes are gone.
    assert client.get(url)["Location"] == status_url
    assert not any(import_dir.glob("*/files"))


def test_a_bad_date_in_the_preview_is_a_form_error_and_saves_nothing(client, staff):
    url = preview_url(upload(client, SimpleUploadedFile("ferry.txt", TEXT)))
    data = form_data(client.get(url))
    data["form-0-published"] = "someday"
    response = client.post(url, data)
    assert response.status_code == 200 and "YYYY-MM-DD" in response.content.decode()
    assert not Article.objects.exists()


def test_unticked_documents_are_not_imported(client, staff):
    url = preview_url(
        upload(
            client,
            SimpleUploadedFile("a.txt", b"First one\n\nBody.\n"),
            SimpleUploadedFile("b.txt", b"Second one\n\nBody.\n"),
        )
    )
    data = form_data(client.get(url))
    del data["form-1-include"]
    client.post(url, data)
    assert list(Article.objects.values_list("title", flat=True)) == ["First one"]


def test_a_manifest_fills_the_preview(client, staff):
    manifest = SimpleUploadedFile(
        "manifest.csv", b"file,source,title\nferry.txt,Ledger,From the manifest\n"
    )
    url = preview_url(upload(client, SimpleUploadedFile("ferry.txt", TEXT), manifest=manifest))
    preview = client.get(url)
    assert preview.context["formset"].forms[0].initial["title"] == "From the manifest"
    client.post(url, form_data(preview))
    assert Article.objects.get().source.name == "Ledger"


def test_a_zip_is_previewed_member_by_member(client, staff):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("one.txt", b"Zipped one\n\nBody.\n")
        zf.writestr("two.txt", b"Zipped two\n\nBody.\n")
    url = preview_url(upload(client, SimpleUploadedFile("batch.zip", buffer.getvalue())))
    preview = client.get(url)
    assert [f.initial["key"] for f in preview.context["formset"].forms] == [
        "batch.zip/one.txt",
        "batch.zip/two.txt",
    ]
    client.post(url, form_data(preview))
    assert Article.objects.count() == 2


def test_an_oversized_upload_is_refused(client, staff, settings):
    settings.AGORA_UPLOAD_MAX_BYTES = 100
    response = upload(client, SimpleUploadedFile("big.txt", b"Title\n\n" + b"x" * 200))
    # The request body is refused while it is read, before the upload view runs.
    assert response.status_code == 413
    assert "at most 100" in response.content.decode()
    assert not Article.objects.exists()


@pytest.mark.parametrize(
    ("member", "message"),
    [("../evil.txt", "refused"), ("/abs.txt", "absolute")],
)
def test_a_zip_slip_is_refused_at_upload(client, staff, member, message, import_dir):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr(zipfile.ZipInfo(member), b"Evil\n\nBody.\n")
    response = upload(client, SimpleUploadedFile("slip.zip", buffer.getvalue()))
    assert response.status_code == 200 and message in response.content.decode()
    assert not import_dir.exists() or not any(import_dir.iterdir())


def test_a_zip_bomb_is_refused_at_upload(client, staff):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("zeros.txt", bytes(20 * 1024 * 1024))
    response = upload(client, SimpleUploadedFile("bomb.zip", buffer.getvalue()))
    assert "zip bomb" in response.content.decode()


def test_binary_files_and_entity_bombs_are_listed_as_failures(client, staff):
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "x">]>'
        b"<rss><channel><title>&a;</title></channel></rss>"
    )
    url = preview_url(
        upload(
            client,
            SimpleUploadedFile("image.png", b"\x89PNG\r\n\x1a\n" + bytes(100)),
            SimpleUploadedFile("feed.xml", bomb),
        )
    )
    page = client.get(url).content.decode()
    assert "PNG image" in page and "entities" in page
    assert not Article.objects.exists()


def test_another_users_upload_is_forbidden(client, staff):
    url = preview_url(upload(client, SimpleUploadedFile("ferry.txt", TEXT)))
    other = get_user_model().objects.create_superuser("other", "o@example.org", None)
    client.force_login(other)
    assert client.get(url).status_code == 403


def test_an_unknown_token_is_404(client, staff):
    url = reverse("imports:preview", args=["x" * 32])
    assert client.get(url).status_code == 404


def test_the_upload_page_refuses_other_methods(client, staff):
    assert client.put(UPLOAD).status_code == 405


def test_an_invalid_boilerplate_pattern_is_a_form_error(client, staff):
    url = reverse("admin:archive_boilerplatepattern_add")
    response = client.post(url, {"pattern": "(unclosed", "note": ""})
    assert (
        response.status_code == 200
        and "Not a valid regular expression" in response.content.decode()
    )
    assert not BoilerplatePattern.objects.exists()


def test_a_revision_shows_an_escaped_diff(client, staff):
    from imports.loader import load_document
    from imports.parsers.base import ParsedDocument

    def doc(title, text):
        return ParsedDocument(
            title=title, paragraphs=[text], source_name="S", url="https://e.org/a", format="text"
        )

    load_document(doc("Old <title>", "Old body <script>"), file_name="a", sha256="1", format="text")
    load_document(doc("New title", "New body"), file_name="a", sha256="2", format="text")
    revision = ArticleRevision.objects.get()
    page = client.get(reverse("admin:archive_articlerevision_change", args=[revision.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Old&nbsp;&lt;title&gt;" in html or "Old &lt;title&gt;" in html
    assert (
        "<script>"
        not in re.sub(r"<script[^>]*src=[^>]*></script>", "", html).split("revision-diff")[1]
    )
    change = client.get(reverse("admin:archive_article_change", args=[revision.article_id]))
    assert "Show what changed" in change.content.decode()


def test_documents_beyond_the_form_limit_are_imported_as_detected(client, staff, monkeypatch):
    monkeypatch.setattr("imports.admin_views.PREVIEW_FORMS", 1)
    url = preview_url(
        upload(
            client,
            SimpleUploadedFile("a.txt", b"First one\n\nBody.\n"),
            SimpleUploadedFile("b.txt", b"Second one\n\nBody.\n"),
        )
    )
    preview = client.get(url)
    assert len(preview.context["formset"].forms) == 1
    assert "imported as detected" in preview.content.decode()
    data = form_data(preview)
    data["form-0-title"] = "First, corrected"
    client.post(url, data)
    assert set(Article.objects.values_list("title", flat=True)) == {
        "First, corrected",
        "Second one",
    }


def test_a_tampered_formset_saves_nothing(client, staff):
    url = preview_url(upload(client, SimpleUploadedFile("ferry.txt", TEXT)))
    data = form_data(client.get(url))
    data["form-0-key"] = "../../etc/passwd"
    response = client.post(url, data)
    assert response.status_code == 200 and "changed since the preview" in response.content.decode()
    response = client.post(url, {"form-TOTAL_FORMS": "x"})
    assert response.status_code == 200
    assert not Article.objects.exists()


def test_each_revision_diffs_against_what_replaced_it(client, staff):
    from archive.admin import revision_pair
    from imports.loader import load_document
    from imports.parsers.base import ParsedDocument

    for number, title in enumerate(["One", "Two", "Three"]):
        doc = ParsedDocument(
            title=title, paragraphs=[f"Body {title}"], source_name="S", url="https://e.org/a"
        )
        load_document(doc, file_name="a", sha256=str(number), format="text")
    first, second = ArticleRevision.objects.order_by("id")
    assert revision_pair(first)[1][0] == "Two"
    assert revision_pair(second)[1][0] == "Three"


def test_expire_uploads_deletes_only_uploads_past_their_time(import_dir, settings):
    import os
    import time as _time

    from django.core.management import call_command

    old, fresh = import_dir / "old", import_dir / "fresh"
    for folder in (old, fresh):
        folder.mkdir(parents=True)
    stale = _time.time() - settings.AGORA_IMPORT_EXPIRY_SECONDS - 10
    os.utime(old, (stale, stale))
    out = io.StringIO()
    call_command("expire_uploads", stdout=out)
    assert "1 expired upload(s) removed." in out.getvalue()
    assert not old.exists() and fresh.exists()


def test_with_a_real_queue_the_admin_sees_progress_until_a_worker_has_read_and_imported(
    client, staff, database_tasks, run_worker
):
    url = preview_url(upload(client, SimpleUploadedFile("ferry.txt", TEXT)))
    token = url.rstrip("/").rsplit("/", 1)[1]
    # No worker yet: the request only stored the bytes; the page says what is happening,
    # reloads itself without JavaScript, and answers JSON for the script.
    waiting = client.get(url)
    assert waiting.status_code == 200
    page = waiting.content.decode()
    assert "Reading the uploaded files" in page and 'http-equiv="refresh"' in page
    state = client.get(url, HTTP_ACCEPT="application/json").json()
    assert state == {
        "stage": "reading",
        "message": "Reading the uploaded files for the preview…",
        "done": 0,
        "total": 1,
        "failed": 0,
        "failures": [],
        "warned": 0,
        "warnings": [],
        "finished": False,
    }
    run_worker()
    assert client.get(url, HTTP_ACCEPT="application/json").json()["finished"] is True
    preview = client.get(url)
    assert "Ferry returns" in preview.content.decode()
    status_url = reverse("imports:status", args=[token])
    assert client.post(url, form_data(preview))["Location"] == status_url
    importing = client.get(status_url, HTTP_ACCEPT="application/json").json()
    assert importing["stage"] == "importing" and not importing["finished"]
    assert not Article.objects.exists()
    run_worker()
    assert client.get(status_url, HTTP_ACCEPT="application/json").json()["finished"] is True
    assert "1 imported" in client.get(status_url).content.decode()
    assert Article.objects.get().title == "Ferry returns"


def test_another_admin_cannot_follow_an_uploads_progress(client, staff):
    url = preview_url(upload(client, SimpleUploadedFile("ferry.txt", TEXT)))
    token = url.rstrip("/").rsplit("/", 1)[1]
    other = get_user_model().objects.create_superuser("other", "other@example.org", None)
    client.force_login(other)
    assert client.get(reverse("imports:status", args=[token])).status_code == 403
    client.logout()
    response = client.get(reverse("imports:status", args=[token]))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_progress_shows_the_failures_so_far(client, staff, database_tasks, run_worker):
    png = SimpleUploadedFile("image.png", b"\x89PNG\r\n\x1a\n" + bytes(100))
    url = preview_url(upload(client, SimpleUploadedFile("ferry.txt", TEXT), png))
    run_worker()
    state = client.get(url, HTTP_ACCEPT="application/json").json()
    assert state["done"] == state["total"] == 2 and state["failed"] == 1
    assert state["failures"][0]["path"] == "image.png"
    assert "PNG image" in state["failures"][0]["reason"]
    # The page a worker's progress is shown on, as it stood mid-way.
    token = url.rstrip("/").rsplit("/", 1)[1]
    folder = uploads.live_folder(token)
    (folder / "previews.json").unlink()
    uploads.write_state(folder, stage="reading", done=1)
    page = client.get(url).content.decode()
    assert '<span data-field="done">1</span> of <span data-field="total">2</span>' in page
    assert re.search(r'data-field="failed">1</span> failed so far', page)
    assert "Failures so far" in page and "<code>image.png</code>" in page

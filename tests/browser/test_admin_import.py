"""An admin imports an article with its discussion through the admin upload, in Chromium."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from archive.models import Article
from comments.models import Comment

from .conftest import DESKTOP, PHONE, assert_accessible, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTICLE = """Title: The ferry returns to Mill Quay
Kicker: Transport
Dek: After two winters in dry dock, the river ferry is back.
Source: The Harbourside Courier
Author: Mara Ellison
Published: 2025-03
---

The ferry crossed the river at seven on Monday morning, on time.

Regular passengers said the crossing felt shorter than before.

• Ann Reader

  Lovely to have it back.

  • Bob Rider

    Agreed, and quieter too.

    •

      A reply without an author.
"""


@pytest.fixture
def admin_user(settings, tmp_path):
    settings.AGORA_IMPORT_DIR = tmp_path / "imports"
    return get_user_model().objects.create_superuser("boss", "boss@example.org", "boss-pass-123")


def log_in(page) -> None:
    page.goto("/admin/login/")
    page.get_by_label("Username").fill("boss")
    page.get_by_label("Password").fill("boss-pass-123")
    page.get_by_role("button", name="Log in").click()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375px", "1280px"])
def test_upload_preview_correct_and_import(page, admin_user, tmp_path, viewport):
    page.set_viewport_size(viewport)
    width = viewport["width"]
    upload = tmp_path / "ferry.txt"
    upload.write_text(ARTICLE, encoding="utf-8")
    log_in(page)
    page.get_by_role("link", name="Import articles").first.click()
    assert_accessible(page)
    screenshot(page, f"admin-import-upload-{width}")

    page.get_by_label("Files or a zip archive").set_input_files(str(upload))
    page.get_by_role("button", name="Upload and preview").click()
    assert page.get_by_text("Lovely to have it back.").is_visible()
    assert page.locator(".import-thread .import-thread .import-thread li").count() == 1
    assert_accessible(page)
    screenshot(page, f"admin-import-preview-{width}")

    page.get_by_label("Kicker").fill("River transport")
    page.get_by_role("button", name="Import", exact=True).click()
    assert page.get_by_text("1 imported, 0 updated, 0 unchanged, 0 failed.").is_visible()
    assert_accessible(page)
    screenshot(page, f"admin-import-result-{width}")

    article = Article.objects.get()
    assert article.kicker == "River transport" and article.published_iso == "2025-03"
    assert Comment.objects.filter(article=article, is_archived=True).count() == 3


def test_a_reimport_keeps_a_revision_shown_as_a_diff(page, admin_user, tmp_path):
    first = tmp_path / "ferry.txt"
    first.write_text(ARTICLE, encoding="utf-8")
    changed = tmp_path / "ferry-2.txt"
    changed.write_text(
        ARTICLE.replace("URL:", "URL:").replace("on time.", "on time, to applause."),
        encoding="utf-8",
    )
    log_in(page)
    for path in (first, changed):
        page.goto("/admin/archive/article/import/")
        page.get_by_label("Files or a zip archive").set_input_files(str(path))
        page.get_by_role("button", name="Upload and preview").click()
        page.get_by_role("button", name="Import", exact=True).click()
    assert page.get_by_text("0 imported, 1 updated, 0 unchanged, 0 failed.").is_visible()
    screenshot(page, "admin-import-updated-1280")
    page.get_by_role("link", name="The ferry returns to Mill Quay").click()
    page.get_by_role("link", name="Show what changed").click()
    page.wait_for_url("**/articlerevision/*/change/")
    screenshot(page, "admin-revision-diff-1280")
    assert page.locator(".revision-diff .diff_add, .revision-diff .diff_chg").count() >= 1
    assert_accessible(page)

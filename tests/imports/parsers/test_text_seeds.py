"""The five seed articles in ../shared/seeds parse as their manifest says, without a manifest."""

import csv
from pathlib import Path

import pytest

from imports.parsers.base import walk
from imports.parsers.text import parse_text

SHARED = Path(__file__).resolve().parents[3] / ".." / "shared"
SEEDS = SHARED / "seeds"


@pytest.fixture(scope="module")
def manifest() -> dict[str, dict[str, str]]:
    if not SEEDS.is_dir():
        pytest.skip("../shared is absent: seed tests need the shared corpus beside the checkout")
    with (SEEDS / "manifest.csv").open(encoding="utf-8", newline="") as handle:
        return {row["file"][:3]: row for row in csv.DictReader(handle)}


def seed(number: str) -> bytes:
    matches = sorted(SEEDS.glob(f"{number}_*.txt"))
    assert matches, f"seed {number} is missing from {SEEDS}"
    return matches[0].read_bytes()


@pytest.mark.parametrize("number", ["000", "001", "003", "004"])
def test_it_finds_the_manifest_title_without_the_manifest(manifest, number):
    doc = parse_text(seed(number))
    assert doc.title == manifest[number]["title"]
    assert doc.format == "text"
    assert doc.warnings == []


def test_it_reads_kicker_title_dek_and_caption_of_seed_002(manifest):
    doc = parse_text(seed("002"))
    row = manifest["002"]
    assert (doc.kicker, doc.title, doc.dek) == (row["kicker"], row["title"], row["dek"])
    assert doc.caption == "Iraqi soldiers stand under a poster of Moqtada al-Sadr"
    assert doc.paragraphs[0].startswith("Which is it: Are the Iranians extraordinarily clever")
    assert all(doc.caption not in p for p in doc.paragraphs)


def test_it_drops_the_promo_line_of_seed_000(manifest):
    doc = parse_text(seed("000"))
    text = "\n".join(doc.paragraphs)
    assert "testPromo" not in text
    assert "Join HuffPost" not in text
    assert "No thanks" not in text
    assert doc.paragraphs[-1].startswith("Ignatius is too hardened a reporter")


def test_it_takes_the_signature_and_the_shouted_title_of_seed_001(manifest):
    doc = parse_text(seed("001"))
    assert doc.title == "FIXING TO GO ALL IN."
    assert doc.authors == [manifest["001"]["author"]] == ["Matthew Duss"]
    assert doc.paragraphs[0].startswith("There's some good reporting here from Spencer Ackerman.")
    assert not any("Matthew Duss" in p for p in doc.paragraphs)


def test_it_reads_the_comment_thread_of_seed_003(manifest):
    doc = parse_text(seed("003"))
    tree = [(c.author_name, depth) for depth, c in walk(doc.comments)]
    assert tree == [
        ("Don L", 0),
        ("liz", 1),
        ("Don L", 2),
        (None, 3),
        ("liz", 3),
        ("Don L", 4),
    ]
    assert doc.comment_count_declared == 6
    assert not doc.title.endswith("6")


def test_it_keeps_comments_and_article_apart_in_seed_003(manifest):
    doc = parse_text(seed("003"))
    body = "\n".join(doc.paragraphs)
    comments = [c for _, c in walk(doc.comments)]
    assert "Don L" not in body and "Phew…enough…I rant!" not in body
    assert "checks in the mail" not in body
    assert doc.paragraphs[-1].startswith("Tonight, the US rejected the offer")
    # The lone "*" separator stays in the article; it is not a comment.
    assert "*" in doc.paragraphs
    assert comments[0].body.startswith("…and the checks in the mail.")
    assert comments[3].body.startswith("Not a rant at all, Don L.")
    assert comments[5].body.startswith("Bow, salute and can I have this dance?")
    for comment in comments:
        assert "Washington Post" not in comment.body
        assert comment.body_html == ""


def test_it_keeps_comment_paragraphs_and_line_breaks_of_seed_003(manifest):
    doc = parse_text(seed("003"))
    don, liz = doc.comments[0], doc.comments[0].children[0]
    assert don.body.count("\n\n") == 1
    assert liz.body.startswith("That’s about it. Obama’s a joke, just not funny.\nI wonder")


@pytest.mark.parametrize("number", ["000", "001", "002", "003", "004"])
def test_it_never_invents_metadata_for_a_seed(manifest, number):
    doc = parse_text(seed(number))
    assert doc.url == doc.source_name == doc.source_url == ""
    assert doc.published is None and doc.precision == ""
    assert doc.paragraphs, "every seed has a body"
    assert all(p.strip() == p and p for p in doc.paragraphs)

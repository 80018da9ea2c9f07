"""Benchmarks of the archive app (`manage.py bench import [--quick]`)."""

from __future__ import annotations

import datetime
import random
import resource
import tempfile
import time
from pathlib import Path

from django.db import connection
from django.test.utils import override_settings

from archive.importers.base import ParsedComment, ParsedDocument
from archive.importers.text import parse_text, write_text
from config.benchmarks import database_time, register, target
from search.engine import backend as search_backend

WORDS = (
    "harbour council ferry library quay budget tide season evidence traffic lane garden "
    "winter timetable record archive reader letter opinion trial survey vote market river"
).split()


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def _thread(rng: random.Random, total: int) -> list[ParsedComment]:
    """`total` comments, replies up to five levels deep."""
    roots: list[ParsedComment] = []
    chain: list[ParsedComment] = []
    for number in range(total):
        comment = ParsedComment(
            author_name=f"Reader {rng.randint(1, 400)}",
            body=" ".join(_sentence(rng, 12) for _ in range(rng.randint(1, 3))),
        )
        depth = rng.randint(0, min(len(chain), 5)) if number else 0
        del chain[depth:]
        (chain[-1].children if chain else roots).append(comment)
        chain.append(comment)
    return roots


def generate(folder: Path, count: int, comments: int, seed: int = 7) -> int:
    """Write `count` text articles into `folder`, one at a time; return the bytes written."""
    rng = random.Random(seed)
    written = 0
    for number in range(count):
        doc = ParsedDocument(
            title=f"Bench article {number}: {_sentence(rng, 5)}",
            paragraphs=[" ".join(_sentence(rng, 18) for _ in range(4)) for _ in range(8)],
            kicker="Bench",
            source_name=f"Bench Source {number % 20}",
            source_url=f"https://source{number % 20}.example.org",
            authors=[f"Writer {number % 50}"],
            url=f"https://source{number % 20}.example.org/{number}",
            published=datetime.date(2000 + number % 25, 1 + number % 12, 1 + number % 28),
            precision="day",
            comments=_thread(rng, comments),
        )
        data = write_text(doc).encode()
        (folder / f"{number:05d}.txt").write_bytes(data)
        written += len(data)
    return written


def _peak_mb() -> float:
    # Linux reports ru_maxrss in kilobytes.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@register("import")
def import_bench(*, quick: bool, log) -> dict:
    """Import generated text articles with 50 comments each into a throwaway database."""
    from archive.importing import import_paths

    count, per_article = (100, 50) if quick else (2000, 50)
    with tempfile.TemporaryDirectory(prefix="agora-bench-") as tmp:
        folder = Path(tmp) / "articles"
        folder.mkdir()
        log(f"writing {count} articles with {per_article} comments each…")
        size = generate(folder, count, per_article)

        log("parsing only…")
        start = time.perf_counter()
        for path in sorted(folder.iterdir()):
            parse_text(path.read_bytes())
        parse_seconds = time.perf_counter() - start

        # Never the development database: a test database made for this run, then dropped.
        if connection.vendor == "sqlite":
            connection.settings_dict.setdefault("TEST", {})["NAME"] = str(Path(tmp) / "bench.db")
        old_name = connection.settings_dict["NAME"]
        connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
        try:
            log(f"importing into {connection.vendor} ({connection.settings_dict['NAME']})…")
            # As in production: with DEBUG on, Django also logs every statement it runs.
            with override_settings(DEBUG=False), database_time("archive.loader.copy_rows") as db:
                start = time.perf_counter()
                summary = import_paths([folder], format="text")
                whole_seconds = time.perf_counter() - start
            peak = _peak_mb()  # the import's, before the rebuild below reads every row
            # Where the database part goes: indexing these rows for search, timed as one
            # rebuild of the index over them (the import indexes them in batches instead).
            start = time.perf_counter()
            search_backend().rebuild()
            index_seconds = time.perf_counter() - start
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)
    if summary.failed:
        raise RuntimeError(f"the benchmark import failed: {summary.failures[:3]}")
    comments = count * per_article
    ratio = whole_seconds / parse_seconds if parse_seconds else 0.0
    # The whole is parsing + the database's own work + our Python between the two (checking
    # fields, building rows, sanitizing); the database part is timed statement by statement.
    database_ratio = db.seconds / parse_seconds if parse_seconds else 0.0
    loader_seconds = whole_seconds - db.seconds - parse_seconds
    return {
        "database": connection.vendor,
        "documents": count,
        "comments": comments,
        "megabytes_of_text": round(size / 1e6, 1),
        "imported": summary.imported,
        "parse_only_seconds": round(parse_seconds, 2),
        "whole_seconds": round(whole_seconds, 2),
        "documents_per_second": round(count / whole_seconds, 1),
        "comments_per_second": round(comments / whole_seconds, 1),
        "whole_to_parse_ratio": round(ratio, 2),
        "database_seconds": round(db.seconds, 2),
        "database_statements": db.statements,
        "database_to_parse_ratio": round(database_ratio, 2),
        "loader_python_seconds": round(loader_seconds, 2),
        "search_index_rebuild_seconds": round(index_seconds, 2),
        "index_rebuild_to_parse_ratio": round(index_seconds / parse_seconds, 2),
        "peak_memory_mb": round(peak, 1),
        "targets": {
            "database_to_parse_ratio": target(database_ratio, 2.0),
            "whole_to_parse_ratio": target(ratio, 3.0),
            "peak_memory_mb": target(peak, 300),
        },
    }

"""web.text's rule applied to the records of a backup being restored, counting what it
removed per record type and key, so the restore can say so (nothing dropped silently)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator

from web.text import clean_text_changed

# Keys of export records shown on one line.
_RECORD_LINE_KEYS = frozenset(
    {"title", "kicker", "dek", "name", "display_name", "archived_author_name", "rule_title"}
)


class RecordCleaner:
    """Passes an export's records through the rule, counting what changed per type and key."""

    def __init__(self) -> None:
        self.changes: Counter[tuple[str, str]] = Counter()

    def clean(self, records: Iterable[dict]) -> Iterator[dict]:
        for record in records:
            yield self.clean_record(record)

    def clean_record(self, record: dict) -> dict:
        kind = str(record.get("type", "record"))
        for key, value in record.items():
            if isinstance(value, str):
                cleaned, was_changed = clean_text_changed(
                    value, single_line=key in _RECORD_LINE_KEYS
                )
            elif isinstance(value, list) and any(isinstance(v, str) for v in value):
                pairs = [clean_text_changed(v) if isinstance(v, str) else (v, False) for v in value]
                cleaned = [v for v, _ in pairs]
                was_changed = any(c for _, c in pairs)
            else:
                continue
            record[key] = cleaned
            if was_changed:
                self.changes[kind, key] += 1
        return record

    @property
    def warnings(self) -> list[str]:
        return [
            f"removed characters that pages and feeds cannot carry from {count:,} {kind} "
            f"{key}{'s' if count != 1 else ''}"
            for (kind, key), count in sorted(self.changes.items())
        ]

"""Import parsers: bytes of a file in, plain dataclasses out.

Nothing here touches the database or imports Django models, so the parsers can be tested and
benchmarked on their own; the loader maps ParsedDocument onto models.
"""

from imports.parsers.base import ParsedComment, ParsedDocument, ParseError, parse_date, walk

__all__ = ["ParseError", "ParsedComment", "ParsedDocument", "parse_date", "walk"]

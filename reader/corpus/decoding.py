"""Turn a file's bytes into text, or say in plain words why that is not possible."""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

MAX_ARTICLE_BYTES = 16 * 1024 * 1024
"""A single article file larger than this is not an article (a dump, a log, a disk image)."""

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


class UnreadableText(ValueError):
    """Raised with a reason a person can act on ("binary file", "empty file")."""


def looks_binary(data: bytes) -> bool:
    """NUL bytes or many control characters in the first 8 KiB mean this is not text."""
    head = data[:8192]
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    return controls > max(8, len(head) // 20)


def decode_bytes(data: bytes) -> tuple[str, str]:
    """(text, encoding name): BOMs first, then UTF-8, then charset-normalizer's best guess."""
    if not data.strip():
        raise UnreadableText("empty file")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise UnreadableText(f"cannot decode as {encoding}: {exc.reason}") from exc
    if looks_binary(data):
        raise UnreadableText("binary file, not text")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise UnreadableText("cannot decode text: the encoding is not recognisable")
    return str(best), best.encoding

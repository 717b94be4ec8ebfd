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
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return controls > max(8, len(head) // 20)


_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 27))


def _cp1252_bytes(error: UnicodeError) -> tuple[str, int]:
    """Codec error handler: read the undecodable bytes as cp1252."""
    assert isinstance(error, UnicodeDecodeError)
    bad = error.object[error.start : error.end]
    return bad.decode("cp1252", errors="replace"), error.end


codecs.register_error("reader-cp1252", _cp1252_bytes)


def _mostly_utf8(data: bytes) -> str | None:
    """UTF-8 text with a few stray cp1252 bytes (a pasted curly quote) is still UTF-8: read the
    stray bytes as cp1252 rather than let a detector pick an encoding that garbles the rest."""
    valid = bad = 0
    view = data
    while view:
        try:
            view.decode("utf-8")
            valid += sum(1 for b in view if b >= 0xC0)
            break
        except UnicodeDecodeError as exc:
            valid += sum(1 for b in view[: exc.start] if b >= 0xC0)
            bad += 1
            if bad > 50:
                return None
            view = view[exc.end :]
    if bad > valid:
        return None  # no real UTF-8 here: a single-byte encoding, for the detector to name
    return data.decode("utf-8", errors="reader-cp1252")


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
    mixed = _mostly_utf8(data)
    if mixed is not None:
        return mixed, "utf-8"
    results = from_bytes(data)
    best = results.best()
    if best is None or best.encoding is None:
        raise UnreadableText("cannot decode text: the encoding is not recognisable")
    # When several code pages read the bytes equally well, take windows-1252, the web's
    # default for Western text (WHATWG), over a Central European or Mac guess.
    for match in results:
        if match.encoding == "cp1252" and match.chaos <= best.chaos + 0.01:
            return str(match), "cp1252"
    return str(best), best.encoding

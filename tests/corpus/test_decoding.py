"""Bytes to text: BOMs, UTF-8, stray cp1252 bytes in UTF-8, single-byte encodings, refusals."""

from __future__ import annotations

import codecs

import pytest

from reader.corpus.decoding import UnreadableText, decode_bytes


def test_utf8_with_a_stray_cp1252_quote_stays_utf8() -> None:
    data = "Café “owners” say Putin’s visit".encode() + b" \x93matters\x94 and it\x92s late"
    text, encoding = decode_bytes(data)
    assert encoding == "utf-8"
    assert text == "Café “owners” say Putin’s visit “matters” and it’s late"


def test_cp1252_file_is_read() -> None:
    text, _ = decode_bytes("Crème brûlée – “quoted” at the café, said Zoë.".encode("cp1252"))
    assert text == "Crème brûlée – “quoted” at the café, said Zoë."


@pytest.mark.parametrize("bom", [codecs.BOM_UTF8, codecs.BOM_UTF16_LE])
def test_byte_order_marks(bom: bytes) -> None:
    encoding = "utf-8" if bom == codecs.BOM_UTF8 else "utf-16-le"
    text, _ = decode_bytes(bom + "Moscow — Beijing".encode(encoding))
    assert text == "Moscow — Beijing"


@pytest.mark.parametrize(
    ("data", "reason"),
    [(b"", "empty"), (b"  \n ", "empty"), (b"\x89PNG\r\n\x1a\n\x00\x00", "binary")],
)
def test_refusals_say_why(data: bytes, reason: str) -> None:
    with pytest.raises(UnreadableText, match=reason):
        decode_bytes(data)

"""N-way collation of the seed versions: 003 (the original) against 002 and 004."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.corpus.importer import load_article
from reader.diff.collation import collate


def test_seed_cluster_kept_by(sample_dir: Path) -> None:
    docs = ["003_10760c25aed7da9a.txt", "002_ea469877a8e8ba82.txt", "004_411ed3200d205ea6.txt"]
    base, v002, v004 = (load_article(sample_dir, d) for d in docs)
    c = collate([base, v002, v004])
    assert len(c.rows) == len(base.paragraphs) == 19
    by_text = {base.body[r.span[0] : r.span[1]].strip()[:40]: r for r in c.rows}
    troops = next(r for t, r in by_text.items() if t.startswith("A buildup of more than 100,000"))
    assert [k.status for k in troops.kept] == ["none", "none"] and troops.kept_by == 0
    olympics = next(r for t, r in by_text.items() if t.startswith("While Western officials"))
    assert [k.status for k in olympics.kept] == ["edited", "edited"]
    ushakov = next(r for t, r in by_text.items() if t.startswith("Yuri Ushakov"))
    assert [k.status for k in ushakov.kept] == ["whole", "none"]  # style-only counts as whole
    assert ushakov.kept[0].paragraphs == (9,)
    # What each version adds: 002 Wang Yi and Kashin; 004 its new lede and the EU paragraphs.
    added_002 = [c.texts[1][a.span[0] : a.span[1]] for a in c.additions[0]]
    assert any("Wang Yi" in t for t in added_002) and any("Vasily Kashin" in t for t in added_002)
    added_004 = " ".join(c.texts[2][a.span[0] : a.span[1]] for a in c.additions[1])
    assert "Nabila Massrali" in added_004
    assert c.to_json()["rows"][0]["kept"][0]["status"] in {"whole", "edited", "none"}


def test_collate_needs_a_base() -> None:
    with pytest.raises(ValueError):
        collate([])
    only = collate(["One.\n\nTwo."])
    assert [r.kept for r in only.rows] == [(), ()]

"""The cluster view of the seeds' version cluster: 003 the base, 002 and 004 its versions."""

from __future__ import annotations

from PySide6.QtCore import Qt

from reader.ui.cluster.view import ClusterView
from tests.ui.conftest import LISTING_TIMEOUT_MS

BASE = "003_10760c25aed7da9a.txt"
V002 = "002_ea469877a8e8ba82.txt"
V004 = "004_411ed3200d205ea6.txt"


def _open_cluster(qtbot, window) -> ClusterView:  # type: ignore[no-untyped-def]
    action = window.actions_by_id["related.cluster"]
    with qtbot.waitSignal(window.article_shown, timeout=LISTING_TIMEOUT_MS):
        window.open_article(V002)
    qtbot.waitUntil(action.isEnabled, timeout=LISTING_TIMEOUT_MS)
    action.trigger()
    view = window.cluster_view
    assert view is not None and view.isVisible()
    qtbot.waitExposed(view)
    return view


def test_the_seed_cluster_has_003_as_base_and_002_004_by_date(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    view = _open_cluster(qtbot, window)
    assert view.base.id == BASE
    assert view.version_ids() == [V002, V004]
    dates = [v.date or "~" for v in view.versions]
    assert dates == sorted(dates)
    tree = view.tree
    assert [tree.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole) for i in range(2)] == [
        V002,
        V004,
    ]
    assert tree.topLevelItem(0).text(3).endswith("%")
    assert "Vasily Kashin" in view.additions_pane.toPlainText()  # 002's additions, in full
    assert any("Kashin" in tree.topLevelItem(0).child(i).toolTip(0)
               for i in range(tree.topLevelItem(0).childCount()))  # fmt: skip


def test_kept_by_cells_say_who_kept_each_paragraph(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    view = _open_cluster(qtbot, window)
    base = view.collation.texts[0]
    troops = base.index("more than 100,000 Russian troops")
    row = next(r for r in view.collation.rows if r.span[0] <= troops < r.span[1])
    cell_002 = view.cells[row.paragraph][0]
    assert cell_002.property("status") == "none"
    assert "not kept" in cell_002.toolTip() and V002 in cell_002.toolTip()
    everyone = next(r for r in view.collation.rows if r.kept_by == 2)
    for cell in view.cells[everyone.paragraph]:
        assert cell.property("status") in ("whole", "edited")
        assert "kept" in cell.toolTip() and "not kept" not in cell.toolTip()


def test_clicking_a_version_opens_the_compare_view(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    view = _open_cluster(qtbot, window)
    item = view.tree.topLevelItem(1)
    rect = view.tree.visualItemRect(item)
    qtbot.mouseClick(view.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    compare = window.compare_view
    assert compare is not None and compare.isVisible()
    assert (compare.a.id, compare.b.id) == (BASE, V004)
    view.tree.setCurrentItem(view.tree.topLevelItem(0))
    view.tree.setFocus()
    qtbot.keyClick(view.tree, Qt.Key.Key_Return)
    assert (window.compare_view.a.id, window.compare_view.b.id) == (BASE, V002)


def test_the_action_is_off_for_an_article_without_versions(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    action = window.actions_by_id["related.cluster"]
    _open_cluster(qtbot, window)
    assert action.isEnabled()
    with qtbot.waitSignal(window.session.related_ready, timeout=LISTING_TIMEOUT_MS):
        window.open_article("000_93546f115f4d6ef1.txt")
    assert not action.isEnabled()

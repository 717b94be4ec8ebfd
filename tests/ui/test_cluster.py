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


def test_the_cluster_view_plots_who_ran_the_story_first(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    view = _open_cluster(qtbot, window)
    plot = view.timeline
    rects = plot.marker_rects()
    assert set(rects) == {BASE, V002}  # 004 carries no date: named under the axis instead
    assert rects[BASE].center().x() < rects[V002].center().x()
    assert "Undated (1)" in plot._undated_text()
    with qtbot.waitSignal(window.article_shown, timeout=LISTING_TIMEOUT_MS):
        qtbot.mouseClick(plot, Qt.MouseButton.LeftButton, pos=rects[BASE].center().toPoint())
    assert window._open_id == BASE


def test_story_timeline_of_a_same_event_story_lists_all_five(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    action = window.actions_by_id["related.timeline"]
    nyt = "000_93546f115f4d6ef1.txt"
    with qtbot.waitSignal(window.article_shown, timeout=LISTING_TIMEOUT_MS):
        window.open_article(nyt)
    qtbot.waitUntil(action.isEnabled, timeout=LISTING_TIMEOUT_MS)
    assert not window.actions_by_id["related.cluster"].isEnabled()  # 000 has no versions
    action.trigger()
    view = window.timeline_view
    assert view is not None and view.isVisible()
    items = [view.list.topLevelItem(i) for i in range(view.list.topLevelItemCount())]
    ids = [item.data(0, Qt.ItemDataRole.UserRole) for item in items]
    assert len(ids) == 5 and ids[:2] == [BASE, V002]
    assert [items[0].text(1), items[1].text(1)] == ["first", "1 day later"]
    kinds = {item.data(0, Qt.ItemDataRole.UserRole): item.text(3) for item in items}
    assert kinds[BASE] == "likely original" and kinds[V004] == "version"
    assert kinds[nyt] == "same event"
    view.list.setFocus()
    view.list.setCurrentItem(items[1])
    with qtbot.waitSignal(window.article_shown, timeout=LISTING_TIMEOUT_MS):
        qtbot.keyClick(view.list, Qt.Key.Key_Return)
    assert window._open_id == V002


def test_a_big_cluster_is_collated_on_a_worker(qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from reader.corpus.importer import load_article
    from reader.ui.cluster.view import THREAD_ABOVE_WORDS

    paragraphs = [
        f"Paragraph {n} of the long wire story reports fact {n}, quotes source {n % 17} and adds "
        f"a detail about place {n % 23} that later outlets may keep, cut or reword for space."
        for n in range(1, 400)
    ]
    versions = {"base.txt": paragraphs, "cut.txt": paragraphs[::2], "more.txt": paragraphs[:300]}
    for name, paras in versions.items():
        (tmp_path / name).write_text("Long story\n\n" + "\n\n".join(paras), "utf-8")
    base, *others = (load_article(tmp_path, name) for name in versions)
    assert base.word_count + sum(o.word_count for o in others) > THREAD_ABOVE_WORDS
    view = ClusterView(base, others)
    qtbot.addWidget(view)
    view.show()
    assert view.collation is None and view.waiting.isVisible()  # the window is not held up
    with qtbot.waitSignal(view.collated, timeout=LISTING_TIMEOUT_MS):
        pass
    assert view.collation is not None and not view.waiting.isVisible()
    assert len(view.cells) == len(paragraphs)
    statuses = [cell.property("status") for cell in view.cells[1]]  # ¶2: cut by "cut.txt"
    assert statuses == ["none", "whole"]

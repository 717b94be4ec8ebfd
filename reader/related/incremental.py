"""Relate a few added articles against stored results, without relating the corpus again.

When the only change since the last full run is a handful of new articles (none changed or
removed), each new article is compared with its candidates alone, read from the full run's
`snapshot` plus the few articles added since (the *tail*, held in memory):

* **versions** — the stories in its LSH buckets (one `searchsorted` per band), verified by
  containment exactly as a full run does (the same bucket and boilerplate rules, counted over
  snapshot and tail);
* **event** — the stories that share one of its terms held by at most `MAX_DF` stories (no
  other story can score above zero), their TF-IDF rows rebuilt from raw counts with the
  document frequencies of the corpus as it is now: the scores a full run would give.

It then joins clusters by the rules of a full run:

* **versions** — it joins the cluster whose original it is linked to (the strongest such
  link); failing that, it opens a cluster with the linked stories no cluster holds yet;
* **event** — it joins its version cluster's event group; failing that, the group with the
  highest average similarity to it (absent pairs count 0) when that reaches the threshold,
  or forms a pair with its best unplaced neighbour.

Results can differ from a full run's where a new article would have changed the order in
which average linkage merged older ones; a full run (any change or removal, or more than
`MAX_SHARE` of the corpus added since the last one) puts that right.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import numpy.typing as npt
from scipy import sparse

from reader.related import events
from reader.related.clusters import EVENT, VERSIONS, Cluster, DocFacts, order_versions
from reader.related.events import EventTerms
from reader.related.lsh import BANDS, MAX_BUCKET, band_keys
from reader.related.relations import Link
from reader.related.snapshot import VIEWS, Snapshot, view_terms
from reader.related.versions import MAX_DF, verify_pairs

MAX_SHARE = 0.01
"""At most this share of the corpus (and at least 50 articles) is related incrementally
between two full runs."""


def applies(added: int, total: int) -> bool:
    return 0 < added <= max(50, MAX_SHARE * total)


class Stored(Protocol):
    """What the stored results answer (`relating` reads them from SQLite)."""

    def memberships(self, ids: Iterable[str]) -> dict[str, tuple[int | None, int | None]]: ...
    def cluster(self, number: int) -> Cluster: ...
    def facts(self, ids: Iterable[str]) -> dict[str, DocFacts]: ...
    def next_number(self) -> int: ...


@dataclass(frozen=True, slots=True)
class TailDoc:
    """An article related since the snapshot (or being related now), with its fingerprint."""

    facts: DocFacts
    signature: npt.NDArray[np.uint32]
    shingles: int
    terms: EventTerms


@dataclass
class Incremental:
    """What an incremental run found and must store."""

    links: list[Link] = field(default_factory=list)
    changed: dict[int, Cluster] = field(default_factory=dict)


class _Clusters:
    """Clusters and memberships read from the store as needed, changed in memory."""

    def __init__(self, stored: Stored) -> None:
        self.stored = stored
        self.clusters: dict[int, Cluster] = {}
        self.of: dict[str, list[int | None]] = {}
        self.next_number = stored.next_number()

    def load(self, ids: Iterable[str]) -> None:
        missing = [d for d in ids if d not in self.of]
        for doc, pair in self.stored.memberships(missing).items():
            self.of[doc] = list(pair)
            for number in pair:
                if number is not None and number not in self.clusters:
                    self.clusters[number] = self.stored.cluster(number)
        for doc in missing:
            self.of.setdefault(doc, [None, None])

    def version_of(self, doc: str) -> int | None:
        self.load([doc])
        return self.of[doc][0]

    def event_of(self, doc: str) -> int | None:
        self.load([doc])
        return self.of[doc][1]

    def put(self, number: int, cluster: Cluster) -> None:
        self.clusters[number] = cluster
        self.load(cluster.members)
        for member in cluster.members:
            self.of[member][0 if cluster.kind == VERSIONS else 1] = number

    def new_number(self) -> int:
        self.next_number += 1
        return self.next_number - 1


class _Corpus:
    """Snapshot rows (0..n-1) and tail rows (n..n+m-1) as one numbering."""

    def __init__(self, snap: Snapshot, tail: Sequence[TailDoc]) -> None:
        self.snap = snap
        self.tail = list(tail)
        self.n = len(snap)
        self.size = self.n + len(self.tail)
        self.tail_signatures = np.stack([t.signature for t in tail]).astype(np.uint32)
        self.tail_usable = np.array([t.shingles > 0 for t in tail], dtype=bool)
        self.tail_keys = np.stack(
            [band_keys(self.tail_signatures, band) for band in range(BANDS)], axis=1
        )
        self.tail_days = events.day_numbers([t.terms.date for t in tail])
        # Per view: the tail's entries (row, hash, count) and the counts of each hash.
        self.tail_views: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        self.tail_df: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        per_doc = [view_terms(t.terms) for t in tail]
        for view in VIEWS:
            hashes = [p[view][0] for p in per_doc]
            lengths = np.array([len(h) for h in hashes], dtype=np.int64)
            flat = np.concatenate(hashes).astype(np.uint32)
            counts = np.concatenate([p[view][1] for p in per_doc]).astype(np.float32)
            rows = np.repeat(np.arange(self.n, self.size, dtype=np.int64), lengths)
            self.tail_views[view] = (rows, flat, counts)
            self.tail_df[view] = np.unique(flat, return_counts=True)

    def doc_id(self, row: int) -> str:
        return self.snap.ids[row] if row < self.n else self.tail[row - self.n].facts.doc_id

    def signatures(self, rows: npt.NDArray[np.int64]) -> npt.NDArray[np.uint32]:
        base = rows < self.n
        out = np.empty((len(rows), self.tail_signatures.shape[1]), dtype=np.uint32)
        out[base] = self.snap.signatures[rows[base]]
        out[~base] = self.tail_signatures[rows[~base] - self.n]
        return out

    def shingles(self, rows: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        base = rows < self.n
        out = np.empty(len(rows), dtype=np.int64)
        out[base] = self.snap.shingles[rows[base]]
        out[~base] = [self.tail[r - self.n].shingles for r in rows[~base].tolist()]
        return out

    def days(self, rows: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        base = rows < self.n
        out = np.empty(len(rows), dtype=np.int64)
        out[base] = self.snap.days[rows[base]]
        out[~base] = self.tail_days[rows[~base] - self.n]
        return out

    # -- versions --
    def bucket_mates(self, row: int) -> npt.NDArray[np.int64]:
        """Stories sharing a band with `row` (a tail row), buckets over `MAX_BUCKET` ignored."""
        t = row - self.n
        if not self.tail_usable[t]:
            return np.empty(0, dtype=np.int64)
        found = []
        for band in range(BANDS):
            key = self.tail_keys[t, band]
            in_snapshot = self.snap.bucket(band, key)
            in_tail = np.flatnonzero((self.tail_keys[:, band] == key) & self.tail_usable)
            if len(in_snapshot) + len(in_tail) > MAX_BUCKET:
                continue
            found.append(in_snapshot.astype(np.int64))
            found.append(in_tail + self.n)
        mates: npt.NDArray[np.int64] = (
            np.unique(np.concatenate(found)) if found else np.empty(0, dtype=np.int64)
        )
        others: npt.NDArray[np.int64] = mates[mates != row]
        return others

    def frequent(self, rows: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
        """Signature entries of `rows` whose value more than `MAX_DF` stories hold."""
        values = self.signatures(rows)
        mask = np.zeros(values.shape, dtype=bool)
        for col in range(values.shape[1]):
            column = self.snap.values_sorted[col]
            counts = np.searchsorted(column, values[:, col], "right") - np.searchsorted(
                column, values[:, col], "left"
            )
            counts += (self.tail_signatures[:, col][None, :] == values[:, col][:, None]).sum(1)
            mask[:, col] = counts > MAX_DF
        return mask

    # -- events --
    def event_scores(self, row: int) -> tuple[npt.NDArray[np.int64], dict[str, np.ndarray]]:
        """Stories sharing a relating term with `row`, and their cosines per view (the new
        row itself excluded), computed as `events.event_vectors` would over the corpus."""
        t = row - self.n
        own = view_terms(self.tail[t].terms)
        candidates: list[np.ndarray] = []
        for view in VIEWS:
            hashes = own[view][0].astype(np.uint32)
            df = self._df(view, hashes)
            rare = hashes[(df >= 2) & (df <= events.MAX_DF)]
            v = self.snap.views[view]
            at = np.searchsorted(v.vocab, rare)
            inside = at < len(v.vocab)
            inside[inside] = v.vocab[at[inside]] == rare[inside]
            for col in at[inside].tolist():
                candidates.append(np.asarray(v.post_docs[v.post_ptr[col] : v.post_ptr[col + 1]]))
            rows, flat, _counts = self.tail_views[view]
            candidates.append(rows[np.isin(flat, rare)])
        found = np.unique(np.concatenate(candidates)) if candidates else np.empty(0, np.int64)
        found = found[found != row].astype(np.int64)
        local = np.r_[row, found]
        cosines: dict[str, np.ndarray] = {}
        has = np.ones(len(local), dtype=bool)
        for view in VIEWS:
            matrix, has_terms = self._vectors(view, local)
            cosines[view] = np.asarray((matrix[1:] @ matrix[0].T).todense()).ravel()
            if view == "specifics":
                has = has_terms
        cosines["both_specific"] = has[1:] & has[0]
        return found, cosines

    def _df(self, view: str, hashes: npt.NDArray[np.uint32]) -> npt.NDArray[np.int64]:
        """Stories holding each term now: snapshot plus tail."""
        v = self.snap.views[view]
        out = np.zeros(len(hashes), dtype=np.int64)
        at = np.searchsorted(v.vocab, hashes)
        inside = at < len(v.vocab)
        inside[inside] = v.vocab[at[inside]] == hashes[inside]
        out[inside] = v.df[at[inside]]
        tail_hashes, tail_counts = self.tail_df[view]
        at = np.searchsorted(tail_hashes, hashes)
        inside = at < len(tail_hashes)
        inside[inside] = tail_hashes[at[inside]] == hashes[inside]
        out[inside] += tail_counts[at[inside]]
        return out

    def _vectors(
        self, view: str, local: npt.NDArray[np.int64]
    ) -> tuple[sparse.csr_matrix, npt.NDArray[np.bool_]]:
        """TF-IDF rows (terms over `MAX_DF` dropped) of the given stories, and whether each
        has any term at all before that drop."""
        v = self.snap.views[view]
        in_base = np.flatnonzero(local < self.n)
        starts = np.asarray(v.indptr[local[in_base]])
        lengths = np.asarray(v.indptr[local[in_base] + 1]) - starts
        offsets = np.r_[0, np.cumsum(lengths)[:-1]] if len(lengths) else lengths
        entries = np.repeat(starts - offsets, lengths) + np.arange(int(lengths.sum()))
        tail_rows, tail_flat, tail_counts = self.tail_views[view]
        in_tail = np.isin(tail_rows, local)
        # `local` is the new row, then the others sorted: find each tail entry's position.
        order = np.argsort(local)
        tail_k = order[np.searchsorted(local[order], tail_rows[in_tail])]
        flat = np.r_[np.asarray(v.hashes[entries]), tail_flat[in_tail]]
        vocab, cols = np.unique(flat.astype(np.uint32), return_inverse=True)
        df = self._df(view, vocab)
        matrix = events.weighted_rows(
            np.r_[np.repeat(in_base, lengths), tail_k].astype(np.int64),
            cols,
            np.r_[np.asarray(v.tf[entries]), tail_counts[in_tail]].astype(np.float32),
            df,
            self.size,
            len(local),
        )
        has = np.diff(matrix.indptr) > 0
        return events.columns_upto(matrix, df, events.MAX_DF), has


def relate_added(
    snap: Snapshot, tail: Sequence[TailDoc], added: Sequence[str], stored: Stored
) -> Incremental:
    """Links and cluster changes for the `added` articles (all of them in `tail`)."""
    corpus = _Corpus(snap, tail)
    tail_row = {t.facts.doc_id: corpus.n + k for k, t in enumerate(tail)}
    rows = np.array(sorted(tail_row[d] for d in added), dtype=np.int64)
    clusters = _Clusters(stored)
    out = Incremental()
    facts_of = _Facts(tail, stored)

    version_links, links = _version_links(corpus, rows)
    out.links.extend(links)
    for row in rows.tolist():
        doc = corpus.doc_id(row)
        number = _join_versions(doc, version_links.get(doc, {}), clusters, facts_of)
        if number is not None:
            out.changed[number] = clusters.clusters[number]

    for row in rows.tolist():
        doc = corpus.doc_id(row)
        near, cosines = _event_neighbours(corpus, row)
        clusters.load([doc, *near])
        joined = _join_event(doc, near, clusters, facts_of)
        if joined is None:
            continue
        group, version = joined
        out.changed[group] = clusters.clusters[group]
        out.links.extend(_event_links(doc, near, cosines, group, version, clusters))
    return out


class _Facts:
    """Articles' facts by id: the tail's held in memory, the others read from the store."""

    def __init__(self, tail: Sequence[TailDoc], stored: Stored) -> None:
        self.tail = {t.facts.doc_id: t.facts for t in tail}
        self.stored = stored

    def __call__(self, ids: Iterable[str]) -> list[DocFacts]:
        ids = list(dict.fromkeys(ids))
        found = {d: self.tail[d] for d in ids if d in self.tail}
        found |= self.stored.facts([d for d in ids if d not in found])
        return [found[d] for d in ids if d in found]


def _version_links(
    corpus: _Corpus, rows: npt.NDArray[np.int64]
) -> tuple[dict[str, dict[str, float]], list[Link]]:
    """The new rows' versions: their candidates alone, verified as in a full run. Returns
    each linked story's containment by story (both ways), and the links (both ways)."""
    pair_parts = [np.stack([np.full(len(m), r), m], axis=1)
                  for r in rows.tolist() if len(m := corpus.bucket_mates(r))]  # fmt: skip
    pairs = np.concatenate(pair_parts) if pair_parts else np.empty((0, 2), dtype=np.int64)
    involved = np.unique(pairs) if len(pairs) else np.empty(0, dtype=np.int64)
    local = np.searchsorted(involved, pairs)
    links = verify_pairs(corpus.signatures(involved), corpus.shingles(involved), local,
                         corpus.frequent(involved))  # fmt: skip
    version_links: dict[str, dict[str, float]] = defaultdict(dict)
    found: list[Link] = []
    for a, b, c, ka, kb in zip(links.rows.tolist(), links.cols.tolist(),
                               links.containment.tolist(), links.kept_row.tolist(),
                               links.kept_col.tolist(), strict=True):  # fmt: skip
        da, db = corpus.doc_id(int(involved[a])), corpus.doc_id(int(involved[b]))
        if da in version_links[db]:
            continue  # two new articles: the pair came twice
        version_links[da][db] = c
        version_links[db][da] = c
        found.append(Link(da, db, VERSIONS, c, ka, None, None))
        found.append(Link(db, da, VERSIONS, c, kb, None, None))
    return version_links, found


def _join_versions(
    doc: str, linked: Mapping[str, float], clusters: _Clusters, facts_of: _Facts
) -> int | None:
    """Puts a new article in the version cluster of the original it is linked to most
    strongly, or in a new one with the linked stories no cluster holds yet. Returns the
    cluster changed, if any."""
    clusters.load(linked)
    to_originals = []
    for other, c in linked.items():
        number = clusters.version_of(other)
        if number is not None and clusters.clusters[number].original == other:
            to_originals.append((c, number))
    if to_originals:
        _c, number = max(to_originals)
        members = facts_of([*clusters.clusters[number].members, doc])
    else:
        free = [d for d in linked if clusters.version_of(d) is None]
        if not free:
            return None
        number = clusters.new_number()
        members = facts_of([doc, *free])
    clusters.put(number, _versions(members))
    return number


def _event_neighbours(
    corpus: _Corpus, row: int
) -> tuple[dict[str, float], dict[str, tuple[float, float]]]:
    """The stories a new row's similarity reaches `events.MIN_EDGE` with, as the full graph
    scores them (dates too far apart score 0): each one's similarity, and its words and
    names cosines."""
    others, cosines = corpus.event_scores(row)
    w, n = cosines["words"], cosines["names"]
    score = events.combined(w, n, cosines["specifics"], cosines["both_specific"])
    own_day = int(corpus.days(np.array([row]))[0])
    if own_day >= 0:
        days = corpus.days(others)
        score[(days >= 0) & (np.abs(days - own_day) > events.DATE_WINDOW_DAYS)] = 0.0
    near = np.flatnonzero(score >= events.MIN_EDGE)
    near_ids = {corpus.doc_id(int(others[j])): float(score[j]) for j in near.tolist()}
    near_parts = {corpus.doc_id(int(others[j])): (float(w[j]), float(n[j]))
                  for j in near.tolist()}  # fmt: skip
    return near_ids, near_parts


def _join_event(
    doc: str, near: Mapping[str, float], clusters: _Clusters, facts_of: _Facts
) -> tuple[int, int | None] | None:
    """Puts a new article in an event group (`_event_group`), or in a new pair with its best
    unplaced neighbour; its versions without a group come along. Returns the group and the
    article's version cluster, or None when it joins no group."""
    group = _event_group(doc, near, clusters)
    if group is None:
        best = sorted((d for d in near if clusters.event_of(d) is None),
                      key=lambda d: -near[d])  # fmt: skip
        if not best or near[best[0]] < events.THRESHOLD:
            return None
        group = clusters.new_number()
        members = facts_of([best[0], doc])
    else:
        members = facts_of([*clusters.clusters[group].members, doc])
    version = clusters.version_of(doc)
    if version is not None:  # its versions without a group come along
        members += facts_of(m for m in clusters.clusters[version].members
                            if clusters.event_of(m) is None)  # fmt: skip
    clusters.put(group, _event(members))
    return group, version


def _event_links(
    doc: str,
    near: Mapping[str, float],
    cosines: Mapping[str, tuple[float, float]],
    group: int,
    version: int | None,
    clusters: _Clusters,
) -> list[Link]:
    """Event links (both ways) between a new article and the neighbours in its group that
    are not its versions."""
    in_group = set(clusters.clusters[group].members)
    version_group = set(clusters.clusters[version].members) if version is not None else set()
    links: list[Link] = []
    for other, s in near.items():
        if other in in_group and other != doc and other not in version_group:
            wj, nj = cosines[other]
            for a, b in ((doc, other), (other, doc)):
                links.append(Link(a, b, EVENT, s, None, wj, nj))
    return links


def _event_group(doc: str, near: Mapping[str, float], clusters: _Clusters) -> int | None:
    """The event group the new article joins, if any."""
    version = clusters.version_of(doc)
    if version is not None:
        for member in clusters.clusters[version].members:
            number = clusters.event_of(member)
            if number is not None:
                return number
    sums: dict[int, float] = defaultdict(float)
    for other, s in near.items():
        number = clusters.event_of(other)
        if number is not None:
            sums[number] += s
    averages = [(s / len(clusters.clusters[k].members), k) for k, s in sums.items()]
    if not averages:
        return None
    best, number = max(averages)
    singles = [s for other, s in near.items() if clusters.event_of(other) is None]
    if best >= events.THRESHOLD and best >= max(singles, default=0.0):
        return number
    return None


def _versions(members: Iterable[DocFacts]) -> Cluster:
    ordered = order_versions(list({f.doc_id: f for f in members}.values()))
    return Cluster(VERSIONS, ordered[0].doc_id, tuple(f.doc_id for f in ordered))


def _event(members: Iterable[DocFacts]) -> Cluster:
    unique = {f.doc_id: f for f in members}.values()
    ordered = sorted(unique, key=lambda f: (f.date is None, f.date or "", f.doc_id))
    return Cluster(EVENT, None, tuple(f.doc_id for f in ordered))

"""Relate a few added articles against stored results, without relating the corpus again.

When the only change since the last run is a handful of new articles (none changed or
removed), each new article is compared with the corpus alone: its LSH bands against every
signature (`lsh.candidates_of`), its event vectors against every story (one sparse row
product), and it joins clusters by the rules of a full run:

* **versions** — it joins the cluster whose original it is linked to (the strongest such
  link); failing that, it opens a cluster with the linked stories no cluster holds yet;
* **event** — it joins its version cluster's event group; failing that, the group with the
  highest average similarity to it (absent pairs count 0) when that reaches the threshold,
  or forms a pair with its best unplaced neighbour.

Results can differ from a full run's where a new article would have changed the order in
which average linkage merged older ones; a full run (any change or removal, or more than
`MAX_SHARE` of the corpus new) puts that right.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np

from reader.related import events, storage
from reader.related.clusters import EVENT, VERSIONS, Cluster, DocFacts, order_versions
from reader.related.events import EventTerms
from reader.related.lsh import candidates_of
from reader.related.versions import frequent_of_rows, verify_pairs

MAX_SHARE = 0.01
"""At most this share of the corpus (and at least 50 articles) is related incrementally."""


def applies(added: int, total: int) -> bool:
    return 0 < added <= max(50, MAX_SHARE * total)


@dataclass
class Incremental:
    """What an incremental run found and must store."""

    links: list[storage.Link] = field(default_factory=list)
    changed: dict[int, Cluster] = field(default_factory=dict)


def relate_added(
    loaded: storage.Loaded,
    terms: list[EventTerms],
    added: list[str],
    existing: Mapping[int, Cluster],
) -> Incremental:
    """Links and cluster changes for the `added` articles (ids present in `loaded`)."""
    position = {f.doc_id: i for i, f in enumerate(loaded.facts)}
    rows = np.array(sorted(position[d] for d in added), dtype=np.int64)
    clusters = dict(existing)
    version_of: dict[str, int] = {}
    event_of: dict[str, int] = {}
    for number, cluster in clusters.items():
        target = version_of if cluster.kind == VERSIONS else event_of
        for member in cluster.members:
            target[member] = number
    next_number = max(clusters, default=-1) + 1
    out = Incremental()
    facts = loaded.facts

    # Versions: candidates of the new rows only, verified as in a full run.
    usable = loaded.shingles > 0
    pairs = candidates_of(loaded.signatures, rows, usable)
    involved = np.unique(pairs) if len(pairs) else np.empty(0, dtype=np.int64)
    frequent = frequent_of_rows(loaded.signatures, involved)
    links = verify_pairs(loaded.signatures, loaded.shingles, pairs, frequent)
    version_links: dict[int, dict[int, float]] = defaultdict(dict)
    for a, b, c, ka, kb in zip(links.rows.tolist(), links.cols.tolist(),
                               links.containment.tolist(), links.kept_row.tolist(),
                               links.kept_col.tolist(), strict=True):  # fmt: skip
        if b in version_links and a in version_links[b]:
            continue  # two new articles: the pair came twice
        version_links[a][b] = c
        version_links[b][a] = c
        out.links.append(storage.Link(facts[a].doc_id, facts[b].doc_id, VERSIONS, c, ka, None,
                                      None))  # fmt: skip
        out.links.append(storage.Link(facts[b].doc_id, facts[a].doc_id, VERSIONS, c, kb, None,
                                      None))  # fmt: skip

    for row in rows.tolist():
        doc = facts[row].doc_id
        linked = version_links.get(row, {})
        to_originals = [
            (c, version_of[facts[j].doc_id]) for j, c in linked.items()
            if facts[j].doc_id in version_of
            and clusters[version_of[facts[j].doc_id]].original == facts[j].doc_id
        ]  # fmt: skip
        if to_originals:
            _c, number = max(to_originals)
            members = [facts[position[m]] for m in clusters[number].members] + [facts[row]]
        else:
            free = [facts[j] for j in linked if facts[j].doc_id not in version_of]
            if not free:
                continue
            number, next_number = next_number, next_number + 1
            members = [facts[row], *free]
        clusters[number] = _versions(members)
        out.changed[number] = clusters[number]
        for member in clusters[number].members:
            version_of[member] = number

    # Events: the new rows' similarities to every story, as the full graph scores them.
    vectors = events.event_vectors(terms)
    days = vectors.days
    for row in rows.tolist():
        doc = facts[row].doc_id
        w = np.asarray((vectors.words[row] @ vectors.words.T).todense()).ravel()
        n = np.asarray((vectors.names[row] @ vectors.names.T).todense()).ravel()
        s = np.asarray((vectors.specifics[row] @ vectors.specifics.T).todense()).ravel()
        score = events.combined(w, n, s, vectors.has_specifics & vectors.has_specifics[row])
        score[row] = 0.0
        if days[row] >= 0:
            far = (days >= 0) & (np.abs(days - days[row]) > events.DATE_WINDOW_DAYS)
            score[far] = 0.0
        near = np.flatnonzero(score >= events.MIN_EDGE)
        group = _event_group(doc, near, score, facts, clusters, version_of, event_of)
        if group is None:
            best = [j for j in near if facts[j].doc_id not in event_of]
            best.sort(key=lambda j: -score[j])
            if not best or score[best[0]] < events.THRESHOLD:
                continue
            group, next_number = next_number, next_number + 1
            members = [facts[best[0]], facts[row]]
        else:
            members = [facts[position[m]] for m in clusters[group].members] + [facts[row]]
        if doc in version_of:  # its versions without a group come along
            members += [facts[position[m]] for m in clusters[version_of[doc]].members
                        if m not in event_of]  # fmt: skip
        clusters[group] = _event(members)
        out.changed[group] = clusters[group]
        for member in clusters[group].members:
            event_of[member] = group
        in_group = set(clusters[group].members)
        version_group = set(clusters[version_of[doc]].members) if doc in version_of else set()
        for j in near.tolist():
            other = facts[j].doc_id
            if other in in_group and other != doc and other not in version_group:
                for a, b in ((doc, other), (other, doc)):
                    out.links.append(storage.Link(a, b, EVENT, float(score[j]), None,
                                                  float(w[j]), float(n[j])))  # fmt: skip
    return out


def _event_group(
    doc: str,
    near: np.ndarray,
    score: np.ndarray,
    facts: list[DocFacts],
    clusters: dict[int, Cluster],
    version_of: dict[str, int],
    event_of: dict[str, int],
) -> int | None:
    """The event group the new article joins, if any."""
    if doc in version_of:
        for member in clusters[version_of[doc]].members:
            if member in event_of:
                return event_of[member]
    sums: dict[int, float] = defaultdict(float)
    for j in near.tolist():
        number = event_of.get(facts[j].doc_id)
        if number is not None:
            sums[number] += float(score[j])
    averages = [(s / len(clusters[k].members), k) for k, s in sums.items()]
    if not averages:
        return None
    best, number = max(averages)
    singles = [float(score[j]) for j in near.tolist() if facts[j].doc_id not in event_of]
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

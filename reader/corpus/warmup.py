"""Imported only by the server that forks the window's refresh jobs (multiprocessing's forkserver
preload): it pays once the cost every fresh process would pay on its first article, so each
job forked from the server starts warm.

That cost is dateparser compiling its ~600 locales' patterns (about 2 s) the first time a line
that is not a date in English is tried against them.
"""

from __future__ import annotations

from reader.corpus.dates import parse_date


def warm_up() -> None:
    for line in (
        "Friday, February 4, 2022 4:20 a.m.",
        "Putin heads to China 4 2022",
        "4 février 2022",
    ):
        parse_date(line)


warm_up()

"""Database exports (LexisNexis, Nexis Uni, Factiva) split into one article per document.

Every export here is written by hand in the layout each database uses, as the TXT, DOCX,
RTF and PDF readers give its text back; the papers, people and stories are made up.
"""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest

from reader.corpus.exports import (
    FACTIVA,
    LEXISNEXIS,
    MAX_DOCUMENTS,
    NEXIS_UNI,
    ExportedArticle,
    detect_export,
    split_export,
)

SCRAPED = Path(__file__).parent / "scraped"

# --- LexisNexis (nexis.com / Academic) TXT ---------------------------------------------

LEXIS_TXT = """\



Download Request: Selected Items: 1-3
Time Of Request: Tuesday, March 3, 2015  09:12:44

Send To:
   RESEARCH LIBRARY
   UNIVERSITY OF NOWHERE

Terms: (harbour w/5 dredging) and date(geq (02/01/2015) and leq (03/02/2015))

Source: All English Language News
Project ID: None



                               1 of 3 DOCUMENTS


                               The Coastal Herald

                              March 2, 2015 Monday
                                 Final Edition
                                    Highlands

Harbour board backs plan to dredge the old channel

BYLINE: Morag Lindsay,
Transport Correspondent

SECTION: NEWS; Pg. 4

LENGTH: 412 words


The harbour board voted on Monday to dredge the old channel, a decision that
would let the larger ferries dock at the village pier for the first time in
forty years.

Board members said the work would begin in the autumn and last about three
months. The cost, put at GBP 2.4 million, will be shared with the council.

"This is the day the pier comes back to life," said the board's chairman.

LOAD-DATE: March 3, 2015

LANGUAGE: ENGLISH

GRAPHIC: The old channel at low tide, where the dredgers are due to start work
in the autumn

PUBLICATION-TYPE: Newspaper


                  Copyright 2015 Coastal Herald Newspapers Ltd
                              All Rights Reserved


                               2 of 3 DOCUMENTS


                              Evening Courier (UK)

                            1 March 2015 Sunday 6:00 PM GMT

Ferry operator welcomes dredging decision

BYLINE: Tom Achebe

LENGTH: 1,204 words

DATELINE: OBAN


The ferry operator serving the islands said it welcomed the decision, which
had been expected for months.

A spokeswoman said timetables would be reviewed once the work was finished.

LOAD-DATE: March 2, 2015

LANGUAGE: ENGLISH

PUBLICATION-TYPE: Web Publication

JOURNAL-CODE: EVC


                      Copyright 2015 Courier Media Group
                              All Rights Reserved


                               3 of 3 DOCUMENTS


                            The Island Times (Scotland)

                               February 27, 2015

SECTION: LETTERS; Pg. 22

LENGTH: 180 words

HEADLINE: Letter: Spare a thought for the seals

BODY:

Sir, before the dredgers arrive, has anyone asked what will become of the
seals that haul out on the channel bank every spring?

Yours, a reader in Port Ellen.

LOAD-DATE: February 28, 2015

LANGUAGE: ENGLISH

PUBLICATION-TYPE: Newspaper


                       Copyright 2015 Island Times Ltd.
                              All Rights Reserved
"""

# The numbers are those of the whole result set: documents 8 to 10 of 383, the second with
# no text at all (a photograph, whose caption is a field).
LEXIS_BIG_SET = """\
                               8 of 383 DOCUMENTS

                                  Daily Record

                             October 12, 2019 Saturday

Council tax to rise by three per cent

BYLINE: Ruth Okafor

SECTION: NEWS; Pg. 2

LENGTH: 96 words

Council tax in the district will rise by three per cent from April, the council
said on Friday.

LOAD-DATE: October 13, 2019

LANGUAGE: ENGLISH

PUBLICATION-TYPE: Newspaper

                      Copyright 2019 Daily Record Ltd
                              All Rights Reserved

                               9 of 383 DOCUMENTS

                                  Daily Record

                             October 12, 2019 Saturday

Picture of the day

SECTION: NEWS; Pg. 3

LENGTH: 0 words

LOAD-DATE: October 13, 2019

LANGUAGE: ENGLISH

GRAPHIC: Autumn colour in the glen on Friday

PUBLICATION-TYPE: Newspaper

                      Copyright 2019 Daily Record Ltd
                              All Rights Reserved

                              10 of 383 DOCUMENTS

                                  Daily Record

                             October 14, 2019 Monday

Bus route saved after petition

BYLINE: Ruth Okafor

LENGTH: 120 words

The number 42 bus will keep running after more than 3,000 people signed a
petition against its withdrawal.

LOAD-DATE: October 15, 2019

LANGUAGE: ENGLISH

PUBLICATION-TYPE: Newspaper

                      Copyright 2019 Daily Record Ltd
                              All Rights Reserved
"""

# --- Nexis Uni, as the DOCX reader gives it: every paragraph a blank line apart -------

NBSP = "\u00a0"
UNI_DOCX = f"""\
User Name: = Research Library

Date and Time: = Thursday, February 6, 2020 3:14:00 PM CET

Job Number: = 104729333

Documents (3)

1. Wind farm plan clears final hurdle

Client/Matter: -None-

Search Terms: wind farm

Search Type: Natural Language

Narrowed by:

Content Type Narrowed by

News Sources: The Northern Gazette; Timeline: Jan 01, 2020 to Jan 31, 2020

2. Turbine parts arrive at harbour

Client/Matter: -None-

Search Terms: wind farm

Search Type: Natural Language

3. Anglers fear for salmon run

Client/Matter: -None-

Search Terms: wind farm

Search Type: Natural Language

Wind farm plan clears final hurdle

The Northern Gazette

January 5, 2020 Sunday

Edition 1, National Edition

Copyright 2020 Northern Gazette Media Ltd All Rights Reserved

Section:{NBSP}NEWS; Pg. 7

Length:{NBSP}355 words

Byline:{NBSP}Eilidh Ross

Body

Plans for a 40-turbine wind farm off the north coast cleared their final hurdle on \
Saturday when ministers declined to call in the application.

The developer said construction could begin next spring, with the first power \
reaching the grid in 2023.

Graphic

A turbine under construction off the coast.

Classification

Language:{NBSP}ENGLISH

Publication-Type:{NBSP}Newspaper

Subject:{NBSP}WIND ENERGY (91%); ENVIRONMENTAL REGULATION (78%)

Geographic:{NBSP}SCOTLAND (90%)

Load-Date:{NBSP}January 6, 2020

End of Document

Turbine parts arrive at harbour

The Northern Gazette

January 12, 2020 Sunday

Copyright 2020 Northern Gazette Media Ltd All Rights Reserved

Section:{NBSP}NEWS; Pg. 3

Length:{NBSP}0 words

Body

Classification

Language:{NBSP}ENGLISH

Load-Date:{NBSP}January 13, 2020

End of Document

Anglers fear for salmon run

North Coast Weekly

6 January 2020 Monday

Copyright 2020 North Coast Media

Length:{NBSP}210 words

Body

Anglers on the River Thurso say the cables from the new wind farm could disturb \
salmon returning to spawn.

Classification

Language:{NBSP}ENGLISH

Load-Date:{NBSP}January 7, 2020

End of Document
"""

# --- Nexis Uni from a PDF: page headers, the running title, a paragraph across pages --

UNI_PDF = """\
Page 1 of 3
Rail strike called off at last minute

Rail strike called off at last minute

Midland Evening Post

March 4, 2022 Friday

Copyright 2022 Midland Post Ltd All Rights Reserved

Section: BUSINESS; Pg. 12

Length: 288 words

Byline: Harriet Osei

Body

A rail strike planned for Monday was called off late on Thursday after the union \
and the operator reached an agreement on pay and

Page 2 of 3
Rail strike called off at last minute

conditions, both sides said.

Services are expected to run normally.

Classification

Language: ENGLISH

Load-Date: March 5, 2022

End of Document

Page 3 of 3
Commuters relieved as trains run

Commuters relieved as trains run

Midland Evening Post

March 7, 2022 Monday

Copyright 2022 Midland Post Ltd All Rights Reserved

Length: 140 words

Body

Commuters said they were relieved as trains ran on time on Monday morning.

Classification

Language: ENGLISH

Load-Date: March 8, 2022

End of Document
"""

# --- Factiva, article format (RTF or HTML "Article Format") --------------------------

FACTIVA_ARTICLES = """\
Factiva

Dow Jones

News
Council approves new cycle lanes for city centre
By Tomasz Nowak
523 words
14 March 2021
10:42
The Riverside Chronicle
RIVCHR
Final
A3
English
(c) 2021 Riverside Media Group. All rights reserved.

City councillors on Tuesday approved a network of protected cycle lanes through the \
city centre, to be built over the next two years.

The plan was backed by 31 votes to 12 after a three-hour debate.

Document RIVCHR0020210314eh3e0000b

Flood defences finished a year early
Priya Raman
1,087 words
15 March 2021
The Valley Standard
VALSTD
English
Copyright 2021 Valley Standard Ltd.

Work on the flood wall along the river was finished a year ahead of schedule, the \
environment agency said.

Document VALSTD0020210315eh3f0002k

Schools to reopen after half-term
312 words
16 March 2021
Eastern Daily Bulletin
English
© 2021 Eastern Bulletin Newspapers

All schools in the county will reopen after the half-term break, the council said.

Document EASTBL0020210316eh3g0001w

Search Summary
Text	cycle lanes or flood wall or schools
Date	01/03/2021 to 31/03/2021
Source	All Sources
Results Found	3
Timestamp	17 March 2021 9:02
"""

# --- Factiva, full record ("Full Article/Report plus Indexing") -----------------------

FACTIVA_FULL = """\
SE
    Local News
HD
    Library to stay open on Sundays
BY
    Anna Kowalczyk
WC
    412 words
PD
    2 February 2022
ET
    09:15
SN
    The Lakeside Courier
SC
    LAKCOU
LA
    English
CY
    Copyright 2022 Lakeside Courier Ltd.
LP
    The town library will open on Sundays from next month, the council said on Tuesday.

    The change follows a survey in which most residents asked for longer hours.
TD
    Volunteers will staff the reading room, and the lending desk will be open from 10am.

    The council said the cost would be met from the arts budget.
NS
    gcat : Political/General News | glife : Living/Lifestyle
RE
    uk : United Kingdom | eurz : Europe
IPD
    Libraries
PUB
    Lakeside Courier Ltd.
AN
    Document LAKCOU0020220202ei220000a
\f
HD\tCouncil freezes parking charges
WC\t198 words
PD\t3 February 2022
SN\tThe Lakeside Courier
SC\tLAKCOU
LA\tEnglish
CY\tCopyright 2022 Lakeside Courier Ltd.
LP\tParking charges in the town centre will not rise this year, the council said.
TD\tThe freeze will cost about GBP 40,000 in lost income.
AN\tDocument LAKCOU0020220203ei230000c
"""

# --- ordinary stories that are not exports --------------------------------------------

NOT_EXPORTS = [
    "",
    "   \n\n  ",
    """\
Shipyard wins contract for two research vessels

GOVAN — The shipyard has won a contract to build two research vessels, its owners said on
Tuesday, securing about 400 jobs for three years.

The ships' particulars were published with the order: LENGTH: 92 metres, beam 18 metres,
and a crew of 30.

Work will start in the summer.
""",
    """\
Council memo leaked

The memo, two pages long, was stamped "confidential" at the top and closed with the words

End of Document

followed by the initials of the council's chief executive. A spokesman declined to comment
on a leaked draft, and said the final report would be published in May.
""",
    """\
Court hears of 1 of 3 documents missing

Lawyers told the court that Document 12 of the bundle could not be found.
LENGTH: not stated
Document ABCDEFGHIJKLMNOPQRSTUVWX was produced instead.
""",
    """\
Body

Scientists say the body of the whale washed up on Tuesday.
Length: 14 metres
""",
]


def _one(articles: list[ExportedArticle] | None, n: int) -> list[ExportedArticle]:
    assert articles is not None
    assert len(articles) == n, [a.title for a in articles]
    return articles


def test_lexisnexis_txt() -> None:
    assert detect_export(LEXIS_TXT) == LEXISNEXIS
    first, second, third = _one(split_export(LEXIS_TXT), 3)

    assert first.title == "Harbour board backs plan to dredge the old channel"
    assert first.hints["database"] == LEXISNEXIS
    assert first.hints["source"] == "The Coastal Herald"
    assert first.hints["date"] == "2015-03-02"
    assert first.hints["byline"] == "Morag Lindsay, Transport Correspondent"
    assert first.hints["section"] == "NEWS; Pg. 4"
    assert first.hints["length"] == 412
    assert first.hints["language"] == "ENGLISH"
    fields = first.hints["fields"]
    assert fields["LOAD-DATE"] == "March 3, 2015"
    assert fields["PUBLICATION-TYPE"] == "Newspaper"
    assert fields["EDITION"] == "Final Edition Highlands"
    assert fields["DOCUMENT"] == "1 of 3"
    assert (
        fields["GRAPHIC"].startswith("The old channel at low tide")
        and "autumn" in fields["GRAPHIC"]
    )
    assert fields["COPYRIGHT"] == "Copyright 2015 Coastal Herald Newspapers Ltd All Rights Reserved"
    paragraphs = first.text.split("\n\n")
    assert len(paragraphs) == 3
    assert paragraphs[0].startswith("The harbour board voted on Monday")
    assert (
        paragraphs[2]
        == '"This is the day the pier comes back to life," said the board\'s chairman.'
    )
    for leftover in ("LOAD-DATE", "BYLINE", "Copyright", "DOCUMENTS", "Coastal Herald"):
        assert leftover not in first.text

    assert second.title == "Ferry operator welcomes dredging decision"
    assert second.hints["source"] == "Evening Courier (UK)"
    assert second.hints["date"] == "2015-03-01"
    assert second.hints["length"] == 1204
    assert "section" not in second.hints
    assert second.hints["fields"]["DATELINE"] == "OBAN"
    assert second.hints["fields"]["JOURNAL-CODE"] == "EVC"
    assert second.text.startswith("The ferry operator serving the islands")

    # The older layout: the title in a HEADLINE: field, the text after BODY:.
    assert third.title == "Letter: Spare a thought for the seals"
    assert third.hints["source"] == "The Island Times (Scotland)"
    assert third.hints["date"] == "2015-02-27"
    assert third.hints["section"] == "LETTERS; Pg. 22"
    assert third.text.startswith("Sir, before the dredgers arrive")
    assert third.text.endswith("Yours, a reader in Port Ellen.")


def test_lexisnexis_numbers_of_a_larger_result_set_and_a_document_without_text() -> None:
    articles = _one(split_export(LEXIS_BIG_SET), 3)
    assert [a.hints["fields"]["DOCUMENT"] for a in articles] == [
        "8 of 383",
        "9 of 383",
        "10 of 383",
    ]
    assert [a.title for a in articles] == [
        "Council tax to rise by three per cent",
        "Picture of the day",
        "Bus route saved after petition",
    ]
    assert [a.hints["date"] for a in articles] == ["2019-10-12", "2019-10-12", "2019-10-14"]
    photo = articles[1]
    assert photo.text == ""
    assert photo.hints["length"] == 0
    assert photo.hints["fields"]["GRAPHIC"] == "Autumn colour in the glen on Friday"
    assert articles[2].text.startswith("The number 42 bus will keep running")


@pytest.mark.parametrize(
    ("written", "date"),
    [
        ("January 5, 2020 Sunday", "2020-01-05"),
        ("Sunday, January 5, 2020", "2020-01-05"),
        ("5 January 2020 Sunday 11:59 PM GMT", "2020-01-05"),
        ("Jan. 5, 2020", "2020-01-05"),
        ("5. Januar 2020", "2020-01-05"),
        ("dimanche 5 janvier 2020", "2020-01-05"),
        ("5 de enero de 2020", "2020-01-05"),
        ("05.01.2020", "2020-01-05"),
        ("2020-01-05", "2020-01-05"),
        ("Winter 2020", "Winter 2020"),  # not a day: kept as written
    ],
)
def test_dates_as_written(written: str, date: str) -> None:
    text = f"1 of 1 DOCUMENT\n\nThe Paper\n\n{written}\n\nTitle\n\nLENGTH: 5 words\n\nText.\n"
    (article,) = _one(split_export(text), 1)
    assert article.hints["date"] == date
    assert article.hints["source"] == "The Paper"
    assert article.title == "Title"
    assert article.text == "Text."


def test_lexisnexis_from_docx_every_line_a_paragraph() -> None:
    # Word keeps a paragraph on one line, and each heading line a paragraph of its own.
    paragraphs: list[str] = []
    for block in LEXIS_TXT.split("\n\n"):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        if lines and (":" in lines[0] or len(lines[0]) > 60):
            paragraphs.append(" ".join(lines))
        else:
            paragraphs.extend(lines)
    docx = "\n\n".join(paragraphs)
    articles = _one(split_export(docx), 3)
    first = articles[0]
    assert first.title == "Harbour board backs plan to dredge the old channel"
    assert first.hints["source"] == "The Coastal Herald"
    assert first.hints["date"] == "2015-03-02"
    assert first.hints["fields"]["EDITION"] == "Final Edition Highlands"
    assert first.text.startswith("The harbour board voted on Monday")
    assert len(first.text.split("\n\n")) == 3
    assert "LOAD-DATE" not in first.text
    assert first.hints["byline"] == "Morag Lindsay, Transport Correspondent"
    assert first.hints["fields"]["COPYRIGHT"] == (
        "Copyright 2015 Coastal Herald Newspapers Ltd All Rights Reserved"
    )
    assert articles[2].title == "Letter: Spare a thought for the seals"


LEXIS_VARIANTS = """\
                               1 of 2 DOCUMENTS

                    Copyright 2009 The Example Gazette
                              All Rights Reserved

                              The Example Gazette

                           November 3, 2009 Tuesday

Mayor opens new market hall

BYLINE: J. Smith

LENGTH: 210 words

The mayor opened the new market hall on Monday.

LOAD-DATE: November 4, 2009

LANGUAGE: ENGLISH

                              Dokument 2 von 2

                                 Hafenzeitung

                           5. Januar 2010 Dienstag

Hafen meldet Rekordumschlag

AUTOR: Anna Berg

RUBRIK: WIRTSCHAFT; S. 3

LÄNGE: 412 Wörter

Der Hafen hat im vergangenen Jahr so viele Container umgeschlagen wie nie zuvor.

SPRACHE: GERMAN
"""


def test_lexisnexis_copyright_first_and_german_headings() -> None:
    english, german = _one(split_export(LEXIS_VARIANTS), 2)
    assert english.title == "Mayor opens new market hall"
    assert english.hints["source"] == "The Example Gazette"
    assert english.hints["date"] == "2009-11-03"
    assert english.hints["fields"]["COPYRIGHT"] == (
        "Copyright 2009 The Example Gazette All Rights Reserved"
    )
    assert english.text == "The mayor opened the new market hall on Monday."

    assert german.title == "Hafen meldet Rekordumschlag"
    assert german.hints["fields"]["DOCUMENT"] == "2 of 2"
    assert german.hints["date"] == "2010-01-05"
    assert german.hints["byline"] == "Anna Berg"
    assert german.hints["section"] == "WIRTSCHAFT; S. 3"
    assert german.hints["length"] == 412
    assert german.hints["language"] == "GERMAN"
    assert german.text.startswith("Der Hafen hat")


def test_nexis_uni_docx() -> None:
    assert detect_export(UNI_DOCX) == NEXIS_UNI
    first, empty, third = _one(split_export(UNI_DOCX), 3)

    assert first.title == "Wind farm plan clears final hurdle"
    assert first.hints["database"] == NEXIS_UNI
    assert first.hints["source"] == "The Northern Gazette"
    assert first.hints["date"] == "2020-01-05"
    assert first.hints["byline"] == "Eilidh Ross"
    assert first.hints["section"] == "NEWS; Pg. 7"
    assert first.hints["length"] == 355
    assert first.hints["language"] == "ENGLISH"
    fields = first.hints["fields"]
    assert fields["Copyright"] == "Copyright 2020 Northern Gazette Media Ltd All Rights Reserved"
    assert fields["Edition"] == "Edition 1, National Edition"
    assert fields["Load-Date"] == "January 6, 2020"
    assert fields["Publication-Type"] == "Newspaper"
    assert fields["Subject"] == "WIND ENERGY (91%); ENVIRONMENTAL REGULATION (78%)"
    assert fields["Graphic"] == "A turbine under construction off the coast."
    assert first.text.split("\n\n") == [
        "Plans for a 40-turbine wind farm off the north coast cleared their final hurdle on "
        "Saturday when ministers declined to call in the application.",
        "The developer said construction could begin next spring, with the first power "
        "reaching the grid in 2023.",
    ]

    # "Body" straight followed by "Classification": an entry, with no text.
    assert empty.title == "Turbine parts arrive at harbour"
    assert empty.text == ""
    assert empty.hints["date"] == "2020-01-12"
    assert empty.hints["length"] == 0

    assert third.title == "Anglers fear for salmon run"
    assert third.hints["source"] == "North Coast Weekly"
    assert third.hints["date"] == "2020-01-06"
    assert "byline" not in third.hints
    assert third.text.startswith("Anglers on the River Thurso")


def test_nexis_uni_pdf_page_headers() -> None:
    first, second = _one(split_export(UNI_PDF), 2)
    assert first.title == "Rail strike called off at last minute"
    assert first.hints["source"] == "Midland Evening Post"
    assert first.hints["date"] == "2022-03-04"
    assert first.hints["byline"] == "Harriet Osei"
    assert first.hints["section"] == "BUSINESS; Pg. 12"
    # The page break inside the first paragraph is healed; no page header is left.
    assert first.text.split("\n\n") == [
        "A rail strike planned for Monday was called off late on Thursday after the union and "
        "the operator reached an agreement on pay and conditions, both sides said.",
        "Services are expected to run normally.",
    ]
    assert second.title == "Commuters relieved as trains run"
    assert second.hints["date"] == "2022-03-07"
    assert (
        second.text == "Commuters said they were relieved as trains ran on time on Monday morning."
    )


def test_nexis_uni_document_without_body_heading() -> None:
    text = """\
Harbour lights switched on

The Coastal Herald

December 1, 2021 Wednesday

Copyright 2021 Coastal Herald Newspapers Ltd

Length: 0 words

Graphic

The harbour lights reflected in the water on Tuesday evening.

Classification

Language: ENGLISH

Load-Date: December 2, 2021

End of Document
"""
    (article,) = _one(split_export(text), 1)
    assert article.title == "Harbour lights switched on"
    assert article.text == ""
    assert article.hints["date"] == "2021-12-01"
    assert article.hints["fields"]["Graphic"].startswith("The harbour lights reflected")


def test_nexis_uni_without_cover_page() -> None:
    # TXT from RTF: a title wrapped over two lines, no copyright line, the date first.
    text = """\
A long headline that the export
wrapped onto a second line

The Daily Example

Tuesday, 3 March 2020

Length: 120 words

Byline: Sam Jones

Body

First paragraph of the story.

Second paragraph.

Load-Date: March 4, 2020

End of Document
"""
    (article,) = _one(split_export(text), 1)
    assert article.title == "A long headline that the export wrapped onto a second line"
    assert article.hints["source"] == "The Daily Example"
    assert article.hints["date"] == "2020-03-03"
    assert article.hints["byline"] == "Sam Jones"
    assert article.hints["fields"] == {"Load-Date": "March 4, 2020"}
    assert article.text == "First paragraph of the story.\n\nSecond paragraph."


def test_factiva_article_format() -> None:
    assert detect_export(FACTIVA_ARTICLES) == FACTIVA
    first, second, third = _one(split_export(FACTIVA_ARTICLES), 3)

    assert first.title == "Council approves new cycle lanes for city centre"
    assert first.hints["database"] == FACTIVA
    assert first.hints["section"] == "News"
    assert first.hints["byline"] == "By Tomasz Nowak"
    assert first.hints["length"] == 523
    assert first.hints["date"] == "2021-03-14"
    assert first.hints["source"] == "The Riverside Chronicle"
    assert first.hints["language"] == "English"
    assert first.hints["fields"] == {
        "AN": "RIVCHR0020210314eh3e0000b",
        "ET": "10:42",
        "SC": "RIVCHR",
        "ED": "Final",
        "PG": "A3",
        "CY": "(c) 2021 Riverside Media Group. All rights reserved.",
    }
    assert first.text.split("\n\n") == [
        "City councillors on Tuesday approved a network of protected cycle lanes through the "
        "city centre, to be built over the next two years.",
        "The plan was backed by 31 votes to 12 after a three-hour debate.",
    ]

    assert second.title == "Flood defences finished a year early"
    assert second.hints["byline"] == "Priya Raman"
    assert second.hints["length"] == 1087
    assert second.hints["date"] == "2021-03-15"
    assert second.hints["source"] == "The Valley Standard"
    assert second.hints["fields"]["CY"] == "Copyright 2021 Valley Standard Ltd."

    assert third.title == "Schools to reopen after half-term"
    assert "byline" not in third.hints
    assert third.hints["source"] == "Eastern Daily Bulletin"
    assert third.text == (
        "All schools in the county will reopen after the half-term break, the council said."
    )
    assert "Search Summary" not in third.text


def test_factiva_german_article() -> None:
    text = """\
Wirtschaft
Hafen meldet Rekordumschlag
Von Anna Berg
412 Wörter
5. Januar 2020
Hafenzeitung
HAFZTG
Deutsch
(c) 2020 Hafenzeitung GmbH

Der Hafen hat im vergangenen Jahr so viele Container umgeschlagen wie nie zuvor.

Dokument HAFZTG0020200105eg150000b
"""
    (article,) = _one(split_export(text), 1)
    assert article.title == "Hafen meldet Rekordumschlag"
    assert article.hints["section"] == "Wirtschaft"
    assert article.hints["byline"] == "Von Anna Berg"
    assert article.hints["length"] == 412
    assert article.hints["date"] == "2020-01-05"
    assert article.hints["source"] == "Hafenzeitung"
    assert article.hints["language"] == "Deutsch"
    assert article.hints["fields"]["AN"] == "HAFZTG0020200105eg150000b"


def test_factiva_full_record() -> None:
    assert detect_export(FACTIVA_FULL) == FACTIVA
    first, second = _one(split_export(FACTIVA_FULL), 2)

    assert first.title == "Library to stay open on Sundays"
    assert first.hints["section"] == "Local News"
    assert first.hints["byline"] == "Anna Kowalczyk"
    assert first.hints["length"] == 412
    assert first.hints["date"] == "2022-02-02"
    assert first.hints["source"] == "The Lakeside Courier"
    assert first.hints["language"] == "English"
    fields = first.hints["fields"]
    assert fields["SC"] == "LAKCOU"
    assert fields["ET"] == "09:15"
    assert fields["CY"] == "Copyright 2022 Lakeside Courier Ltd."
    assert fields["NS"] == "gcat : Political/General News | glife : Living/Lifestyle"
    assert fields["PUB"] == "Lakeside Courier Ltd."
    assert fields["AN"] == "LAKCOU0020220202ei220000a"
    assert first.text.split("\n\n") == [
        "The town library will open on Sundays from next month, the council said on Tuesday.",
        "The change follows a survey in which most residents asked for longer hours.",
        "Volunteers will staff the reading room, and the lending desk will be open from 10am.",
        "The council said the cost would be met from the arts budget.",
    ]

    # Codes and values on one line, a tab apart.
    assert second.title == "Council freezes parking charges"
    assert second.hints["length"] == 198
    assert second.hints["date"] == "2022-02-03"
    assert second.hints["fields"]["AN"] == "LAKCOU0020220203ei230000c"
    assert second.text.split("\n\n") == [
        "Parking charges in the town centre will not rise this year, the council said.",
        "The freeze will cost about GBP 40,000 in lost income.",
    ]


@pytest.mark.parametrize(
    "export", [LEXIS_TXT, LEXIS_BIG_SET, UNI_DOCX, UNI_PDF, FACTIVA_ARTICLES, FACTIVA_FULL]
)
def test_windows_line_endings_and_form_feeds(export: str) -> None:
    expected = split_export(export)
    assert expected
    crlf = export.replace("\n", "\r\n")
    assert split_export(crlf) == expected
    # Word processors and PDF text put a form feed at each page break.
    paged = export.replace("\n\n\n", "\n\f\n").replace("End of Document\n", "End of Document\f")
    assert split_export(paged) == expected
    assert split_export(paged.replace("\n", "\r\n")) == expected


def test_form_feeds_between_factiva_records() -> None:
    # RTF puts a page break (a form feed) between Factiva's records, with no line break.
    squeezed = FACTIVA_FULL.replace("\n\f\n", "\f")
    assert split_export(squeezed) == split_export(FACTIVA_FULL)


@pytest.mark.parametrize("text", NOT_EXPORTS)
def test_ordinary_texts_are_not_exports(text: str) -> None:
    assert detect_export(text) is None
    assert split_export(text) is None


@pytest.mark.parametrize("path", sorted(SCRAPED.glob("*.txt")), ids=lambda p: p.name)
def test_scraped_articles_are_not_exports(path: Path) -> None:
    text = path.read_text("utf-8")
    assert detect_export(text) is None
    assert split_export(text) is None


def test_detect_is_markers_only() -> None:
    # A header and a field are enough to name the database; nothing is parsed.
    assert detect_export("1 of 1 DOCUMENT\n\nLENGTH: 12 words\n") == LEXISNEXIS
    assert detect_export("Title\n\nBody\n\nText.\n\nEnd of Document\n") == NEXIS_UNI
    assert detect_export("Title\n12 words\n\nText.\n\nDocument ABCDEF0020200105eg150000b\n") == (
        FACTIVA
    )
    assert detect_export("Text.\n\nDocument ABCDEF0020200105eg150000b\n") is None  # alone


def test_too_many_documents_is_not_an_export() -> None:
    text = "1 of 1 DOCUMENT\nLENGTH: 1 words\nx\n" * (MAX_DOCUMENTS + 1)
    assert detect_export(text) == LEXISNEXIS
    assert split_export(text) is None


PATHOLOGICAL = {
    "spaces": " " * 5_000_000 + "x",
    "tabs and spaces": " \t" * 2_500_000 + "x",
    "newlines": "\n" * 5_000_000,
    "blank lines with spaces": " \n" * 2_500_000 + "x",
    "one long word": "a" * 5_000_000,
    "colons": ("LENGTH:" + " " * 50) * 90_000,
    "labels": "Load-Date:" * 500_000,
    "digits": "1 of 1 " * 700_000 + "DOCUMENTS",
    "dates": "January 5, " * 450_000 + "2020",
    "words": "1" * 2_000_000 + " words\n" + "1," * 1_000_000,
    "copyright": "Copyright " * 500_000,
    "page lines": "Page 1 of 2 ©" + " " * 5_000_000,
    "accession": "Document " + "A" * 5_000_000,
    "codes": "HD" + " " * 5_000_000 + "\nAN",
    "many short lines": "x\n" * 2_500_000,
    # Markers in the wrong place, or too many of them.
    "Body inside lines": "x Body\n" * 700_000 + "End of Document\n",
    "DOCUMENTS inside lines": "xDOCUMENTS\n" * 450_000 + "LENGTH: 1 words\n",
    "DOCUMENTS on one line": "DOCUMENTS" * 550_000,
    "End of Document lines": "End of Document\n" * 330_000 + "Body\n",
    "Length lines": "Length: 5 words\n" * 300_000 + "End of Document\n",
    "accession lines": "Document ABCDEF0020200105eg150000b\n12 words\n" * 120_000,
    "malformed accession lines": "Document ABCDEFGHIJKLMNOPQRSTUVWXYZ\n" * 140_000 + "HD\n",
    "header lines": "1 of 1 DOCUMENTS\nLENGTH: 1 words\n" * 150_000,
    "code lines": "HD\n" * 1_600_000 + "WC\nPD\nDocument ABCDEF0020200105eg150000b\n",
    "field lines": "1 of 1 DOCUMENTS\n" + "BYLINE: x\n" * 500_000,
    "date lines": "1 of 1 DOCUMENTS\n" + "January 5, 2020\n" * 300_000 + "LENGTH: 1 words\n",
    "classification lines": "T\nP\nJanuary 1, 2020\nBody\nx\nClassification\n"
    + "Subject: x\n" * 400_000
    + "End of Document\n",
}


@pytest.mark.parametrize("name", list(PATHOLOGICAL))
def test_pathological_input_is_bounded(name: str) -> None:
    text = PATHOLOGICAL[name]
    started = time.perf_counter()
    detect_export(text)
    split_export(text)
    assert time.perf_counter() - started < 2.0


def _wrapped(body: str) -> dict[str, str]:
    """Valid exports with a hostile body in each document."""
    return {
        "lexis": f"1 of 2 DOCUMENTS\n\nPaper\n\nMay 1, 2020\n\nTitle\n\nLENGTH: 5 words\n\n{body}"
        "\n\nLOAD-DATE: May 2, 2020\n\n2 of 2 DOCUMENTS\n\nPaper\n\nMay 1, 2020\n\nT\n\n"
        f"LENGTH: 5 words\n\n{body}\n",
        "uni": f"Title\n\nPaper\n\nMay 1, 2020\n\nCopyright 2020 X\n\nLength: 5 words\n\nBody\n\n"
        f"{body}\n\nClassification\n\nLoad-Date: May 2, 2020\n\nEnd of Document\n",
        "factiva": f"Title\n5 words\n1 May 2020\nPaper\nEnglish\n(c) 2020 X\n\n{body}\n\n"
        "Document PAPERX0020200501eg510000a\n",
        "full": f"HD\n  Title\nWC\n  5 words\nPD\n  1 May 2020\nSN\n  Paper\nTD\n  {body}\n"
        "AN\n  Document PAPERX0020200501eg510000a\n",
    }


@pytest.mark.parametrize("shape", ["long line", "many lines", "many blank lines", "page marks"])
@pytest.mark.parametrize("layout", ["lexis", "uni", "factiva", "full"])
def test_pathological_bodies_are_bounded(shape: str, layout: str) -> None:
    body = {
        "long line": "word " * 1_000_000,
        "many lines": "a line of text\n" * 300_000,
        "many blank lines": "para\n\n" * 700_000,
        "page marks": "Page 2 of 9\nTitle\n" * 200_000,
    }[shape]
    text = _wrapped(body)[layout]
    started = time.perf_counter()
    articles = split_export(text)
    elapsed = time.perf_counter() - started
    assert articles, (layout, shape)
    assert articles[0].title == "Title"
    assert elapsed < 2.0, (layout, shape, elapsed)


FRAGMENTS = [
    "1 of 3 DOCUMENTS",
    "8 of 383 DOCUMENTS",
    "End of Document",
    "Body",
    "Classification",
    "Graphic",
    "LENGTH: 355 words",
    "Length: 355 words",
    "BYLINE: A. Writer",
    "LOAD-DATE: January 5, 2020",
    "Load-Date: January 5, 2020",
    "LANGUAGE: ENGLISH",
    "Copyright 2020 Paper Ltd",
    "All Rights Reserved",
    "January 5, 2020 Sunday",
    "5 January 2020",
    "355 words",
    "English",
    "(c) 2020 Paper",
    "Document ABCDEF0020200105eg150000b",
    "HD",
    "AN",
    "TD",
    "HD\tTitle",
    "Page 1 of 2",
    "By A Writer",
    "A Headline About Things",
    "The council said on Monday that it would act.",
    "BODY:",
    "",
    "\f",
    "\r",
    ":",
    "Subject: X (90%)",
]


def test_any_mix_of_markers_never_raises() -> None:
    rng = random.Random(20240607)
    for _ in range(3000):
        parts = [rng.choice(FRAGMENTS) for _ in range(rng.randint(0, 40))]
        text = "\n".join(parts)
        articles = split_export(text)
        assert articles is None or all(isinstance(a, ExportedArticle) for a in articles)
        if articles is not None:
            assert detect_export(text) is not None
            for article in articles:
                assert isinstance(article.text, str)
                assert article.hints["database"] in (LEXISNEXIS, NEXIS_UNI, FACTIVA)


def test_not_text_is_not_an_export() -> None:
    assert split_export(b"1 of 1 DOCUMENTS\nLENGTH: 1 words\n") is None  # type: ignore[arg-type]
    assert detect_export(None) is None  # type: ignore[arg-type]

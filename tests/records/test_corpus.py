"""The shipped records (data/): a real corpus of many governments, every fact quoted.

News texts are their publishers' and are not in the repository: their quotes are
checked when curated (`validate --sources`), and each source keeps the digest of the
text as read. What the repository holds is checked here: the corpus's breadth, every
source's address, licence and digest, every open text and every quote it states.
"""

from __future__ import annotations

import hashlib
from collections import Counter

import pytest

from policy_graph.records.quotes import check_quotes
from policy_graph.records.reading import load_records
from tests.helpers import ARTICLE, REPO, SHIPPED_DATA

SHIPPED_TEXTS = REPO / "sources"


@pytest.fixture(scope="module")
def corpus():
    return load_records(SHIPPED_DATA)


def test_the_corpus_holds_many_governments_of_several_kinds_over_several_years(corpus):
    kinds = Counter(g.kind for g in corpus.governments)
    years = {s.issued.year for s in corpus.sources}
    assert len(corpus.sources) >= 12 and len(corpus.governments) >= 10
    assert len(kinds) >= 4 and len(corpus.policies) >= 120
    assert len(years) >= 4 and min(years) >= 2019 and max(years) <= 2026
    assert {g.id for g in corpus.governments} == {p.government for p in corpus.policies}


def test_every_source_says_where_it_was_read_under_which_licence_and_its_digest(corpus):
    for source in corpus.sources:
        assert source.url and source.url.startswith("http"), source.id
        assert source.licence is not None, source.id
        assert source.text_sha256 is not None, source.id


def test_every_government_has_its_administrative_code(corpus):
    codes = {g.id: g.code for g in corpus.governments}
    assert all(codes.values()), [g for g, c in codes.items() if not c]
    assert codes["gwangju"] == "29"
    kinds = {g.id: g.kind for g in corpus.governments}
    for government, code in codes.items():
        regional = kinds[government] in (
            "special-city", "metropolitan-city", "special-self-governing-city", "province",
            "special-self-governing-province",
        )  # fmt: skip
        assert len(code) == (2 if regional else 5), government


def test_open_texts_ship_and_their_quotes_are_verbatim(corpus):
    open_sources = [s for s in corpus.sources if s.licence in ("kogl-1", "cc-by-4.0")]
    for source in open_sources:
        text = SHIPPED_TEXTS / f"{source.id}.txt"
        assert text.is_file(), f"{source.id}: its licence lets its text ship: sources/{text.name}"
        assert hashlib.sha256(text.read_bytes()).hexdigest() == source.text_sha256
    shipped = [p for p in SHIPPED_TEXTS.glob("*.txt")] if SHIPPED_TEXTS.is_dir() else []
    assert {p.stem for p in shipped} <= {s.id for s in open_sources}, "no news text ships"


def test_every_quote_whose_text_is_at_hand_is_verbatim(corpus, article_text):
    folders = [f for f in (SHIPPED_TEXTS, ARTICLE.parent) if f.is_dir()]
    with pytest.warns():  # the news texts are not here: a note says their quotes wait
        assert check_quotes(corpus, folders) == []
    digest = hashlib.sha256(ARTICLE.read_bytes()).hexdigest()
    assert next(s for s in corpus.sources if s.id == ARTICLE.stem).text_sha256 == digest


def test_no_draft_mark_is_left(corpus):
    marked = [p for p in SHIPPED_DATA.rglob("*.yaml") if "# draft:" in p.read_text("utf-8")]
    assert marked == []

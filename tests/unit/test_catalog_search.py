"""Reading a catalog search from its query string, and matching words as learners type them."""

from __future__ import annotations

import pytest

from quizapp.catalog.search import Search, SearchError, folded, read_search


def test_an_empty_query_string_is_the_first_page_of_everything() -> None:
    assert read_search({}) == Search()
    assert not Search().filtered and Search().args() == {}


def test_the_words_are_read_with_their_spaces_tidied_and_the_page_kept() -> None:
    search = read_search({"q": "  bone \t marrow ", "credit": "acpe ", "page": "3"})
    assert search == Search(text="bone marrow", credit="acpe", page=3)
    assert search.args(page=4) == {"q": "bone marrow", "credit": "acpe", "page": 4}
    assert search.args(page=1) == {"q": "bone marrow", "credit": "acpe"}


@pytest.mark.parametrize("page", ["0", "-2", "two", "1.5", "１"])
def test_a_page_that_is_not_a_whole_number_from_one_is_refused(page: str) -> None:
    with pytest.raises(SearchError, match=r"^The page must be a whole number from 1\.$"):
        read_search({"page": page})


def test_words_match_whatever_their_case_or_accents() -> None:
    assert folded("Œdème MÉTHOTREXATE") == folded("œdeme methotrexate")
    assert folded("Straße") == "strasse"

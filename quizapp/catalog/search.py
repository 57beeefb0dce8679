"""Searching, filtering and paging the catalog, once it has more activities than fit a glance.

Pure over the listings the catalog already read: a site has tens or hundreds of activities,
which the page reads in one statement anyway, and the search matches words as a learner
types them, whatever their case or accents.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from quizapp.catalog.queries import ActivityListing
from quizapp.content.credits import credit_name
from quizapp.content.formats import LEARNING_FORMATS

SEARCH_FROM = 7
"""The search box appears when the catalog lists this many current activities or more."""

PAGE_SIZE = 12
"""Current activities per page."""


class SearchError(ValueError):
    """A search the page cannot run; the message is for the learner."""


@dataclass(frozen=True)
class Search:
    text: str = ""
    credit: str = ""
    format: str = ""
    page: int = 1

    @property
    def filtered(self) -> bool:
        return bool(self.text or self.credit or self.format)

    def args(self, **changes: object) -> dict[str, object]:
        """The query string of this search (with ``changes``), leaving out what is empty."""
        values: dict[str, object] = {
            "q": self.text,
            "credit": self.credit,
            "format": self.format,
            "page": self.page,
        }
        values.update(changes)
        return {key: value for key, value in values.items() if value and value != 1}


@dataclass(frozen=True)
class Results:
    listings: list[ActivityListing]
    """The page's activities."""
    total: int
    """How many match, on every page."""
    page: int
    pages: int


def read_search(args: Mapping[str, str]) -> Search:
    """The search in a query string; SearchError for a page that is not a whole number."""
    page_text = args.get("page", "").strip() or "1"
    if not (page_text.isascii() and page_text.isdigit()) or int(page_text) < 1:
        raise SearchError("The page must be a whole number from 1.")
    return Search(
        text=" ".join(args.get("q", "").split())[:200],
        credit=args.get("credit", "").strip(),
        format=args.get("format", "").strip(),
        page=int(page_text),
    )


def folded(text: str) -> str:
    """``Edéma`` and ``EDEMA`` alike: lower case, without accents."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _searchable(item: ActivityListing) -> str:
    meta = item.meta
    return folded(" ".join((meta.title, meta.summary, *meta.objectives)))


def matches(item: ActivityListing, search: Search) -> bool:
    """Every word of the search in the title, summary or objectives, and the credit type and
    the learning format chosen."""
    meta = item.meta
    if search.credit and search.credit not in {credit.type for credit in meta.credits}:
        return False
    if search.format and search.format != meta.learning_format:
        return False
    haystack = _searchable(item)
    return all(word in haystack for word in folded(search.text).split())


def run(listings: Sequence[ActivityListing], search: Search) -> Results:
    """The page of ``listings`` that ``search`` asks for; a page past the end gives the last."""
    found = [item for item in listings if matches(item, search)]
    pages = max(1, math.ceil(len(found) / PAGE_SIZE))
    page = min(search.page, pages)
    start = (page - 1) * PAGE_SIZE
    return Results(found[start : start + PAGE_SIZE], len(found), page, pages)


def credit_choices(listings: Sequence[ActivityListing]) -> list[tuple[str, str]]:
    """(code, name) of each credit type some listed activity offers, by name."""
    codes = {credit.type for item in listings for credit in item.meta.credits}
    return sorted(((code, credit_name(code)) for code in codes), key=lambda pair: pair[1])


def format_choices(listings: Sequence[ActivityListing]) -> list[tuple[str, str]]:
    """(code, name) of each learning format among the listed activities, by name."""
    codes = {item.meta.learning_format for item in listings}
    names = {
        code: LEARNING_FORMATS[code].name if code in LEARNING_FORMATS else code for code in codes
    }
    return sorted(names.items(), key=lambda pair: pair[1])

"""Markdown to HTML that is safe to put in a page.

Python-Markdown passes raw HTML (``<script>``, ``onerror=``) straight through, so every piece
of HTML it makes is cleaned by nh3 with an allow-list. Link targets are rewritten by a
callback the caller provides, which keeps this module free of Flask: the service turns
``figures/x.png`` into an asset URL and ``article.md#discussion`` into the activity page.

Python-Markdown looks for the end of a link, a raw HTML tag or a code span by scanning from
every ``[``, ``<`` or backtick to the end of the paragraph, so 8 KB of ``[`` took 43 seconds and
a few KB of ``<a `` as long. :class:`_BoundedExtension` replaces those scans with ones that stop
at a fixed distance (a link's text at 1,000 characters, its target at 2,000, a tag at 4,000);
Markdown that needs more is shown as text. Deeply nested Markdown (thousands of ``*`` or list
levels) exhausts Python's stack instead: :class:`RenderError` reports it, and the checker
renders everything it accepts, so what passes the checker renders in a sync or a page.
"""

from __future__ import annotations

import contextvars
import re
import threading
import xml.etree.ElementTree as etree
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import markdown
import nh3
from markdown import inlinepatterns
from markdown.extensions import Extension
from markdown.extensions.footnotes import (
    RE_REF_ID,
    FootnoteExtension,
    FootnoteInlineProcessor,
)
from markdown.extensions.tables import PIPE_LEFT, PIPE_NONE, PIPE_RIGHT, TableProcessor
from markdown.htmlparser import HTMLExtractor, htmlparser
from markdown.preprocessors import HtmlBlockPreprocessor
from markdown.treeprocessors import Treeprocessor

LinkResolver = Callable[[str], str | None]

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "caption", "code", "dd", "del", "div", "dl", "dt", "em",
    "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "img", "li", "ol", "p", "pre",
    "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "id"},
    "img": {"src", "alt", "title", "width", "height"},
    "abbr": {"title"},
    "h2": {"id"}, "h3": {"id"}, "h4": {"id"}, "h5": {"id"}, "h6": {"id"},
    "li": {"id"}, "sup": {"id"}, "ol": {"start"},
    "th": {"style", "scope"}, "td": {"style"},
}  # fmt: skip
ALLOWED_CLASSES = {
    "div": {"footnote"},
    "a": {"footnote-ref", "footnote-backref"},
}
URL_SCHEMES = {"http", "https", "mailto"}
CLEAN_CONTENT_TAGS = {"script", "style", "iframe", "object", "embed", "template"}
UNSAFE_LINK_RE = re.compile(r"^\s*(javascript|vbscript|data):", re.IGNORECASE)

MAX_LINK_TEXT = 1000
MAX_LINK_TARGET = 2000
MAX_LINK_BRACKETS = 8
"""Brackets looked at in a link's text; real link text has none or one pair (a footnote)."""
MAX_LINK_NESTING = 3
"""How deep brackets may nest in a link's text: enough for an image inside a link."""
MAX_TAG = 4000
MAX_FOOTNOTE_LABEL = 200
MAX_HTML_DEPTH = 100
"""How deep elements may nest in the HTML Markdown makes; nh3's parser slows down with the
square of the depth (20,000 nested ``<div>`` take seconds), and real articles stay under 20."""


class RenderError(ValueError):
    """Markdown nested too deeply to render (Python-Markdown recurses once per level)."""


def render_markdown(text: str, resolve_link: LinkResolver | None = None) -> str:
    """Render author Markdown (headings start at ``h2``) to sanitized HTML."""
    html, _ids = _converted(text)
    return sanitize(html, resolve_link)


_remembered: contextvars.ContextVar[dict[str, tuple[str, frozenset[str]]] | None] = (
    contextvars.ContextVar("quizapp_rendered", default=None)
)


@contextmanager
def remembering() -> Iterator[None]:
    """Convert each distinct text once inside the block. A sync checks a tree, which renders
    every text to prove it can be shown, and then renders the changed activities again for
    their versions; the conversion is the same both times (only the sanitizing that follows
    depends on the links' targets). Outside such a block nothing is kept."""
    token = _remembered.set({})
    try:
        yield
    finally:
        _remembered.reset(token)


def remembered() -> dict[str, tuple[str, frozenset[str]]] | None:
    """The conversions the innermost :func:`remembering` block keeps, by text (``None``
    outside one): the checker's worker processes send theirs back to the sync that started
    them, which adds them to its own."""
    return _remembered.get()


PLAIN_TEXT_RE = re.compile(r"[A-Za-z][A-Za-z0-9 ,.;:()'\"?%/+=-]*(?<! )")
"""A line Markdown leaves as it is: it starts with a letter (no list, heading or quote
marker), ends without a space, and holds no character Markdown or HTML gives a meaning to.
Most options and many question stems are such lines."""


def _converted(text: str) -> tuple[str, frozenset[str]]:
    """The unsanitized HTML of ``text`` and the ids its headings got."""
    if PLAIN_TEXT_RE.fullmatch(text):
        return f"<p>{text}</p>", frozenset()  # what the converter makes of it, 100 × sooner
    memo = _remembered.get()
    if memo is not None and text in memo:
        return memo[text]
    converter = _converter()
    html = _convert(converter, text)
    ids: set[str] = set()
    stack = list(getattr(converter, "toc_tokens", []))
    while stack:
        token = stack.pop()
        ids.add(token["id"])
        stack.extend(token.get("children", []))
    result = (html, frozenset(ids))
    if memo is not None:
        memo[text] = result
    return result


_converters = threading.local()


def _converter() -> markdown.Markdown:
    """This thread's converter, reset for a new text. Building one registers every extension
    and compiles their patterns, which cost more than converting a question or an option: a
    tree of 1,000 activities converts about 60,000 texts."""
    converter: markdown.Markdown | None = getattr(_converters, "converter", None)
    if converter is None:
        converter = _converters.converter = _new_converter()
    converter.reset()
    return converter


def _new_converter() -> markdown.Markdown:
    return markdown.Markdown(
        extensions=[
            "tables",
            _Footnotes(BACKLINK_TITLE="Back to the text"),
            "sane_lists",
            "fenced_code",
            "toc",
            _FigureExtension(),
            _BoundedExtension(),
        ],
        extension_configs={"toc": {"baselevel": 2, "permalink": False}},
        output_format="html",
    )


TOO_DEEP = "it nests lists, quotes, emphasis (* or _) or HTML elements too deeply"


def _convert(converter: markdown.Markdown, text: str) -> str:
    try:
        html = converter.convert(text)
    except RecursionError:
        _converters.converter = None  # left half-way through a text: build a new one
        raise RenderError(f"{TOO_DEEP}; simplify it") from None
    except BaseException:
        _converters.converter = None
        raise
    if _html_depth(html) > MAX_HTML_DEPTH:
        raise RenderError(f"{TOO_DEEP} (more than {MAX_HTML_DEPTH} levels); simplify it")
    return html


_TAG_RE = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)[^>]*?(/?)>")
_UNNESTED_TAGS = frozenset(
    {
        "area", "base", "br", "col", "colgroup", "dd", "dt", "embed", "hr", "img", "input",
        "li", "link", "meta", "option", "p", "param", "rp", "rt", "source", "tbody", "td",
        "tfoot", "th", "thead", "tr", "track", "wbr",
    }
)  # fmt: skip
"""Elements that are empty or whose end tag HTML lets an author leave out: they do not
deepen the nesting that makes the sanitizer slow."""


def _html_depth(html: str) -> int:
    """An upper bound on how deep elements nest in ``html``, read in one pass."""
    depth = deepest = 0
    for tag in _TAG_RE.finditer(html):
        closing, name, self_closing = tag.groups()
        if name.lower() in _UNNESTED_TAGS or self_closing:
            continue
        if closing:
            depth = max(depth - 1, 0)
        else:
            depth += 1
            deepest = max(deepest, depth)
    return deepest


def heading_ids(text: str) -> frozenset[str]:
    """The ``id`` each heading of an article gets, for checking ``article.md#…`` links.

    The article is converted exactly as :func:`render_markdown` converts it, so a text that
    cannot be rendered raises :class:`RenderError` here, in the checker, and never in a sync.
    """
    return _converted(text)[1]


def check_renders(text: str) -> None:
    """Raise :class:`RenderError` when ``text`` cannot be rendered by :func:`render_markdown`
    or :func:`render_inline`.

    The checker proves that every text it accepts can be shown; only the conversion can fail,
    so it is done here and the sanitizing that would follow (a sixth of the check of a large
    tree) is left to whoever shows the text."""
    _converted(text)


def render_inline(text: str) -> str:
    """Render one line of Markdown (a statement, an option) without the wrapping paragraph."""
    html = render_markdown(text)
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return html


def sanitize(html: str, resolve_link: LinkResolver | None = None) -> str:
    def filter_attribute(tag: str, attribute: str, value: str) -> str | None:
        if attribute not in ("href", "src"):
            return value
        if UNSAFE_LINK_RE.match(value):
            return None
        if resolve_link is None:
            return value
        return resolve_link(value)

    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags=CLEAN_CONTENT_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=filter_attribute,
        allowed_classes=ALLOWED_CLASSES,
        filter_style_properties={"text-align"},
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    )


class _FigureTreeprocessor(Treeprocessor):
    """A paragraph holding only an image with a title becomes a captioned ``<figure>``."""

    def run(self, root: etree.Element) -> None:
        for parent in root.iter():
            for index, child in enumerate(list(parent)):
                if child.tag != "p" or len(child) != 1 or (child.text or "").strip():
                    continue
                image = child[0]
                if image.tag != "img" or (image.tail or "").strip() or not image.get("title"):
                    continue
                figure = etree.Element("figure")
                caption_text = image.attrib.pop("title")
                figure.append(image)
                image.tail = None
                caption = etree.SubElement(figure, "figcaption")
                caption.text = caption_text
                parent.remove(child)
                parent.insert(index, figure)


class _FigureExtension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # name set by Markdown's API
        md.treeprocessors.register(_FigureTreeprocessor(md), "quizapp-figures", 5)


class _BoundedLinkScans:
    """Python-Markdown's link, image and reference processors, with bounded scans.

    The originals walk character by character from a ``[`` to its ``]`` and from a ``(`` to its
    ``)``, to the end of the paragraph when there is none, and do it again from the next ``[``.
    Here the text is searched bracket by bracket up to :data:`MAX_LINK_TEXT` characters, and a
    target must close within :data:`MAX_LINK_TARGET` (one level of parentheses inside, as in
    Wikipedia addresses) before the original reads it.
    """

    def getText(self, data: str, index: int) -> tuple[str, int, bool]:
        depth = 1
        end = min(len(data), index + MAX_LINK_TEXT)
        for count, bracket in enumerate(_BRACKET_RE.finditer(data, index, end)):
            if count == MAX_LINK_BRACKETS:
                break
            if bracket.group() == "[":
                depth += 1
                if depth > MAX_LINK_NESTING:
                    break
                continue
            depth -= 1
            if depth == 0:
                return data[index : bracket.start()], bracket.end(), True
        return "", index, False

    def getLink(self, data: str, index: int) -> tuple[str, str | None, int, bool]:
        target = _LINK_TARGET_RE.match(data, index)
        if target is None:
            return "", None, index, False
        href, title, end, handled = super().getLink(  # type: ignore[misc]
            data[index : target.end()], 0
        )
        return href, title, index + end, handled


_BRACKET_RE = re.compile(r"[\[\]]")
_LINK_TARGET_RE = re.compile(
    rf"\((?:[^()]|\([^()]{{0,{MAX_LINK_TARGET}}}+\)){{0,{MAX_LINK_TARGET}}}+\)"
)


class _Link(_BoundedLinkScans, inlinepatterns.LinkInlineProcessor):
    pass


class _Image(_BoundedLinkScans, inlinepatterns.ImageInlineProcessor):
    pass


class _Reference(_BoundedLinkScans, inlinepatterns.ReferenceInlineProcessor):
    pass


class _ShortReference(_BoundedLinkScans, inlinepatterns.ShortReferenceInlineProcessor):
    pass


class _ImageReference(_BoundedLinkScans, inlinepatterns.ImageReferenceInlineProcessor):
    pass


class _ShortImageReference(_BoundedLinkScans, inlinepatterns.ShortImageReferenceInlineProcessor):
    pass


class _FootnoteOrder(list[str]):
    """The footnote extension's list of referenced ids, with the membership test and the
    ``index`` it asks for on every reference answered from a dict instead of a scan."""

    def __init__(self) -> None:
        super().__init__()
        self._positions: dict[str, int] = {}

    def append(self, item: str) -> None:
        self._positions.setdefault(item, len(self))
        super().append(item)

    def __contains__(self, item: object) -> bool:
        return item in self._positions

    def index(self, item: str, *bounds: int) -> int:  # type: ignore[override]
        if bounds or item not in self._positions:
            return super().index(item, *bounds)
        return self._positions[item]


class _Footnotes(FootnoteExtension):
    """Python-Markdown's footnotes, with the bookkeeping done per reference made constant.

    The original numbers a reference by scanning every footnote, and names the n-th repeat of
    ``[^1]`` by trying the n-1 names before it, so 8 KB of ``[^1]`` took 18 seconds.
    """

    def reset(self) -> None:
        super().reset()
        self.footnote_order = _FootnoteOrder()
        self.definition_numbers: dict[str, int] = {}

    def setFootnote(self, id: str, text: str) -> None:
        self.definition_numbers.setdefault(id, len(self.definition_numbers) + 1)
        super().setFootnote(id, text)

    def unique_ref(self, reference: str, found: bool = False) -> str:
        """The original's next name for a repeated reference, without trying each earlier one:
        the k-th repeat of ``fnref:1`` is ``fnref{k+1}:1`` unless that name is taken."""
        repeats = self.found_refs.get(reference, 0) if found else 0
        separator = self.get_separator()
        if repeats and separator in reference:
            stem, rest = reference.split(separator, 1)
            candidate = f"{stem}{repeats + 1}{separator}{rest}"
            if RE_REF_ID.match(stem) is None and candidate not in self.used_refs:
                self.used_refs.add(candidate)
                self.found_refs[reference] = repeats + 1
                return candidate
        return super().unique_ref(reference, found)

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        super().extendMarkdown(md)
        md.inlinePatterns.register(
            _FootnoteReference(rf"\[\^([^\]]{{0,{MAX_FOOTNOTE_LABEL}}}+)\]", self), "footnote", 175
        )


class _FootnoteReference(FootnoteInlineProcessor):
    """A ``[^label]`` reference, numbered in definition order from a dict."""

    footnotes: _Footnotes

    def handleMatch(
        self, m: re.Match[str], data: str
    ) -> tuple[etree.Element | None, int | None, int | None]:
        label = m.group(1)
        number = self.footnotes.definition_numbers.get(label)
        if number is None or label not in self.footnotes.footnotes:
            return None, None, None
        self.footnotes.addFootnoteRef(label)
        sup = etree.Element("sup")
        link = etree.SubElement(sup, "a")
        sup.set("id", self.footnotes.makeFootnoteRefId(label, found=True))
        link.set("href", "#" + self.footnotes.makeFootnoteId(label))
        link.set("class", "footnote-ref")
        link.text = self.footnotes.getConfig("SUPERSCRIPT_TEXT").format(number)
        return sup, m.start(0), m.end(0)


class _Table(TableProcessor):
    """Python-Markdown's table processor, reading only the rows its test needs.

    The original strips every row of a block each time it asks whether the block is a table,
    and a block of 4,000 setext headings is asked 2,000 times.
    """

    def test(self, parent: etree.Element, block: str) -> bool:
        header, newline, rest = block.partition("\n")
        if not newline:
            return False
        header = header.strip(" ")
        self.border = PIPE_NONE
        if header.startswith("|"):
            self.border |= PIPE_LEFT
        if self.RE_END_BORDER.search(header) is not None:
            self.border |= PIPE_RIGHT
        columns = len(self._split_row(header))
        is_table = columns > 1
        if not is_table and columns == 1 and self.border:
            for line in rest.split("\n"):
                row = line.strip(" ")
                is_table = row.startswith("|") or self.RE_END_BORDER.search(row) is not None
                if not is_table:
                    break
        if is_table:
            separator = self._split_row(rest.partition("\n")[0].strip(" "))
            is_table = len(separator) == columns and set("".join(separator)) <= set("|:- ")
            if is_table:
                self.separator = separator
        return is_table


_PLAUSIBLE_TAG_RE = re.compile(r"""<[a-zA-Z][^<>"']*+(?:(?:"[^"]*+"|'[^']*+')[^<>"']*+)*+>""")


class _BoundedHtmlExtractor(HTMLExtractor):
    """Python-Markdown's raw-HTML reader, except that a start tag must close within
    :data:`MAX_TAG` characters, without a ``<`` outside its quoted values.

    The standard library's pattern for the end of a start tag reads attributes across lines
    and past other ``<``; for a ``<a`` with no ``>`` it reads to the end of the document, and
    then does so again from the next ``<``. Python-Markdown shows such a ``<`` as text; so does
    this reader, after looking no further than the tag could reach.
    """

    def check_for_whole_start_tag(self, i: int) -> int:
        rawdata = self.rawdata
        tag = _PLAUSIBLE_TAG_RE.match(rawdata, i, i + MAX_TAG)
        if tag is None:
            return -1
        end = htmlparser.locatestarttagend_tolerant.match(rawdata, i, tag.end()).end()
        if rawdata.startswith(">", end):
            return end + 1
        if rawdata.startswith("/>", end):
            return end + 2
        return -1


class _BoundedHtmlBlockPreprocessor(HtmlBlockPreprocessor):
    def run(self, lines: list[str]) -> list[str]:
        parser = _BoundedHtmlExtractor(self.md)
        parser.feed("\n".join(lines))
        parser.close()
        return "".join(parser.cleandoc).split("\n")


class _BoundedExtension(Extension):
    """Registers the bounded processors under the names and priorities of the originals."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # name set by Markdown's API
        md.preprocessors.register(_BoundedHtmlBlockPreprocessor(md), "html_block", 20)
        patterns = md.inlinePatterns
        patterns.register(_Reference(inlinepatterns.REFERENCE_RE, md), "reference", 170)
        patterns.register(_Link(inlinepatterns.LINK_RE, md), "link", 160)
        patterns.register(_Image(inlinepatterns.IMAGE_LINK_RE, md), "image_link", 150)
        patterns.register(
            _ImageReference(inlinepatterns.IMAGE_REFERENCE_RE, md), "image_reference", 140
        )
        patterns.register(_ShortReference(inlinepatterns.REFERENCE_RE, md), "short_reference", 130)
        patterns.register(
            _ShortImageReference(inlinepatterns.IMAGE_REFERENCE_RE, md), "short_image_ref", 125
        )
        tables = md.parser.blockprocessors
        if "table" in tables:
            table = tables["table"]
            tables.register(_Table(md.parser, table.config), "table", 75)  # type: ignore[attr-defined]

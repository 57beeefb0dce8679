"""Markdown to HTML that is safe to put in a page.

Python-Markdown passes raw HTML (``<script>``, ``onerror=``) straight through, so every piece
of HTML it makes is cleaned by nh3 with an allow-list. Link targets are rewritten by a
callback the caller provides, which keeps this module free of Flask: the service turns
``figures/x.png`` into an asset URL and ``article.md#discussion`` into the activity page.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from collections.abc import Callable

import markdown
import nh3
from markdown.extensions import Extension
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


def render_markdown(text: str, resolve_link: LinkResolver | None = None) -> str:
    """Render author Markdown (headings start at ``h2``) to sanitized HTML."""
    converter = markdown.Markdown(
        extensions=[
            "tables",
            "footnotes",
            "sane_lists",
            "fenced_code",
            "toc",
            _FigureExtension(),
        ],
        extension_configs={
            "toc": {"baselevel": 2, "permalink": False},
            "footnotes": {"BACKLINK_TITLE": "Back to the text"},
        },
        output_format="html",
    )
    html = converter.convert(text)
    return sanitize(html, resolve_link)


def heading_ids(text: str) -> frozenset[str]:
    """The ``id`` each heading of an article gets, for checking ``article.md#…`` links."""
    converter = markdown.Markdown(extensions=["toc"], extension_configs={"toc": {"baselevel": 2}})
    converter.convert(text)
    ids: set[str] = set()
    stack = list(getattr(converter, "toc_tokens", []))
    while stack:
        token = stack.pop()
        ids.add(token["id"])
        stack.extend(token.get("children", []))
    return frozenset(ids)


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

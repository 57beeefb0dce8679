"""Authored Markdown to the XHTML that QTI and Moodle carry, and that XHTML back to Markdown.

Export renders the Markdown with the site's own sanitizing renderer, then keeps only the
elements and attributes that the QTI content model allows (a figure becomes a ``div`` with
class ``figure``, its caption a ``p`` with class ``figcaption``; ``del`` becomes ``span``).
Import walks a QTI body and writes Markdown for what Markdown can say; anything else keeps
its text and is reported as formatting that was lost.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

from quizapp.content.render import render_inline, render_markdown

KEPT_ELEMENTS = frozenset(
    [
        "a",
        "abbr",
        "blockquote",
        "br",
        "caption",
        "code",
        "dd",
        "div",
        "dl",
        "dt",
        "em",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "img",
        "li",
        "ol",
        "p",
        "pre",
        "span",
        "strong",
        "sub",
        "sup",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    ]
)
RENAMED_ELEMENTS = {"figure": "div", "figcaption": "p", "del": "span"}
CLASS_OF_RENAMED = {"figure": "figure", "figcaption": "figcaption"}
KEPT_ATTRIBUTES = {
    "a": ("href",),
    "img": ("src", "alt", "width", "height"),
    "th": ("scope",),
}
VOID_ELEMENTS = frozenset({"br", "hr", "img"})
_SPACES_RE = re.compile(r"[ \t\n\r]+")


def markdown_to_xhtml(parent: ET.Element, markdown: str, namespace: str, *, inline: bool) -> None:
    """Append the rendering of ``markdown`` to ``parent`` as elements in ``namespace``."""
    html = render_inline(markdown) if inline else render_markdown(markdown)
    builder = _TreeBuilder(parent, namespace)
    builder.feed(html)
    builder.close()
    _strip_block_whitespace(parent)


class _TreeBuilder(HTMLParser):
    """Builds ElementTree nodes from the renderer's (already sanitized) HTML."""

    def __init__(self, root: ET.Element, namespace: str) -> None:
        super().__init__(convert_charrefs=True)
        self.namespace = namespace
        self.stack: list[ET.Element] = [root]

    def _qname(self, tag: str) -> str:
        return f"{{{self.namespace}}}{tag}" if self.namespace else tag

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        name = RENAMED_ELEMENTS.get(tag, tag)
        if name not in KEPT_ELEMENTS:
            return
        kept = {key: value or "" for key, value in attrs if key in KEPT_ATTRIBUTES.get(name, ())}
        if tag in CLASS_OF_RENAMED:
            kept["class"] = CLASS_OF_RENAMED[tag]
        if name == "img":
            kept.setdefault("alt", "")
        element = ET.SubElement(self.stack[-1], self._qname(name), kept)
        if name not in VOID_ELEMENTS:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        name = RENAMED_ELEMENTS.get(tag, tag)
        if name in KEPT_ELEMENTS and name not in VOID_ELEMENTS:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        name = RENAMED_ELEMENTS.get(tag, tag)
        if name not in KEPT_ELEMENTS or name in VOID_ELEMENTS or len(self.stack) == 1:
            return
        if _local(self.stack[-1].tag) == name:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        """Text, with the line breaks of the author's wrapping made single spaces (as HTML
        shows them), so that rewrapping a paragraph does not change an export."""
        current = self.stack[-1]
        if not any(_local(element.tag) == "pre" for element in self.stack):
            data = _SPACES_RE.sub(" ", data)
        if len(current):
            current[-1].tail = (current[-1].tail or "") + data
        else:
            current.text = (current.text or "") + data


BLOCK_CONTAINERS = frozenset({"blockquote", "ol", "ul", "table", "thead", "tbody", "tfoot", "tr"})


def _strip_block_whitespace(element: ET.Element) -> None:
    """Drop the newlines the renderer puts between blocks, where text is not allowed."""
    is_root_or_container = _local(element.tag) in BLOCK_CONTAINERS or not _local(element.tag)
    for child in element:
        _strip_block_whitespace(child)
        if _local(child.tag) not in _INLINE and child.tail is not None and not child.tail.strip():
            child.tail = None
    if (
        (is_root_or_container or _has_block_child(element))
        and element.text
        and not element.text.strip()
    ):
        element.text = None


_INLINE = frozenset({"a", "abbr", "br", "code", "em", "img", "span", "strong", "sub", "sup"})


def _has_block_child(element: ET.Element) -> bool:
    return any(_local(child.tag) not in _INLINE for child in element)


def _local(tag: str | object) -> str:
    text = tag if isinstance(tag, str) else ""
    return text.rpartition("}")[2]


def image_sources(element: ET.Element) -> list[str]:
    return [img.get("src", "") for img in element.iter() if _local(img.tag) == "img"]


# ---- back to Markdown -------------------------------------------------------------------

_ESCAPED_RE = re.compile(r"([\\`*_\[\]])")
_LINE_START_RE = re.compile(r"^(\s*)([#>+-]|\d+[.)])(?=\s|$)")


class Lost(list[str]):
    """Names of the elements whose formatting Markdown could not keep."""


def xhtml_to_markdown(
    element: ET.Element, lost: Lost, *, skip: frozenset[str] = frozenset()
) -> str:
    """The Markdown of ``element``'s content as blocks separated by blank lines; child elements
    whose local name is in ``skip`` are left out (the interaction inside an item body)."""
    blocks: list[str] = []
    inline: list[str] = [_text(element.text)]
    for child in element:
        name = _local(child.tag)
        if name in skip:
            pass
        elif name in _INLINE:
            inline.append(_inline(child, lost))
        else:
            _flush(inline, blocks)
            blocks.extend(_block(child, lost))
        inline.append(_text(child.tail))
    _flush(inline, blocks)
    return "\n\n".join(block for block in blocks if block)


def inline_markdown(element: ET.Element, lost: Lost) -> str:
    """One line of Markdown for an option: its blocks joined by spaces."""
    return " ".join(xhtml_to_markdown(element, lost).split())


def _flush(inline: list[str], blocks: list[str]) -> None:
    text = " ".join("".join(inline).split())
    if text:
        blocks.append(_LINE_START_RE.sub(r"\1\\\2", text))
    inline.clear()


def _text(text: str | None) -> str:
    if not text:
        return ""
    return _ESCAPED_RE.sub(r"\\\1", text).replace("<", "&lt;")


def _inline(element: ET.Element, lost: Lost) -> str:
    name = _local(element.tag)
    inner = _text(element.text) + "".join(
        _inline(child, lost) + _text(child.tail) for child in element
    )
    if name in ("strong", "b"):
        return f"**{inner}**" if inner.strip() else inner
    if name in ("em", "i"):
        return f"*{inner}*" if inner.strip() else inner
    if name == "code":
        return f"`{element.text or ''}`"
    if name == "a":
        return f"[{inner}]({element.get('href', '')})"
    if name == "img":
        return f"![{element.get('alt', '')}]({element.get('src', '')})"
    if name == "br":
        return "<br>"
    if name in ("sub", "sup"):
        return f"<{name}>{inner}</{name}>"
    if name not in ("span", "abbr"):
        lost.append(name)
    return inner


def _block(element: ET.Element, lost: Lost) -> list[str]:
    name = _local(element.tag)
    if name == "p":
        return [xhtml_to_markdown(element, lost)]
    if name == "div" and element.get("class") == "figure":
        image = next((e for e in element.iter() if _local(e.tag) == "img"), None)
        caption = next((e for e in element.iter() if _local(e.tag) == "p"), None)
        if image is not None:
            title = " ".join("".join(caption.itertext()).split()) if caption is not None else ""
            titled = f' "{title}"' if title else ""
            return [f"![{image.get('alt', '')}]({image.get('src', '')}{titled})"]
    if name in ("ul", "ol"):
        items = [child for child in element if _local(child.tag) == "li"]
        marks = ["-"] * len(items) if name == "ul" else [f"{n}." for n in range(1, len(items) + 1)]
        return [
            "\n".join(
                f"{mark} {' '.join(xhtml_to_markdown(item, lost).split())}"
                for mark, item in zip(marks, items, strict=True)
            )
        ]
    if name == "blockquote":
        inner = xhtml_to_markdown(element, lost)
        return ["\n".join(f"> {line}".rstrip() for line in inner.splitlines())]
    if name == "pre":
        return ["```\n" + "".join(element.itertext()).strip("\n") + "\n```"]
    if name == "table":
        return [_table(element, lost)]
    if name in ("h2", "h3", "h4", "h5", "h6"):
        return [f"**{xhtml_to_markdown(element, lost)}**"]
    if name != "div":
        lost.append(name)
    return [xhtml_to_markdown(element, lost)]


def _table(element: ET.Element, lost: Lost) -> str:
    rows = [row for row in element.iter() if _local(row.tag) == "tr"]
    lines = []
    for index, row in enumerate(rows):
        cells = [
            inline_markdown(cell, lost).replace("|", "\\|")
            for cell in row
            if _local(cell.tag) in ("td", "th")
        ]
        lines.append("| " + " | ".join(cells) + " |")
        if index == 0:
            lines.append("|" + "---|" * len(cells))
    return "\n".join(lines)

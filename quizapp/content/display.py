"""Stored article HTML made fit for a small screen when a page shows it.

Done at display rather than at publish, so every version already stored gets it too: a wide
table scrolls inside a box of its own that keyboard users can focus and scroll (WCAG 2.1.1;
axe's ``scrollable-region-focusable``), and a figure links to its image, so a phone user can
open it full size with a tap. The input is the sanitizer's output, whose ``<table>`` and
``<figure><img ...>`` carry no attributes the patterns below do not expect.
"""

from __future__ import annotations

import re
from itertools import count

from markupsafe import Markup

_FIGURE_IMAGE = re.compile(r'<figure>(<img(?:\s+[a-z-]+="[^"]*")*\s*/?>)')
_SOURCE = re.compile(r'\ssrc="([^"]*)"')


def for_screen(html: str) -> Markup:
    numbers = count(1)

    def boxed(_match: re.Match[str]) -> str:
        return (
            f'<div class="table-scroll" role="region" tabindex="0" '
            f'aria-label="Table {next(numbers)}, scrolls sideways if wider than the screen">'
            "<table>"
        )

    def linked(match: re.Match[str]) -> str:
        image = match.group(1)
        source = _SOURCE.search(image)
        if source is None:
            return match.group(0)
        return (
            f'<figure><a class="figure-full" href="{source.group(1)}">{image}'
            '<span class="figure-open">Open full size</span></a>'
        )

    html = re.sub(r"<table>", boxed, html).replace("</table>", "</table></div>")
    return Markup(_FIGURE_IMAGE.sub(linked, html))

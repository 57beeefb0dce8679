"""Server-rendered SVG bar charts for item analysis.

The charts are plain, self-contained SVG strings meant to be placed inline in a page (mark them
safe in the template: every author-supplied string is escaped here). They need no JavaScript,
no stylesheet and no external resource: all styling is done with SVG presentation attributes,
which the app's Content-Security-Policy (``style-src 'self'``, no inline styles) allows, where
a ``style`` attribute or element would be blocked. The only reference is to a pattern defined
inside the same SVG.

Accessibility: the root has ``role="img"``, a ``<title>`` (the accessible name, via
``aria-labelledby``) and a ``<desc>`` that spells out every bar in words (via
``aria-describedby``), so a screen-reader user gets the data without the picture. The correct
answer is not marked by colour alone: its bar is hatched and outlined and its value is followed
by the text "✓ key".

The SVG has a ``viewBox`` and no fixed width or height, so it scales to its container. The ids
inside it start with ``chart_id`` (by default derived from the chart's content); give each chart
on a page a distinct one.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from xml.sax.saxutils import escape

Percent = Fraction | int | float | Decimal

WIDTH = 640
MARGIN = 8
BAR_SPACE = 430  # the width of a 100 % bar
ROW_HEIGHT = 46
TOP = 40  # below the visible title
FONT = "system-ui, -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif"
INK = "#1b1f24"
MUTED = "#57606a"
BAR = "#4f6d9a"
KEY_BACKGROUND = "#c9d8ee"
KEY_STRIPE = "#1d3557"
GRID = "#d0d7de"
MAX_LABEL_CHARS = 80

_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")
# Characters XML 1.0 does not allow at all, even escaped.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def option_bar_chart(
    options: Sequence[tuple[str, int, bool | None]],
    *,
    title: str,
    total: int | None = None,
    chart_id: str | None = None,
) -> str:
    """Horizontal bars, one per option: how many attempts chose it and what percentage that is.

    ``options`` are ``(label, count, is_key)`` in the order to show; ``is_key`` is None when the
    key is not known. Percentages and bar lengths are of ``total``, the number of attempts
    (default: the sum of the counts, which is right for single-answer items; pass the number of
    attempts for a multiple-answer item, whose counts may add up to more).
    """
    rows = [(str(label), _count(count), is_key) for label, count, is_key in options]
    if total is None:
        total = sum(count for _, count, _ in rows)
    total = _count(total)
    cid = _chart_id(chart_id, "options", title, total, rows)
    pattern = f"{cid}-key"

    body: list[str] = []
    words: list[str] = []
    for index, (label, count, is_key) in enumerate(rows):
        top = TOP + index * ROW_HEIGHT
        share = Fraction(count, total) if total else None
        width = BAR_SPACE * min(float(share), 1.0) if share is not None else 0.0
        value = f"{count}" if share is None else f"{count} ({_percent_text(share * 100)})"
        body.append(_label(label, top))
        if is_key:
            # Hatched and outlined (the outline drawn inside the bar, so its length is honest).
            body.append(_rect(MARGIN, top + 20, width, 18, f'fill="url(#{pattern})"'))
            body.append(
                _rect(
                    MARGIN + 1,
                    top + 21,
                    max(width - 2, 0),
                    16,
                    f'fill="none" stroke="{INK}" stroke-width="2"',
                )
            )
            value += " ✓ key"
        else:
            body.append(_rect(MARGIN, top + 20, width, 18, f'fill="{BAR}"'))
        weight = ' font-weight="bold"' if is_key else ""
        body.append(
            f'<text x="{_num(MARGIN + width + 6)}" y="{top + 34}" fill="{INK}"{weight}>'
            f"{_text(value)}</text>"
        )
        words.append(
            f"{_clean(label)}: chosen {count} "
            + ("times" if count != 1 else "time")
            + ("" if share is None else f" ({_percent_text(share * 100)})")
            + (", the correct answer" if is_key else "")
        )

    if not rows:
        body.append(_note("No options to show.", TOP + 16))
    height = TOP + max(len(rows), 1) * ROW_HEIGHT + 4
    description = (
        f"Bar chart of {len(rows)} option{'s' if len(rows) != 1 else ''}"
        + (f" across {total} attempt{'s' if total != 1 else ''}" if total else "")
        + (". " + "; ".join(words) if words else "")
        + "."
    )
    defs = (
        f'<defs><pattern id="{pattern}" width="8" height="8" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)">'
        f'<rect width="8" height="8" fill="{KEY_BACKGROUND}"/>'
        f'<rect width="4" height="8" fill="{KEY_STRIPE}"/></pattern></defs>'
    )
    return _svg(cid, title, description, height, [defs, *body])


def facility_chart(
    items: Sequence[tuple[str, Percent | None]],
    *,
    title: str,
    chart_id: str | None = None,
) -> str:
    """Horizontal bars on a 0–100 % scale, one per item: its facility index.

    ``items`` are ``(label, facility_percent)``; a facility of None (no attempts) is shown as
    "no attempts" instead of a bar.
    """
    rows = [(str(label), _facility(value)) for label, value in items]
    cid = _chart_id(chart_id, "facility", title, rows)

    body: list[str] = []
    words: list[str] = []
    bottom = TOP + max(len(rows), 1) * ROW_HEIGHT
    for tick in (0, 25, 50, 75, 100):
        x = _num(MARGIN + BAR_SPACE * tick / 100)
        anchor = "start" if tick == 0 else "middle"
        body.append(
            f'<text x="{x}" y="{bottom + 14}" fill="{MUTED}" font-size="11" '
            f'text-anchor="{anchor}">{tick}%</text>'
        )
    for index, (label, value) in enumerate(rows):
        top = TOP + index * ROW_HEIGHT
        body.append(_label(label, top))
        if value is None:
            body.append(_note("no attempts", top + 34))
            words.append(f"{_clean(label)}: no attempts")
            continue
        # Scale marks behind the bar, kept clear of the label above it.
        for tick in (0, 25, 50, 75, 100):
            x = _num(MARGIN + BAR_SPACE * tick / 100)
            body.append(
                f'<line x1="{x}" y1="{top + 18}" x2="{x}" y2="{top + ROW_HEIGHT}" '
                f'stroke="{GRID}" stroke-width="1"/>'
            )
        width = BAR_SPACE * float(value) / 100
        body.append(_rect(MARGIN, top + 20, width, 18, f'fill="{BAR}"'))
        body.append(
            f'<text x="{_num(MARGIN + width + 6)}" y="{top + 34}" fill="{INK}">'
            f"{_percent_text(value)}</text>"
        )
        words.append(f"{_clean(label)}: {_percent_text(value)}")

    if not rows:
        body.append(_note("No items to show.", TOP + 16))
    description = (
        f"Bar chart of the facility index (percentage of the available score earned) of "
        f"{len(rows)} item{'s' if len(rows) != 1 else ''}"
        + (". " + "; ".join(words) if words else "")
        + "."
    )
    return _svg(cid, title, description, bottom + 22, body)


def efficiency_chart(
    items: Sequence[tuple[str, Percent | None]],
    *,
    title: str,
    chart_id: str | None = None,
) -> str:
    """Horizontal bars from a zero line on a −100 % to 100 % scale, one per item: its
    discriminative efficiency. A negative one (the question favours weaker learners) points
    left of the line. ``items`` are ``(label, efficiency_percent)``; None (not defined) is shown
    as "not defined" instead of a bar.
    """
    rows = [(str(label), _signed_percent(value)) for label, value in items]
    cid = _chart_id(chart_id, "efficiency", title, rows)
    half = BAR_SPACE / 2
    zero = MARGIN + half

    body: list[str] = []
    words: list[str] = []
    bottom = TOP + max(len(rows), 1) * ROW_HEIGHT
    for tick in (-100, -50, 0, 50, 100):
        x = _num(zero + half * tick / 100)
        anchor = "start" if tick == -100 else "middle"
        body.append(
            f'<text x="{x}" y="{bottom + 14}" fill="{MUTED}" font-size="11" '
            f'text-anchor="{anchor}">{"−" if tick < 0 else ""}{abs(tick)}%</text>'
        )
    for index, (label, value) in enumerate(rows):
        top = TOP + index * ROW_HEIGHT
        body.append(_label(label, top))
        if value is None:
            body.append(_note("not defined", top + 34))
            words.append(f"{_clean(label)}: not defined")
            continue
        for tick in (-100, -50, 0, 50, 100):
            x = _num(zero + half * tick / 100)
            weight = 2 if tick == 0 else 1
            body.append(
                f'<line x1="{x}" y1="{top + 18}" x2="{x}" y2="{top + ROW_HEIGHT}" '
                f'stroke="{INK if tick == 0 else GRID}" stroke-width="{weight}"/>'
            )
        width = half * abs(float(value)) / 100
        left = zero - width if value < 0 else zero
        body.append(_rect(left, top + 20, width, 18, f'fill="{BAR}"'))
        text_x = zero + (width if value > 0 else 0) + 6
        body.append(
            f'<text x="{_num(text_x)}" y="{top + 34}" fill="{INK}">{_signed_text(value)}</text>'
        )
        words.append(f"{_clean(label)}: {_signed_text(value)}")

    if not rows:
        body.append(_note("No items to show.", TOP + 16))
    description = (
        f"Bar chart of the discriminative efficiency (the discrimination reached, as a "
        f"percentage of the most the question's scores allow) of "
        f"{len(rows)} item{'s' if len(rows) != 1 else ''}"
        + (". " + "; ".join(words) if words else "")
        + "."
    )
    return _svg(cid, title, description, bottom + 22, body)


# Building blocks -----------------------------------------------------------------------------


def _svg(cid: str, title: str, description: str, height: int, body: list[str]) -> str:
    return "\n".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
            f'role="img" aria-labelledby="{cid}-title" aria-describedby="{cid}-desc" '
            f'font-family="{FONT}" font-size="13">',
            f'<title id="{cid}-title">{_text(title)}</title>',
            f'<desc id="{cid}-desc">{_text(description)}</desc>',
            f'<rect width="{WIDTH}" height="{height}" fill="#ffffff"/>',
            f'<text x="{MARGIN}" y="22" fill="{INK}" font-size="15" font-weight="bold">'
            f"{_text(_shorten(title))}</text>",
            *body,
            "</svg>",
        ]
    )


def _label(label: str, top: int) -> str:
    return f'<text x="{MARGIN}" y="{top + 14}" fill="{INK}">{_text(_shorten(label))}</text>'


def _note(words: str, y: int) -> str:
    return f'<text x="{MARGIN}" y="{y}" fill="{MUTED}" font-style="italic">{_text(words)}</text>'


def _rect(x: float, y: float, width: float, height: float, paint: str) -> str:
    return (
        f'<rect x="{_num(x)}" y="{_num(y)}" width="{_num(width)}" height="{_num(height)}" {paint}/>'
    )


def _clean(text: str) -> str:
    """Drop the characters XML cannot carry at all (escaping does not help with those)."""
    return _NOT_XML.sub("", text)


def _text(text: str) -> str:
    """Escape for element text and attribute values alike."""
    return escape(_clean(text), {'"': "&quot;", "'": "&apos;"})


def _shorten(text: str) -> str:
    text = " ".join(_clean(text).split())
    return text if len(text) <= MAX_LABEL_CHARS else text[: MAX_LABEL_CHARS - 1].rstrip() + "…"


def _num(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _percent_text(value: Percent) -> str:
    """A percentage rounded half up to a whole number: 200/3 is "67%"."""
    return f"{math.floor(Fraction(value) + Fraction(1, 2))}%"


def _signed_text(value: Fraction) -> str:
    """A percentage rounded to a whole number, halves away from zero: −2.5 is "−3%"."""
    whole = math.floor(abs(value) + Fraction(1, 2))
    return f"{'−' if value < 0 and whole else ''}{whole}%"


def _signed_percent(value: Percent | None) -> Fraction | None:
    if value is None:
        return None
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"An efficiency must be a number from −100 to 100, not {value!r}.")
    exact = Fraction(value)
    if not -100 <= exact <= 100:
        raise ValueError(f"An efficiency must be a number from −100 to 100, not {value!r}.")
    return exact


def _count(value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"A count must be a whole number of at least 0, not {value!r}.")
    return value


def _facility(value: Percent | None) -> Fraction | None:
    if value is None:
        return None
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"A facility must be a number from 0 to 100, not {value!r}.")
    exact = Fraction(value)
    if not 0 <= exact <= 100:
        raise ValueError(f"A facility must be a number from 0 to 100, not {value!r}.")
    return exact


def _chart_id(chart_id: str | None, *content: object) -> str:
    if chart_id is None:
        digest = hashlib.sha256(repr(content).encode("utf-8", "surrogatepass")).hexdigest()
        return f"chart-{digest[:12]}"
    if not _ID.match(chart_id):
        raise ValueError("A chart id is a letter then up to 63 letters, digits, - or _.")
    return chart_id

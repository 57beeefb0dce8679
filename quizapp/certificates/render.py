"""The certificate as a one-page PDF, drawn with fpdf2 from a frozen CertificateData.

Pure: plain values in, bytes out; no Flask, no database. The same data, address, page size and
note always give the same bytes (the PDF's creation date is the completion date).

It prints what the AMA asks of a statement of credit: the learner's name, the accredited
provider, the activity title, the learning format, the date completed and the credit actually
claimed in the exact wording of its type; then each designation statement, the accreditation
statement, and a verification code with the address (and a QR code of it) where anyone can
check the certificate. Whatever the length of the title and the number of credit types, it
stays on one page: the text is set smaller until it fits.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from io import BytesIO

import segno
from fpdf import FPDF
from fpdf.enums import Align, MethodReturnValue, XPos, YPos

from quizapp.certificates.document import CertificateCredit, CertificateData
from quizapp.certificates.fonts import certificate_fonts, characters, dejavu_characters
from quizapp.dates import long_date

PARTICIPATION = "participation"
PAGE_SIZES = {"letter": "letter", "a4": "A4"}
LEARNING_FORMATS = {
    # the format's code or printed name -> (printed name, what the learner completed)
    "journal-based": ("Journal-based CME", "the journal-based CME activity"),
    "journal-based cme": ("Journal-based CME", "the journal-based CME activity"),
    "enduring": ("Enduring material", "the enduring material"),
    "enduring material": ("Enduring material", "the enduring material"),
}

FONT = "DejaVu"
MONO = "DejaVuMono"
HEBREW_FONT = "NotoHebrew"
ARABIC_FONT = "NotoArabic"
CJK_FONT = "NotoCJK"

NAVY = (27, 54, 93)
INK = (25, 25, 25)
MUTED = (88, 92, 98)
GOLD = (176, 150, 90)
ALERT = (176, 0, 32)
ALERT_FILL = (253, 236, 238)

PT = 25.4 / 72
"""Millimetres per typographic point."""
LEADING = 1.28
BORDER_INSET = 9.0
"""The outer border line, from the page edge (mm); a finer line runs INNER_BORDER_GAP inside."""
INNER_BORDER_GAP = 2.2
CONTENT_INSET = 24.0
"""The text area, from the page edge (mm)."""
FOOTER_HEIGHT = 34.0
QR_SIZE = 24.0
SMALLEST_SCALE = 0.5
FIT_STEPS = 20


def render_certificate(
    data: CertificateData,
    *,
    verify_url: str,
    page_size: str = "letter",
    status_note: str | None = None,
) -> bytes:
    """The certificate as PDF bytes: one landscape page, US Letter or ("a4") A4.

    ``status_note`` (e.g. "REVOKED on 2027-02-01") is printed prominently under the title.
    """
    format_name = PAGE_SIZES.get(page_size.lower())
    if format_name is None:
        raise ValueError(f"page_size must be one of {', '.join(PAGE_SIZES)}, not {page_size!r}")
    blocks = _body(data, status_note)
    footer = _footer(data, verify_url)
    pdf = _CertificatePDF(orientation="landscape", unit="mm", format=format_name)
    pdf.set_auto_page_break(False)
    pdf.set_margins(CONTENT_INSET, CONTENT_INSET, CONTENT_INSET)
    _add_fonts(pdf, [text.markup for text in _texts([*blocks, *footer])])
    _set_metadata(pdf, data)
    pdf.add_page()
    _draw_border(pdf)
    footer_top = pdf.h - BORDER_INSET - FOOTER_HEIGHT
    _draw_body(pdf, blocks, top=CONTENT_INSET - 4, bottom=footer_top - 3)
    _draw_footer(pdf, footer, verify_url, top=footer_top)
    return bytes(pdf.output())


# -- what is printed -------------------------------------------------------------------------


def is_participation_only(data: CertificateData) -> bool:
    return bool(data.credits) and all(c.type == PARTICIPATION for c in data.credits)


def certificate_title(data: CertificateData) -> str:
    if is_participation_only(data):
        return "Certificate of Participation"
    return "Certificate of Completion"


def learner_line(data: CertificateData) -> str:
    """ "Zoë Ñúñez-Øster, MD"; a degree of "other" is not printed."""
    name = " ".join(data.learner_name.split())
    degree = data.degree.strip()
    if not degree or degree.lower() == "other":
        return name
    return f"{name}, {degree}"


def learning_format(data: CertificateData) -> tuple[str, str]:
    """(the format as printed, what the learner completed), e.g.
    ("Journal-based CME", "the journal-based CME activity")."""
    known = LEARNING_FORMATS.get(data.learning_format.strip().lower())
    if known:
        return known
    return data.learning_format.strip(), "the activity"


def credit_line(credit: CertificateCredit) -> str:
    """The amount claimed with the credit type's exact wording, as plain text.

    "1.0 AMA PRA Category 1 Credit™", "2.0 AMA PRA Category 1 Credits™" (the AMA writes the
    singular up to 1.0), "0.75 ANCC nursing contact hours", "1.0 hour of participation".
    """
    return _ITALICS.sub(r"\1", _credit_markup(credit))


def _credit_markup(credit: CertificateCredit) -> str:
    """As credit_line, with the words before a ™ in ``*italics*``, as the AMA requires."""
    amount = credit.amount.strip()
    number = _decimal(amount)
    if credit.type == PARTICIPATION:
        return f"{amount} {'hour' if number == 1 else 'hours'} of participation"
    name = " ".join(credit.name.split())
    if name.endswith("™"):
        words = name[:-1].rstrip()
        if words.endswith("Credit") and number is not None and number > 1:
            words += "s"
        return f"{amount} *{words}*™"
    if name.endswith(" credit") and number is not None and number != 1:
        name += "s"
    return f"{amount} {name}"


def _decimal(text: str) -> Decimal | None:
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


@dataclass(frozen=True)
class _Text:
    markup: str
    """Printed as written; with ``italics``, Markdown-style ``*words*`` print in italics."""
    size: float
    """Points."""
    style: str = ""
    color: tuple[int, int, int] = INK
    space_before: float = 0.0
    """Millimetres."""
    width: float = 0.0
    """Millimetres; 0 means the full text width."""
    spacing: float = 0.0
    """Extra space between letters, in points."""
    min_size: float = 0.0
    """Shrink to no less than this many points while other text can still give way."""
    family: str = ""
    """A font family other than the body's (the verification code is monospaced)."""
    alert: bool = False
    """Print in a tinted box."""
    italics: bool = False
    """Read ``*words*`` as italics (statements and credit lines only; titles are plain)."""

    def scaled(self, scale: float, min_scale: float) -> _Text:
        return replace(
            self,
            size=max(self.size * scale, min(self.min_size, self.size) * min_scale),
            space_before=self.space_before * scale,
            spacing=self.spacing * scale,
        )


@dataclass(frozen=True)
class _Columns:
    columns: tuple[tuple[str, str], ...]
    """(label, value) pairs, side by side."""
    space_before: float = 0.0
    label_size: float = 7.5
    value_size: float = 11.5

    def scaled(self, scale: float, min_scale: float) -> _Columns:
        return replace(
            self,
            space_before=self.space_before * scale,
            label_size=max(self.label_size * scale, 6.5 * min_scale),
            value_size=max(self.value_size * scale, 9.5 * min_scale),
        )

    def texts(self, widths: Sequence[float] = ()) -> list[tuple[_Text, _Text]]:
        widths = widths or [0.0] * len(self.columns)
        return [
            (
                _label(label, size=self.label_size, width=width),
                _Text(value, self.value_size, "", INK, width=width),
            )
            for (label, value), width in zip(self.columns, widths, strict=True)
        ]


@dataclass(frozen=True)
class _Rule:
    width: float
    space_before: float = 0.0

    def scaled(self, scale: float, min_scale: float) -> _Rule:
        return replace(self, width=self.width * scale, space_before=self.space_before * scale)


_Block = _Text | _Columns | _Rule

LABEL_SIZE = 7.5
LABEL_SPACING = 0.8


def _label(text: str, *, size: float = LABEL_SIZE, **kwargs: float) -> _Text:
    return _Text(text.upper(), size, "", MUTED, spacing=LABEL_SPACING * size / LABEL_SIZE, **kwargs)


def _body(data: CertificateData, status_note: str | None) -> list[_Block]:
    format_name, completed_what = learning_format(data)
    blocks: list[_Block] = [
        _Text(data.provider, 10.5, "B", NAVY, spacing=0.6, min_size=8.5),
        _Text(certificate_title(data), 30, "B", NAVY, space_before=2.5, min_size=22),
        _Rule(44, space_before=3.5),
    ]
    if status_note and status_note.strip():
        note = _Text(
            status_note, 14, "B", ALERT, space_before=5, width=200, alert=True, min_size=12
        )
        blocks.append(note)
    blocks += [
        _Text("This certifies that", 11, "", MUTED, space_before=6, min_size=9),
        _Text(learner_line(data), 25, "B", INK, space_before=2, min_size=18),
        _Text(f"has completed {completed_what}", 11, "", MUTED, space_before=3, min_size=9),
        _Text(data.activity_title, 15, "B", INK, space_before=2, width=210, min_size=11.5),
        _Columns(
            (
                ("Accredited provider", data.provider),
                ("Learning format", format_name),
                ("Date completed", long_date(data.completed_on)),
            ),
            space_before=8,
        ),
    ]
    if data.credits:
        if is_participation_only(data):
            label = "Participation"
        else:
            label = "Credit claimed" if len(data.credits) == 1 else "Credits claimed"
        blocks.append(_label(label, space_before=7, min_size=6.5))
        blocks += [
            _Text(
                _credit_markup(c),
                14,
                "B",
                NAVY,
                space_before=1.5 if i == 0 else 0.6,
                min_size=11,
                italics=True,
            )
            for i, c in enumerate(data.credits)
        ]
    statements = _unique([c.statement for c in data.credits] + [data.accreditation_statement])
    blocks += [
        _Text(
            s,
            9,
            "",
            MUTED,
            space_before=6 if i == 0 else 1.8,
            width=230,
            min_size=7.5,
            italics=True,
        )
        for i, s in enumerate(statements)
    ]
    return blocks


def _unique(texts: Sequence[str]) -> list[str]:
    """The statements, each once: a participation certificate repeats the AMA designation."""
    seen: list[str] = []
    for text in texts:
        text = " ".join(text.split())
        if text and text not in seen:
            seen.append(text)
    return seen


def _footer(data: CertificateData, verify_url: str) -> list[_Text]:
    return [
        _label("Verify this certificate"),
        _Text(f"Verification code: {data.code}", 12, "B", INK, space_before=1.2, family=MONO),
        _Text(f"Verify at {verify_url}", 10, "", MUTED, space_before=0.8),
    ]


def _texts(blocks: Sequence[_Block]) -> Iterator[_Text]:
    for block in blocks:
        if isinstance(block, _Columns):
            for label, value in block.texts():
                yield label
                yield value
        elif isinstance(block, _Text):
            yield block


# -- fonts and metadata ----------------------------------------------------------------------


class _CertificatePDF(FPDF):
    """fpdf2's Markdown, with markers no name, title or statement can contain.

    fpdf2 reads ``**``, ``__``, ``--``, ``~~``, backslashes and ``[text](link)`` as Markdown; a
    title such as "Pre- -- and post-operative" must print as written. Only the italics this
    module asks for (``*…*``, turned into private-use markers) change the style.
    """

    MARKDOWN_BOLD_MARKER = "\ue000\ue000"
    MARKDOWN_ITALICS_MARKER = "\ue001\ue001"
    MARKDOWN_STRIKETHROUGH_MARKER = "\ue002\ue002"
    MARKDOWN_UNDERLINE_MARKER = "\ue003\ue003"
    MARKDOWN_MARKERS = (
        MARKDOWN_BOLD_MARKER,
        MARKDOWN_ITALICS_MARKER,
        MARKDOWN_STRIKETHROUGH_MARKER,
        MARKDOWN_UNDERLINE_MARKER,
    )
    MARKDOWN_ESCAPE_CHARACTER = "\ue004"
    MARKDOWN_LINK_REGEX = re.compile(r"(?!)")


_PRIVATE_MARKERS = re.compile("[\ue000-\ue004]")
_ITALICS = re.compile(r"(?<!\*)\*(?!\*)([^*\n]+?)(?<!\*)\*(?!\*)")
"""``*words*``; a ``**`` prints as written."""


def _fpdf_markdown(text: _Text) -> str:
    plain = _PRIVATE_MARKERS.sub("", " ".join(text.markup.split()))
    if not text.italics:
        return plain
    italics = _CertificatePDF.MARKDOWN_ITALICS_MARKER
    return _ITALICS.sub(lambda m: f"{italics}{m.group(1)}{italics}", plain)


def _add_fonts(pdf: FPDF, texts: Sequence[str]) -> None:
    """DejaVu Sans, and each fallback font only when some text has a character it prints.

    fpdf2 embeds every font it is given, and loading the CJK font takes longer than all the rest
    of the page, so a certificate that does not need a font goes without it.
    """
    fonts = certificate_fonts()
    for style, path in {
        "": fonts.regular,
        "B": fonts.bold,
        "I": fonts.oblique,
        "BI": fonts.bold_oblique,
    }.items():
        pdf.add_font(FONT, style, path, unicode_range=dejavu_characters(path))
    pdf.add_font(MONO, "B", fonts.mono_bold)
    # DejaVu's bold and oblique faces lack some letters its regular face has (much polytonic
    # Greek and rarer Latin in the oblique): those print upright rather than not at all.
    fallbacks = [FONT]
    missing = {ord(char) for text in texts for char in text if not char.isspace()}
    missing -= set(pdf.fonts[FONT.lower()].cmap)
    for family, faces in (
        (HEBREW_FONT, {"": fonts.hebrew, "B": fonts.hebrew_bold}),
        (ARABIC_FONT, {"": fonts.arabic, "B": fonts.arabic_bold}),
        (CJK_FONT, {"": fonts.cjk}),
    ):
        printed = missing & characters(faces[""])
        if not printed:
            continue
        for style, path in faces.items():
            pdf.add_font(family, style, path)
        fallbacks.append(family)
        missing -= printed
    pdf.set_fallback_fonts(fallbacks, exact_match=False)


def _set_metadata(pdf: FPDF, data: CertificateData) -> None:
    pdf.set_title(f"{certificate_title(data)}: {' '.join(data.activity_title.split())}")
    pdf.set_author(data.provider)
    claimed = "; ".join(credit_line(c) for c in data.credits)
    pdf.set_subject(
        f"{learner_line(data)}, completed {long_date(data.completed_on)}"
        + (f", {claimed}" if claimed else "")
        + f". Verification code {data.code}."
    )
    pdf.set_creator("quizapp")
    pdf.set_lang("en")
    pdf.set_creation_date(dt.datetime.combine(data.completed_on, dt.time(), tzinfo=dt.UTC))


# -- drawing ---------------------------------------------------------------------------------


def _draw_border(pdf: FPDF) -> None:
    pdf.set_draw_color(*NAVY)
    pdf.set_line_width(0.7)
    inset = BORDER_INSET
    pdf.rect(inset, inset, pdf.w - 2 * inset, pdf.h - 2 * inset)
    pdf.set_draw_color(*GOLD)
    pdf.set_line_width(0.25)
    inset += INNER_BORDER_GAP
    pdf.rect(inset, inset, pdf.w - 2 * inset, pdf.h - 2 * inset)


def _draw_body(pdf: FPDF, blocks: list[_Block], *, top: float, bottom: float) -> None:
    """Draw the blocks centred between top and bottom, smaller if they would not fit."""
    available = bottom - top

    def sized(attempt: tuple[float, float]) -> tuple[list[_Block], float]:
        resized = [block.scaled(*attempt) for block in blocks]
        return resized, sum(_height(pdf, block) for block in resized)

    scales = [1 - step * (1 - SMALLEST_SCALE) / FIT_STEPS for step in range(FIT_STEPS + 1)]
    # First everything shrinks, each text down to its smallest comfortable size; then those
    # smallest sizes give way too. Each attempt is smaller than the one before it, so the first
    # one that fits is found by bisection.
    attempts = [(scale, 1.0) for scale in scales] + [(SMALLEST_SCALE, m) for m in scales[1:]]
    chosen, height = sized(attempts[0])
    low, high = 0, len(attempts) - 1
    if height > available:
        while low < high:
            middle = (low + high) // 2
            if sized(attempts[middle])[1] <= available:
                high = middle
            else:
                low = middle + 1
        chosen, height = sized(attempts[low])
    pdf.set_y(top + max(0.0, (available - height) / 2))
    for block in chosen:
        _draw(pdf, block)


def _height(pdf: FPDF, block: _Block) -> float:
    if isinstance(block, _Rule):
        return block.space_before
    if isinstance(block, _Columns):
        return block.space_before + max(
            _text_height(pdf, label) + _text_height(pdf, value)
            for label, value in _column_texts(pdf, block)
        )
    return block.space_before + _text_height(pdf, block)


def _draw(pdf: FPDF, block: _Block) -> None:
    pdf.set_y(pdf.get_y() + block.space_before)
    if isinstance(block, _Rule):
        pdf.set_draw_color(*GOLD)
        pdf.set_line_width(0.35)
        pdf.line((pdf.w - block.width) / 2, pdf.get_y(), (pdf.w + block.width) / 2, pdf.get_y())
    elif isinstance(block, _Columns):
        _draw_columns(pdf, block)
    elif block.alert:
        _draw_alert(pdf, block)
    else:
        _draw_text(pdf, block, x=(pdf.w - _width(pdf, block)) / 2)


def _width(pdf: FPDF, text: _Text) -> float:
    return min(text.width or pdf.epw, pdf.epw)


def _set_font(pdf: FPDF, text: _Text) -> float:
    """Select the text's font and colour; return its line height in mm."""
    pdf.set_font(text.family or FONT, text.style, text.size)
    pdf.set_char_spacing(text.spacing)
    pdf.set_text_color(*text.color)
    return text.size * PT * LEADING


def _text_height(pdf: FPDF, text: _Text) -> float:
    line_height = _set_font(pdf, text)
    height: float = pdf.multi_cell(
        _width(pdf, text) - 2 * _padding(text),
        line_height,
        _fpdf_markdown(text),
        align=Align.C,
        markdown=True,
        dry_run=True,
        output=MethodReturnValue.HEIGHT,
    )
    pdf.set_char_spacing(0)
    return height + 2 * _padding(text)


def _padding(text: _Text) -> float:
    return text.size * 0.18 if text.alert else 0.0


def _draw_text(
    pdf: FPDF, text: _Text, *, x: float, align: Align = Align.C, link: str | None = None
) -> None:
    line_height = _set_font(pdf, text)
    pdf.set_x(x)
    pdf.multi_cell(
        _width(pdf, text),
        line_height,
        _fpdf_markdown(text),
        align=align,
        markdown=True,
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
        link=link,
    )
    pdf.set_char_spacing(0)


def _draw_alert(pdf: FPDF, text: _Text) -> None:
    """The status note, in red, in a tinted box as wide as its longest line."""
    padding = _padding(text)
    inner = replace(text, width=_width(pdf, text) - 2 * padding, alert=False)
    line_height = _set_font(pdf, inner)
    lines: list[str] = pdf.multi_cell(
        inner.width,
        line_height,
        _fpdf_markdown(inner),
        markdown=True,
        dry_run=True,
        output=MethodReturnValue.LINES,
    )
    # The lines come back with fpdf2's markers for the bold the note is set in.
    widest = max(pdf.get_string_width(_PRIVATE_MARKERS.sub("", line)) for line in lines)
    box_width = min(widest + 4 * padding, _width(pdf, text))
    pdf.set_char_spacing(0)
    pdf.set_fill_color(*ALERT_FILL)
    pdf.set_draw_color(*ALERT)
    pdf.set_line_width(0.5)
    top = pdf.get_y()
    height = _text_height(pdf, text)
    pdf.rect((pdf.w - box_width) / 2, top, box_width, height, style="DF")
    pdf.set_y(top + padding)
    _draw_text(pdf, inner, x=(pdf.w - inner.width) / 2)
    pdf.set_y(top + height)


def _column_texts(pdf: FPDF, block: _Columns) -> list[tuple[_Text, _Text]]:
    """Each column as wide as its value needs, the room left over shared out equally."""
    natural = []
    for _, value in block.texts():
        _set_font(pdf, value)
        natural.append(pdf.get_string_width(value.markup) + 0.7 * value.size)
    spare = pdf.epw - sum(natural)
    if spare >= 0:
        widths = [width + spare / len(natural) for width in natural]
    else:
        widths = [pdf.epw * width / sum(natural) for width in natural]
    return block.texts(widths)


def _draw_columns(pdf: FPDF, block: _Columns) -> None:
    top = bottom = pdf.get_y()
    left = pdf.l_margin
    for label, value in _column_texts(pdf, block):
        pdf.set_y(top)
        _draw_text(pdf, label, x=left)
        _draw_text(pdf, value, x=left)
        bottom = max(bottom, pdf.get_y())
        left += label.width
    pdf.set_y(bottom)


def _draw_footer(pdf: FPDF, footer: list[_Text], verify_url: str, *, top: float) -> None:
    """A rule, then the QR code of the verification address with the code and address beside it."""
    pdf.set_draw_color(*GOLD)
    pdf.set_line_width(0.25)
    pdf.line(CONTENT_INSET, top, pdf.w - CONTENT_INSET, top)
    inner_border = pdf.h - BORDER_INSET - INNER_BORDER_GAP
    qr_top = top + (inner_border - top - QR_SIZE) / 2
    pdf.image(_qr_png(verify_url), x=CONTENT_INSET, y=qr_top, w=QR_SIZE, h=QR_SIZE)
    pdf.link(CONTENT_INSET, qr_top, QR_SIZE, QR_SIZE, verify_url)
    left = CONTENT_INSET + QR_SIZE + 6
    lines = [replace(text, width=pdf.w - CONTENT_INSET - left) for text in footer]
    height = sum(_height(pdf, text) for text in lines)
    pdf.set_y(qr_top + max(0.0, (QR_SIZE - height) / 2))
    for text in lines:
        pdf.set_y(pdf.get_y() + text.space_before)
        is_address = text is lines[-1]
        _draw_text(pdf, text, x=left, align=Align.L, link=verify_url if is_address else None)


def _qr_png(url: str) -> BytesIO:
    buffer = BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=10, border=0)
    buffer.seek(0)
    return buffer

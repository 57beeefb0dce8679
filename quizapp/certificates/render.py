"""The certificate as a one-page PDF, drawn with fpdf2 from a frozen CertificateData.

Pure: plain values in, bytes out; no Flask, no database. The same data, address, page size and
note always give the same bytes (the PDF's creation date is the completion date).

wording.py says what is printed and layout.py arranges it in blocks; this module is the one
that knows fpdf2: it registers the fonts, measures and draws the blocks, the border, and the
footer with a QR code of the verification address.

A text in Hebrew or Arabic (a learner's name, most often) is shaped with HarfBuzz, through
fpdf2's text shaping: Hebrew then reads right to left and Arabic letters join. Its glyphs are
drawn in visual order and their character map keeps the logical order, so a reader that copies
the text gets the name as typed; the run is marked with its language for screen readers.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from io import BytesIO

import segno
from fpdf import FPDF
from fpdf.enums import Align, MethodReturnValue, XPos, YPos

from quizapp.certificates.document import CertificateData
from quizapp.certificates.fonts import (
    certificate_fonts,
    characters,
    dejavu_characters,
    unprintable,
)
from quizapp.certificates.issuer import image_size
from quizapp.certificates.layout import (
    ALERT,
    ALERT_FILL,
    FONT,
    GOLD,
    MONO,
    NAVY,
    Block,
    Columns,
    Rule,
    Text,
    body_blocks,
    fit,
    footer_texts,
    signatory_texts,
    texts_in,
)
from quizapp.certificates.wording import ITALICS, certificate_title, credit_line, learner_line
from quizapp.dates import long_date

PAGE_SIZES = {"letter": "letter", "a4": "A4"}
MUTED_RULE = (120, 124, 130)
HEBREW_FONT = "NotoHebrew"
ARABIC_FONT = "NotoArabic"
CJK_FONT = "NotoCJK"
REPLACEMENT = "\ufffd"
"""Printed for a character no certificate font has; DejaVu Sans prints it as a question mark
in a diamond."""

RIGHT_TO_LEFT = (
    ("he", 0x0590, 0x05FF),
    ("ar", 0x0600, 0x06FF),
    ("ar", 0x0750, 0x077F),
    ("ar", 0x0870, 0x08FF),
    ("he", 0xFB1D, 0xFB4F),
    ("ar", 0xFB50, 0xFDFF),
    ("ar", 0xFE70, 0xFEFE),
)
"""(BCP 47 language, first and last code point) of the blocks that need shaping."""

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
SIGNATORY_WIDTH = 72.0
"""The signatory's column at the right of the footer (mm)."""
SIGNATURE_HEIGHT = 12.0
LOGO_HEIGHT = 14.0
LOGO_WIDTH = 42.0
"""The logo's box in the top left corner (mm), clear of the centred text."""


def render_certificate(
    data: CertificateData,
    *,
    verify_url: str,
    page_size: str = "letter",
    status_note: str | None = None,
    images: Mapping[str, bytes] | None = None,
) -> bytes:
    """The certificate as PDF bytes: one landscape page, US Letter or ("a4") A4.

    ``status_note`` (e.g. "REVOKED on 2027-02-01") is printed prominently under the title.
    ``images`` holds the bytes of the logo and signature the data names by digest; one that
    is missing is left out, and the text around it closes up.
    """
    format_name = PAGE_SIZES.get(page_size.lower())
    if format_name is None:
        raise ValueError(f"page_size must be one of {', '.join(PAGE_SIZES)}, not {page_size!r}")
    blocks = [_printable(block) for block in body_blocks(data, status_note)]
    footer = [_printable_text(text) for text in footer_texts(data, verify_url)]
    signatory = [_printable_text(text) for text in signatory_texts(data)]
    pdf = _CertificatePDF(orientation="landscape", unit="mm", format=format_name)
    pdf.images = dict(images or {})
    pdf.set_auto_page_break(False)
    pdf.set_margins(CONTENT_INSET, CONTENT_INSET, CONTENT_INSET)
    add_fonts(pdf, [text.markup for text in texts_in([*blocks, *footer, *signatory])])
    _set_metadata(pdf, data)
    pdf.add_page()
    _draw_border(pdf)
    _draw_logo(pdf, data.logo_image)
    footer_top = pdf.h - BORDER_INSET - FOOTER_HEIGHT
    _draw_body(pdf, blocks, top=CONTENT_INSET - 4, bottom=footer_top - 3)
    _draw_footer(pdf, footer, verify_url, top=footer_top, narrow=bool(signatory))
    if signatory:
        _draw_signatory(pdf, signatory, data.signature_image, top=footer_top)
    return bytes(pdf.output())


# -- fonts and metadata ----------------------------------------------------------------------


class _CertificatePDF(FPDF):
    """fpdf2's Markdown, with markers no name, title or statement can contain.

    fpdf2 reads ``**``, ``__``, ``--``, ``~~``, backslashes and ``[text](link)`` as Markdown; a
    title such as "Pre- -- and post-operative" must print as written. Only the italics a text
    asks for (``*…*`` with ``italics``, turned into private-use markers) change the style.
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

    images: dict[str, bytes]
    """The logo and signature by digest, for the blocks that name them."""


_PRIVATE_MARKERS = re.compile("[\ue000-\ue004]")


def _fpdf_markdown(text: Text) -> str:
    plain = _PRIVATE_MARKERS.sub("", " ".join(text.markup.split()))
    if not text.italics:
        return plain
    italics = _CertificatePDF.MARKDOWN_ITALICS_MARKER
    return ITALICS.sub(lambda m: f"{italics}{m.group(1)}{italics}", plain)


def _printable(block: Block) -> Block:
    """The block with REPLACEMENT for each character no certificate font has.

    fpdf2 would leave such a character out and only log a warning: a name stored before the
    account forms refused them, or a title, must not print as if it were whole.
    """
    if isinstance(block, Text):
        return _printable_text(block)
    if isinstance(block, Columns):
        columns = tuple((printable(label), printable(value)) for label, value in block.columns)
        return replace(block, columns=columns)
    return block


def _printable_text(text: Text) -> Text:
    return replace(text, markup=printable(text.markup))


def printable(text: str) -> str:
    """``text`` with REPLACEMENT for each character no certificate font has (the transcript
    prints names and titles with the same fonts)."""
    for char in unprintable(text):
        text = text.replace(char, REPLACEMENT)
    return text


def add_fonts(pdf: FPDF, texts: Sequence[str]) -> None:
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


def _picture_box(
    pdf: _CertificatePDF, digest: str, max_width: float, max_height: float
) -> tuple[float, float] | None:
    """Width and height (mm) of the image within the box, in its proportions; None if the
    certificate's images do not hold it."""
    data = pdf.images.get(digest)
    if not data:
        return None
    pixels_wide, pixels_high = image_size(data)
    scale = min(max_width / pixels_wide, max_height / pixels_high)
    return pixels_wide * scale, pixels_high * scale


def _draw_picture(pdf: _CertificatePDF, digest: str, box: tuple[float, float], *, x: float) -> None:
    top = pdf.get_y()
    pdf.image(BytesIO(pdf.images[digest]), x=x, y=top, w=box[0], h=box[1])
    pdf.set_y(top + box[1])


def _draw_logo(pdf: _CertificatePDF, digest: str) -> None:
    """The provider's logo in the top left corner, as on letterhead: out of the text's way, so
    that a crowded certificate keeps its sizes."""
    box = _picture_box(pdf, digest, LOGO_WIDTH, LOGO_HEIGHT)
    if box:
        inset = BORDER_INSET + INNER_BORDER_GAP + 4
        pdf.set_y(inset)
        _draw_picture(pdf, digest, box, x=inset)


def _draw_body(pdf: _CertificatePDF, blocks: list[Block], *, top: float, bottom: float) -> None:
    """Draw the blocks centred between top and bottom, smaller if they would not fit."""
    available = bottom - top
    chosen, height = fit(blocks, available, lambda block: _height(pdf, block))
    pdf.set_y(top + max(0.0, (available - height) / 2))
    for block in chosen:
        _draw(pdf, block)


def _height(pdf: _CertificatePDF, block: Block) -> float:
    if isinstance(block, Rule):
        return block.space_before
    if isinstance(block, Columns):
        return block.space_before + max(
            _text_height(pdf, label) + _text_height(pdf, value)
            for label, value in _column_texts(pdf, block)
        )
    return block.space_before + _text_height(pdf, block)


def _draw(pdf: _CertificatePDF, block: Block) -> None:
    pdf.set_y(pdf.get_y() + block.space_before)
    if isinstance(block, Rule):
        pdf.set_draw_color(*GOLD)
        pdf.set_line_width(0.35)
        pdf.line((pdf.w - block.width) / 2, pdf.get_y(), (pdf.w + block.width) / 2, pdf.get_y())
    elif isinstance(block, Columns):
        _draw_columns(pdf, block)
    elif block.alert:
        _draw_alert(pdf, block)
    else:
        _draw_text(pdf, block, x=(pdf.w - _width(pdf, block)) / 2)


def _width(pdf: FPDF, text: Text) -> float:
    return min(text.width or pdf.epw, pdf.epw)


def right_to_left_language(text: str) -> str | None:
    """ "he" or "ar" for a text with a Hebrew or Arabic letter (the first decides), else None."""
    for char in text:
        code = ord(char)
        for language, first, last in RIGHT_TO_LEFT:
            if first <= code <= last:
                return language
    return None


def _set_font(pdf: FPDF, text: Text) -> float:
    """Select the text's font, colour and shaping; return its line height in mm.

    Only a text with Hebrew or Arabic is shaped: shaping every line measured while the page is
    fitted made a certificate six times slower to draw, and Latin, Greek, Cyrillic and CJK
    names print the same without it. The paragraph stays left to right, as the certificate's
    English words are: "محمد الأحمد, MD" keeps the degree after the name.
    """
    if right_to_left_language(text.markup):
        pdf.set_text_shaping(True, direction="ltr")
    else:
        pdf.set_text_shaping(False)
    pdf.set_font(text.family or FONT, text.style, text.size)
    pdf.set_char_spacing(text.spacing)
    pdf.set_text_color(*text.color)
    return text.size * PT * LEADING


def _text_height(pdf: FPDF, text: Text) -> float:
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


def _padding(text: Text) -> float:
    return text.size * 0.18 if text.alert else 0.0


def _draw_text(
    pdf: FPDF, text: Text, *, x: float, align: Align = Align.C, link: str | None = None
) -> None:
    line_height = _set_font(pdf, text)
    pdf.set_x(x)
    language = right_to_left_language(text.markup)
    if language:
        _begin_language(pdf, language)
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
    if language:
        pdf._out("EMC")
    pdf.set_char_spacing(0)


def _begin_language(pdf: FPDF, language: str) -> None:
    """Mark what follows as written in ``language`` until the next ``EMC``.

    The document's language is English, the language of the certificate's own words; a screen
    reader would read a Hebrew or Arabic name with English rules. A marked-content span with
    ``/Lang`` (PDF 32000-1, 14.9.2) says otherwise for that run only. fpdf2 has no public call
    for it, so the operator is written into the page's content directly.
    """
    pdf._out(f"/Span <</Lang ({language})>> BDC")


def _draw_alert(pdf: FPDF, text: Text) -> None:
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


def _column_texts(pdf: FPDF, block: Columns) -> list[tuple[Text, Text]]:
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


def _draw_columns(pdf: FPDF, block: Columns) -> None:
    top = bottom = pdf.get_y()
    left = pdf.l_margin
    for label, value in _column_texts(pdf, block):
        pdf.set_y(top)
        _draw_text(pdf, label, x=left)
        _draw_text(pdf, value, x=left)
        bottom = max(bottom, pdf.get_y())
        left += label.width
    pdf.set_y(bottom)


def _draw_footer(
    pdf: _CertificatePDF, footer: list[Text], verify_url: str, *, top: float, narrow: bool
) -> None:
    """A rule, then the QR code of the verification address with the code and address beside
    it; ``narrow`` leaves the right of the footer to the signatory."""
    pdf.set_draw_color(*GOLD)
    pdf.set_line_width(0.25)
    pdf.line(CONTENT_INSET, top, pdf.w - CONTENT_INSET, top)
    inner_border = pdf.h - BORDER_INSET - INNER_BORDER_GAP
    qr_top = top + (inner_border - top - QR_SIZE) / 2
    pdf.image(_qr_png(verify_url), x=CONTENT_INSET, y=qr_top, w=QR_SIZE, h=QR_SIZE)
    pdf.link(CONTENT_INSET, qr_top, QR_SIZE, QR_SIZE, verify_url)
    left = CONTENT_INSET + QR_SIZE + 6
    right = pdf.w - CONTENT_INSET - (SIGNATORY_WIDTH + 6 if narrow else 0)
    lines = [replace(text, width=right - left) for text in footer]
    height = sum(_height(pdf, text) for text in lines)
    pdf.set_y(qr_top + max(0.0, (QR_SIZE - height) / 2))
    for text in lines:
        pdf.set_y(pdf.get_y() + text.space_before)
        is_address = text is lines[-1]
        _draw_text(pdf, text, x=left, align=Align.L, link=verify_url if is_address else None)


def _draw_signatory(pdf: _CertificatePDF, texts: list[Text], signature: str, *, top: float) -> None:
    """At the right of the footer: the signature, a rule, the signatory's name and title."""
    left = pdf.w - CONTENT_INSET - SIGNATORY_WIDTH
    lines = [replace(text, width=SIGNATORY_WIDTH) for text in texts]
    box = _picture_box(pdf, signature, SIGNATORY_WIDTH * 0.8, SIGNATURE_HEIGHT)
    height = (box[1] if box else 0.0) + 1.5 + sum(_height(pdf, text) for text in lines)
    inner_border = pdf.h - BORDER_INSET - INNER_BORDER_GAP
    pdf.set_y(top + max(1.0, (inner_border - top - height) / 2))
    if box:
        _draw_picture(pdf, signature, box, x=left + (SIGNATORY_WIDTH - box[0]) / 2)
    rule_y = pdf.get_y() + 0.5
    pdf.set_draw_color(*MUTED_RULE)
    pdf.set_line_width(0.3)
    pdf.line(left + 4, rule_y, left + SIGNATORY_WIDTH - 4, rule_y)
    pdf.set_y(rule_y + 1.0)
    for text in lines:
        pdf.set_y(pdf.get_y() + text.space_before)
        _draw_text(pdf, text, x=left)


def _qr_png(url: str) -> BytesIO:
    buffer = BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=10, border=0)
    buffer.seek(0)
    return buffer

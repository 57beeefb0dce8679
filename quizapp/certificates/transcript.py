"""The learner's transcript as a PDF a licensing board can file: who, which licence, and each
completion with its provider, date, credit and the code that verifies its certificate.

A board auditing continuing education asks for one document that lists every activity with
its provider, date and hours, and lets it check each one. The transcript prints the
completions whose certificate is valid (issued), the totals per credit type, and the
address where each code can be verified. A normal year fits on one portrait page; more rows
continue on further pages under the same column headings, numbered "Page 2 of 3".

Pure like the certificate: plain values in, bytes out, the same bytes for the same values
(its date is the day it was printed, which the caller passes). It uses the certificate's
fonts, so any name that prints on a certificate prints here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from fpdf import FPDF, FontFace
from fpdf.enums import Align, TableBordersLayout, TableCellFillMode, VAlign, XPos, YPos

from quizapp.certificates.layout import FONT, INK, MONO, MUTED, NAVY
from quizapp.certificates.render import (
    PAGE_SIZES,
    add_fonts,
    printable,
    right_to_left_language,
)
from quizapp.content.credits import format_amount
from quizapp.dates import long_date

MARGIN = 15.0
ROW_FILL = (243, 245, 248)
RULE = (200, 204, 210)
ISSUED = "issued"


class Completion(Protocol):
    """A transcript row as the credit service reads it: one credit claimed, with its
    certificate."""

    @property
    def completed_on(self) -> dt.date: ...
    @property
    def title(self) -> str: ...
    @property
    def provider(self) -> str: ...
    @property
    def credit_type(self) -> str: ...
    @property
    def credit_name(self) -> str: ...
    @property
    def amount(self) -> Decimal: ...
    @property
    def uan(self) -> str: ...
    @property
    def certificate_code(self) -> str | None: ...
    @property
    def certificate_status(self) -> str | None: ...


@dataclass(frozen=True)
class CreditTotal:
    credit_type: str
    credit_name: str
    amount: Decimal
    completions: int


def valid(rows: Iterable[Completion]) -> list[Completion]:
    """The rows whose certificate is issued: what a learner can show a board.

    A claim awaiting approval is not yet credit, and one whose certificate was revoked is no
    longer; a superseded certificate always has an issued (or revoked) successor, which the
    row already points at.
    """
    return [row for row in rows if row.certificate_status == ISSUED]


def totals(rows: Iterable[Completion]) -> list[CreditTotal]:
    """The credit of each type over the valid rows, in the order each type first appears."""
    found: dict[str, CreditTotal] = {}
    for row in valid(rows):
        known = found.get(row.credit_type)
        found[row.credit_type] = CreditTotal(
            row.credit_type,
            row.credit_name,
            (known.amount if known else Decimal(0)) + row.amount,
            (known.completions if known else 0) + 1,
        )
    return list(found.values())


@dataclass(frozen=True)
class TranscriptLearner:
    name: str
    degree: str
    license: str = ""
    """State and number, such as "IL 036-123456"; empty when the profile has none."""
    npi: str = ""
    nabp_eprofile_id: str = ""


@dataclass(frozen=True)
class TranscriptPeriod:
    start: dt.date | None = None
    end: dt.date | None = None

    def describe(self, printed_on: dt.date) -> str:
        if self.start and self.end:
            return f"Completions from {long_date(self.start)} to {long_date(self.end)}"
        if self.start:
            return f"Completions from {long_date(self.start)} to {long_date(printed_on)}"
        if self.end:
            return f"Completions up to {long_date(self.end)}"
        return f"All completions up to {long_date(printed_on)}"


@dataclass(frozen=True)
class TranscriptDocument:
    learner: TranscriptLearner
    rows: Sequence[Completion]
    """Every row of the period; only the valid ones are printed."""
    printed_on: dt.date
    site_name: str
    site_url: str
    """The site's public address, where ``/verify/<code>`` checks a certificate."""
    period: TranscriptPeriod = TranscriptPeriod()
    contact: str = ""


def learner_line(learner: TranscriptLearner) -> str:
    degree = learner.degree.strip()
    name = " ".join(learner.name.split())
    return name if not degree or degree.lower() == "other" else f"{name}, {degree}"


class _TranscriptPDF(FPDF):
    """Repeats the learner's name and the page number at the foot of every page."""

    footer_text = ""

    def footer(self) -> None:
        self.set_y(-11)
        _font(self, 7, "", MUTED)
        self.cell(0, 4, self.footer_text, align=Align.L)
        self.set_x(self.l_margin)
        self.cell(0, 4, f"Page {self.page_no()} of {{nb}}", align=Align.R)


def render_transcript(document: TranscriptDocument, *, page_size: str = "letter") -> bytes:
    """The transcript as PDF bytes, portrait US Letter or ("a4") A4."""
    format_name = PAGE_SIZES.get(page_size.lower())
    if format_name is None:
        raise ValueError(f"page_size must be one of {', '.join(PAGE_SIZES)}, not {page_size!r}")
    rows = valid(document.rows)
    learner = document.learner
    texts = [
        learner.name,
        document.site_name,
        document.contact,
        *(f"{row.title} {row.provider} {row.credit_name}" for row in rows),
    ]
    pdf = _TranscriptPDF(orientation="portrait", unit="mm", format=format_name)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, margin=16)
    add_fonts(pdf, [printable(text) for text in texts])
    if any(right_to_left_language(text) for text in texts):
        # Shaping is slow, but the transcript is measured once, not fitted like a certificate.
        pdf.set_text_shaping(True, direction="ltr")
    pdf.footer_text = printable(f"{learner_line(learner)}: continuing education transcript")
    pdf.set_title(f"Continuing education transcript: {printable(learner_line(learner))}")
    pdf.set_author(document.site_name)
    pdf.set_creator("quizapp")
    pdf.set_lang("en")
    pdf.set_creation_date(dt.datetime.combine(document.printed_on, dt.time(), tzinfo=dt.UTC))
    pdf.add_page()
    _heading(pdf, document)
    _learner(pdf, learner, document.period.describe(document.printed_on))
    if rows:
        _completions(pdf, rows)
        _totals(pdf, totals(rows))
    else:
        _font(pdf, 10, "", INK)
        pdf.multi_cell(
            0,
            6,
            "No completion with a valid certificate in this period.",
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
    _verification_note(pdf, document)
    return bytes(pdf.output())


def _font(pdf: FPDF, size: float, style: str = "", color: tuple[int, int, int] = INK) -> None:
    pdf.set_font(FONT, style, size)
    pdf.set_text_color(*color)


def _line(pdf: FPDF, text: str, size: float, style: str = "", color: tuple[int, ...] = INK) -> None:
    pdf.set_font(FONT, style, size)
    pdf.set_text_color(*color)
    pdf.multi_cell(0, size * 0.45, printable(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _heading(pdf: FPDF, document: TranscriptDocument) -> None:
    _line(pdf, document.site_name, 9, "B", NAVY)
    if document.contact:
        _line(pdf, document.contact, 7.5, "", MUTED)
    pdf.ln(1)
    _line(pdf, "Continuing Education Transcript", 15, "B", NAVY)
    pdf.ln(0.5)


def _learner(pdf: FPDF, learner: TranscriptLearner, period: str) -> None:
    facts = [("Name", learner_line(learner))]
    if learner.license:
        facts.append(("License", learner.license))
    if learner.npi:
        facts.append(("NPI", learner.npi))
    if learner.nabp_eprofile_id:
        facts.append(("NABP e-Profile ID", learner.nabp_eprofile_id))
    facts.append(("Period", period))
    for label, value in facts:
        _font(pdf, 6.5, "", MUTED)
        pdf.cell(28, 4.4, label.upper(), new_x=XPos.RIGHT)
        _font(pdf, 9, "B" if label == "Name" else "", INK)
        pdf.multi_cell(0, 4.4, printable(value), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)


COLUMNS = (("Completed", 17.0), ("Activity and provider", 0.0), ("Credit", 44.0),
           ("Amount", 13.0), ("Verification code", 35.0))  # fmt: skip
"""Headings and widths (mm): the credit's name, a UAN and a code each fit one line, and the
activity takes what the page leaves (about 60 characters a line)."""


def _completions(pdf: FPDF, rows: Sequence[Completion]) -> None:
    widths = [width or pdf.epw - sum(w for _, w in COLUMNS) for _, width in COLUMNS]
    headings = FontFace(family=FONT, emphasis="BOLD", size_pt=7, color=NAVY)
    with pdf.table(
        col_widths=widths,
        headings_style=headings,
        borders_layout=TableBordersLayout.HORIZONTAL_LINES,
        cell_fill_color=ROW_FILL,
        cell_fill_mode=TableCellFillMode.ROWS,
        line_height=2.9,
        padding=(0.6, 1.0),
        text_align=(Align.L, Align.L, Align.L, Align.R, Align.L),
        v_align=VAlign.T,
        width=pdf.epw,
        repeat_headings=1,
    ) as table:
        pdf.set_draw_color(*RULE)
        pdf.set_line_width(0.2)
        _font(pdf, 7)
        header = table.row()
        for heading, _ in COLUMNS:
            header.cell(heading)
        for row in rows:
            cells = table.row()
            cells.cell(row.completed_on.isoformat())
            cells.cell(printable(f"{row.title}\n{row.provider}"))
            credit = printable(row.credit_name) + (f"\nUAN {row.uan}" if row.uan else "")
            cells.cell(credit)
            cells.cell(format_amount(row.amount))
            code = FontFace(family=MONO, emphasis="BOLD", size_pt=6.5)
            cells.cell(row.certificate_code or "", style=code)
    pdf.ln(2.5)


def _totals(pdf: FPDF, found: Sequence[CreditTotal]) -> None:
    pdf.set_x(pdf.l_margin)
    _line(pdf, "Totals", 9.5, "B", NAVY)
    _font(pdf, 8.5, "", INK)
    for total in found:
        noun = "completion" if total.completions == 1 else "completions"
        line = f"{format_amount(total.amount)} {total.credit_name} ({total.completions} {noun})"
        pdf.cell(0, 4.4, printable(line), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1.5)


def _verification_note(pdf: FPDF, document: TranscriptDocument) -> None:
    _line(
        pdf,
        f"Printed on {long_date(document.printed_on)} by {document.site_name}. Each completion "
        "is listed with the verification code of its certificate; anyone can check a "
        f"certificate, and whether it is still valid, at {document.site_url}/verify/ followed "
        "by its code. Only completions whose certificate is valid are listed.",
        7.5,
        "",
        MUTED,
    )

"""The transcript PDF: what a licensing board reads, totals per credit type, and pages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal
from io import BytesIO

import pytest
from pypdf import PdfReader

from quizapp.certificates.transcript import (
    TranscriptDocument,
    TranscriptLearner,
    TranscriptPeriod,
    render_transcript,
    totals,
)
from tests.pdf_text import pdftotext

IMATINIB = (
    "Reversible Bone Marrow Edema During Adjuvant Imatinib for Gastrointestinal Stromal Tumor"
)
METHOTREXATE = "Weekly Oral Methotrexate: Preventing Daily-Dosing Errors"
MERIDIAN = "Meridian Oncology Education Institute"
LAKEMONT = "Lakemont Center for Continuing Health Education"
UAN = "0798-9999-26-014-H05-P"


@dataclass(frozen=True)
class Row:
    completed_on: dt.date
    title: str = IMATINIB
    provider: str = MERIDIAN
    credit_type: str = "ama-pra-1"
    credit_name: str = "AMA PRA Category 1 Credit™"
    amount: Decimal = Decimal("1.00")
    uan: str = ""
    certificate_code: str | None = "q7Hk2LmN9pRsT4vWxYz3Ab"
    certificate_status: str | None = "issued"


ACPE = Row(
    dt.date(2027, 3, 2),
    title=METHOTREXATE,
    provider=LAKEMONT,
    credit_type="acpe",
    credit_name="ACPE pharmacy contact hours",
    amount=Decimal("0.50"),
    uan=UAN,
    certificate_code="Zt3Rk8PqW2mNx5Lc7Vb9Da",
)


def year(count: int) -> list[Row]:
    """``count`` AMA completions a week or two apart, each with its own code; a third of the
    titles are long enough to wrap."""
    titles = (IMATINIB, METHOTREXATE, "Anticoagulation in Atrial Fibrillation")
    return [
        Row(
            dt.date(2027, 1, 4) + dt.timedelta(days=13 * i),
            title=titles[i % 3],
            certificate_code=f"q7Hk2LmN9pRsT4vW{i:06d}",
        )
        for i in range(count)
    ]


def document(rows: list[Row], **changes: object) -> TranscriptDocument:
    base = TranscriptDocument(
        learner=TranscriptLearner(
            "Zoë Ñúñez-Øster", "MD", license="IL 036-123456", npi="1234567893"
        ),
        rows=rows,
        printed_on=dt.date(2027, 12, 31),
        site_name="Meridian CME",
        site_url="https://cme.example.org",
        period=TranscriptPeriod(dt.date(2027, 1, 1), dt.date(2027, 12, 31)),
        contact="cme@meridian.example.org",
    )
    return replace(base, **changes)


def pages(pdf: bytes) -> int:
    return len(PdfReader(BytesIO(pdf)).pages)


def test_totals_add_up_each_credit_type_over_issued_certificates_only() -> None:
    rows = [
        Row(dt.date(2027, 1, 4)),
        ACPE,
        Row(dt.date(2027, 4, 1), amount=Decimal("0.75")),
        Row(dt.date(2027, 5, 1), certificate_status="pending"),
        Row(dt.date(2027, 6, 1), certificate_status="revoked"),
        Row(dt.date(2027, 7, 1), certificate_status=None, certificate_code=None),
    ]
    found = [(t.credit_type, t.amount, t.completions) for t in totals(rows)]
    assert found == [("ama-pra-1", Decimal("1.75"), 2), ("acpe", Decimal("0.50"), 1)]


def test_the_transcript_prints_what_a_board_reads() -> None:
    pending = Row(dt.date(2027, 5, 1), title="Pending Activity", certificate_status="pending")
    text = pdftotext(render_transcript(document([Row(dt.date(2027, 1, 4)), ACPE, pending])))
    lines = text.splitlines()
    for printed in (
        "Meridian CME",
        "cme@meridian.example.org",
        "Continuing Education Transcript",
        "Zoë Ñúñez-Øster, MD",
        "IL 036-123456",
        "1234567893",
        "Completions from January 1, 2027 to December 31, 2027",
        "2027-01-04",
        "2027-03-02",
        MERIDIAN,
        LAKEMONT,
        "ACPE pharmacy contact hours",
        f"UAN {UAN}",
        "q7Hk2LmN9pRsT4vWxYz3Ab",
        "Zt3Rk8PqW2mNx5Lc7Vb9Da",
        "1.0 AMA PRA Category 1 Credit™ (1 completion)",
        "0.5 ACPE pharmacy contact hours (1 completion)",
        "Page 1 of 1",
    ):
        assert any(printed in line for line in lines), printed
    assert METHOTREXATE in " ".join(lines)
    assert "https://cme.example.org/verify/" in text
    assert "Pending Activity" not in text


def test_a_normal_year_fits_on_one_page() -> None:
    """Twenty-two completions, about a year of journal CME for a physician."""
    assert pages(render_transcript(document(year(22)))) == 1


def test_many_rows_continue_on_numbered_pages_under_the_same_headings() -> None:
    pdf = render_transcript(document(year(70)))
    count = pages(pdf)
    assert count >= 3
    text = pdftotext(pdf)
    assert text.count("Verification code") == count
    assert f"Page {count} of {count}" in text
    assert all(f"q7Hk2LmN9pRsT4vW{i:06d}" in text for i in range(70))
    assert "70.0 AMA PRA Category 1 Credit™ (70 completions)" in text


def test_a_period_with_no_valid_completion_says_so() -> None:
    text = pdftotext(render_transcript(document([], period=TranscriptPeriod())))
    assert "All completions up to December 31, 2027" in text
    assert "No completion with a valid certificate in this period." in text


@pytest.mark.parametrize(
    ("name", "expected"),
    [("محمد حسن", "محمد حسن, PharmD"), ("דוד כהן", "דוד כהן, PharmD")],
)
def test_a_right_to_left_name_reads_back_in_the_order_typed(name: str, expected: str) -> None:
    learner = TranscriptLearner(name, "PharmD")
    text = pdftotext(render_transcript(document([ACPE], learner=learner)))
    assert expected in text.splitlines()


def test_the_same_transcript_gives_the_same_bytes() -> None:
    first = render_transcript(document([ACPE]))
    assert render_transcript(document([ACPE])) == first
    metadata = PdfReader(BytesIO(first)).metadata
    assert metadata is not None
    assert metadata.creation_date == dt.datetime(2027, 12, 31, tzinfo=dt.UTC)


def test_the_page_is_portrait_letter_or_a4() -> None:
    letter = PdfReader(BytesIO(render_transcript(document([ACPE])))).pages[0].mediabox
    a4 = PdfReader(BytesIO(render_transcript(document([ACPE]), page_size="a4"))).pages[0].mediabox
    assert (round(float(letter.width)), round(float(letter.height))) == (612, 792)
    assert (round(float(a4.width)), round(float(a4.height))) == (595, 842)
    with pytest.raises(ValueError, match="letter, a4"):
        render_transcript(document([ACPE]), page_size="legal")

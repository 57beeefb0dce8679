"""The certificate PDF: what it prints, in any script, on one page, the same bytes every time.

The PDF is read back with pypdf: its text, and for each run of text the font, size and height
on the page it was drawn with.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import tomllib
from dataclasses import dataclass, replace
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
import segno
from fpdf import FPDF
from pypdf import PdfReader

import quizapp
from quizapp.certificates import fonts as fonts_module
from quizapp.certificates.document import CertificateCredit, CertificateData
from quizapp.certificates.fonts import FontNotFoundError, certificate_fonts, unprintable
from quizapp.certificates.issuer import CertificateImage
from quizapp.certificates.render import REPLACEMENT, render_certificate
from quizapp.certificates.wording import credit_line, learner_line
from tests.conftest import REPO
from tests.images import image_bytes
from tests.pdf_text import pdftotext

CODE = "q7Hk2LmN9pRsT4vWxYz3Ab"
VERIFY_URL = f"http://127.0.0.1:5000/verify/{CODE}"
PROVIDER = "Meridian Oncology Education Institute"
TITLE = "Reversible Bone Marrow Edema During Adjuvant Imatinib for Gastrointestinal Stromal Tumor"
AMA = CertificateCredit(
    type="ama-pra-1",
    name="AMA PRA Category 1 Credit™",
    amount="1.0",
    statement=(
        f"{PROVIDER} designates this journal-based CME activity for a maximum of 1.0 "
        "*AMA PRA Category 1 Credit*™. Physicians should claim only the credit commensurate "
        "with the extent of their participation in the activity."
    ),
)
ABIM = CertificateCredit(
    type="abim-moc",
    name="ABIM MOC points",
    amount="1.0",
    statement=(
        "Successful completion of this CME activity, which includes participation in the "
        "evaluation component, enables the participant to earn up to 1.0 MOC points in the "
        "American Board of Internal Medicine's (ABIM) Maintenance of Certification (MOC) program."
    ),
)
IPCE = CertificateCredit(
    type="ipce",
    name="IPCE credit",
    amount="1.0",
    statement=(
        "This activity was planned by and for the healthcare team, and learners will receive "
        "1.0 Interprofessional Continuing Education (IPCE) credit for learning and change."
    ),
)
AAPA = CertificateCredit(
    type="aapa",
    name="AAPA Category 1 CME credits",
    amount="0.75",
    statement=(
        "This activity is designated for 0.75 AAPA Category 1 CME credits. PAs should only "
        "claim credit commensurate with the extent of their participation."
    ),
)
ANCC = CertificateCredit(
    type="ancc",
    name="ANCC nursing contact hours",
    amount="0.75",
    statement="This activity is designated for a maximum of 1.0 ANCC nursing contact hours.",
)
UAN = "0798-9999-26-014-H05-P"
ACPE = CertificateCredit(
    type="acpe",
    name="ACPE pharmacy contact hours",
    amount="0.5",
    statement="This knowledge-based activity is approved for 0.5 ACPE contact hours.",
    uan=UAN,
    certificate_statement=f"ACPE Universal Activity Number (UAN) {UAN}: 0.5 contact hours "
    "(0.05 CEU)",
)
PARTICIPATION = CertificateCredit(
    type="participation",
    name="Certificate of participation",
    amount="1.0",
    statement=AMA.statement,
)
ACCREDITATION = (
    f"{PROVIDER} is accredited by the Accreditation Council for Continuing Medical Education "
    "(ACCME) to provide continuing medical education for physicians."
)
LONG_TITLE = (
    f"{TITLE}: A Case Report With Serial MRI Findings, Dose Considerations, and a Review of the "
    "Literature on Fluid Retention"
)

LETTER = (792.0, 612.0)
A4 = (841.89, 595.28)


def certificate(**changes: object) -> CertificateData:
    data = CertificateData(
        code=CODE,
        learner_name="Zoë Ñúñez-Øster",
        degree="MD",
        provider=PROVIDER,
        activity_title=TITLE,
        learning_format="Journal-based CME",
        completed_on=dt.date(2027, 1, 15),
        credits=(AMA,),
        accreditation_statement=ACCREDITATION,
        activity_id="imatinib-bone-edema",
        version=1,
    )
    return replace(data, **changes)


@dataclass(frozen=True)
class Run:
    """A piece of text as drawn: its font, its size in points and its height on the page."""

    text: str
    font: str
    size: float
    y: float


@dataclass(frozen=True)
class Printed:
    pdf: bytes
    reader: PdfReader
    text: str
    runs: tuple[Run, ...]

    @property
    def squeezed(self) -> str:
        return squeeze(self.text)

    def run(self, text: str) -> Run:
        return next(run for run in self.runs if squeeze(text) in squeeze(run.text))

    @property
    def fonts(self) -> set[str]:
        """The fonts embedded in the PDF, without fpdf2's subset prefix."""
        resources = self.reader.pages[0]["/Resources"]["/Font"]
        return {str(font.get_object()["/BaseFont"]).split("+")[-1] for font in resources.values()}


def squeeze(text: str) -> str:
    """Without whitespace, which pypdf adds where lines break, or NUL characters, which it adds
    between CJK glyphs (it reads their two-byte codes one byte at a time; poppler's pdftotext
    reads them right)."""
    return "".join(text.replace("\x00", "").split())


def render(data: CertificateData | None = None, **options: Any) -> Printed:
    options.setdefault("verify_url", VERIFY_URL)
    pdf = render_certificate(data or certificate(), **options)
    reader = PdfReader(BytesIO(pdf))
    runs: list[Run] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            name = str(font["/BaseFont"]) if isinstance(font, dict) else ""
            runs.append(Run(text, name, size, tm[5]))

    text = "\n".join(page.extract_text(visitor_text=visit) for page in reader.pages)
    return Printed(pdf, reader, text, tuple(runs))


@pytest.fixture(scope="module")
def sample() -> Printed:
    return render()


@pytest.fixture(scope="module")
def crowded() -> Printed:
    """The most a certificate has to hold: a 200-character title, four credit types, a
    Chinese name, a status note, on the shorter A4 page."""
    data = certificate(
        learner_name="李小龙", activity_title=LONG_TITLE, credits=(AMA, ABIM, IPCE, AAPA)
    )
    return render(data, page_size="a4", status_note="REVOKED on 2027-02-01")


# -- what a certificate prints ---------------------------------------------------------------


@pytest.mark.parametrize(
    "printed",
    [
        pytest.param("Certificate of Completion", id="title"),
        pytest.param("Zoë Ñúñez-Øster, MD", id="learner name and degree"),
        pytest.param("has completed the journal-based CME activity", id="what was completed"),
        pytest.param(TITLE, id="activity title"),
        pytest.param(PROVIDER, id="accredited provider"),
        pytest.param("Journal-based CME", id="learning format"),
        pytest.param("January 15, 2027", id="date completed"),
        pytest.param("1.0 AMA PRA Category 1 Credit™", id="credit claimed"),
        pytest.param(
            f"{PROVIDER} designates this journal-based CME activity for a maximum of 1.0 AMA PRA "
            "Category 1 Credit™. Physicians should claim only the credit commensurate with the "
            "extent of their participation in the activity.",
            id="designation statement",
        ),
        pytest.param(ACCREDITATION, id="accreditation statement"),
        pytest.param(f"Verification code: {CODE}", id="verification code"),
        pytest.param(f"Verify at {VERIFY_URL}", id="verification address"),
    ],
)
def test_the_certificate_prints_every_required_field(sample: Printed, printed: str) -> None:
    assert squeeze(printed) in sample.squeezed


def test_the_ama_credit_name_is_in_italics_and_the_trademark_sign_is_not(sample: Printed) -> None:
    credit_runs = [run for run in sample.runs if run.size == 14]
    assert [run.text.strip() for run in credit_runs] == ["1.0", "AMA PRA Category 1 Credit", "™"]
    amount, name, trademark = credit_runs
    assert name.font.endswith("DejaVuSansBoldOblique")
    assert not amount.font.endswith("Oblique")
    assert not trademark.font.endswith("Oblique")


def test_markdown_italics_in_a_statement_print_in_italics_without_asterisks(
    sample: Printed,
) -> None:
    statement_name = next(
        run for run in sample.runs if run.text == "AMA PRA Category 1 Credit" and run.size < 14
    )
    assert statement_name.font.endswith("DejaVuSansOblique")
    assert "*" not in sample.text


def test_text_that_looks_like_markdown_prints_as_written() -> None:
    title = r"Pre-- and post-operative **care**: *H. pylori* __why__ ~~not~~ [read](http://x) a\b"
    statement = "Designated for **2.0** *AMA PRA Category 1 Credits*™ -- see [x](y)."
    printed = render(
        certificate(activity_title=title, credits=(replace(AMA, statement=statement),))
    )
    assert squeeze(title) in printed.squeezed
    assert squeeze(statement.replace("*AMA", "AMA").replace("s*™", "s™")) in printed.squeezed


def test_the_pdf_metadata_names_the_certificate_the_provider_and_the_code(
    sample: Printed,
) -> None:
    metadata = sample.reader.metadata
    assert metadata is not None
    assert metadata.title == f"Certificate of Completion: {TITLE}"
    assert metadata.author == PROVIDER
    assert metadata.subject is not None
    assert "Zoë Ñúñez-Øster, MD" in metadata.subject
    assert CODE in metadata.subject
    assert metadata.creation_date == dt.datetime(2027, 1, 15, tzinfo=dt.UTC)


def test_the_qr_code_is_an_image_of_the_verification_address(sample: Printed) -> None:
    page = sample.reader.pages[0]
    images = [
        xobject.get_object()
        for xobject in page["/Resources"]["/XObject"].values()
        if xobject.get_object()["/Subtype"] == "/Image"
    ]
    assert len(images) == 1
    expected = segno.make(VERIFY_URL, error="m").symbol_size(scale=10, border=0)
    assert (images[0]["/Width"], images[0]["/Height"]) == expected


# -- names in any script ---------------------------------------------------------------------


HEBREW_NAME = "דוד כהן"
ARABIC_NAME = "محمد الأحمد"


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("Zoë Ñúñez-Øster", id="latin with diacritics"),
        pytest.param("李小龙", id="chinese"),
        pytest.param("山﨑 髙橋", id="japanese"),
        pytest.param("김민준", id="korean"),
        pytest.param("Ἀριστοτέλης", id="polytonic greek"),
        pytest.param("Пётр Чайковский", id="cyrillic"),
    ],
)
def test_names_in_any_script_come_back_from_the_pdf(name: str) -> None:
    assert squeeze(f"{name}, MD") in render(certificate(learner_name=name)).squeezed


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("王堃 张垚 李玥 陈喆 刘昪", id="rarer given names of the main block"),
        pytest.param("刘䶮", id="extension a"),
        pytest.param("𠮷田 陳𡃁", id="extension b: japanese surname and hkscs"),
    ],
)
def test_rarer_ideographs_of_given_names_print_in_the_noto_cjk_font(name: str) -> None:
    """The subset once kept only the ideographs of the national standards, and fpdf2 left the
    rest out of the name with no more than a logged warning."""
    printed = render(certificate(learner_name=name))
    assert squeeze(f"{name}, MD") in printed.squeezed
    for char in name.replace(" ", ""):
        assert printed.run(char).font.endswith("NotoSansCJKSC"), char


def test_the_cjk_subset_keeps_every_ideograph_of_the_main_block_and_extension_a() -> None:
    cjk = fonts_module.characters(certificate_fonts().cjk)
    main_block = range(0x4E00, 0x9FF0)
    extension_a = range(0x3400, 0x4DB6)
    assert [hex(code) for code in (*main_block, *extension_a) if code not in cjk] == []
    assert len(cjk & set(range(0xF900, 0xFB00))) == 366


def test_a_character_no_font_has_prints_as_a_visible_replacement_not_as_nothing(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A name stored before the account forms refused such characters, or a title or provider
    that no form checks: fpdf2 would leave the character out and only log a warning."""
    provider = "Meridian 🏥 Institute"
    data = certificate(learner_name="Ann 🙂 Lee", provider=provider, activity_title="Imatinib 💊")
    with caplog.at_level(logging.WARNING):
        printed = render(data)
    assert squeeze("Ann \ufffd Lee, MD") in printed.squeezed
    assert squeeze("Imatinib \ufffd") in printed.squeezed
    assert printed.squeezed.count(squeeze("Meridian \ufffd Institute")) == 2
    assert not {"🙂", "🏥", "💊"} & set(printed.text)
    assert "missing" not in caplog.text


def test_unprintable_names_each_character_no_certificate_font_has_once_in_order() -> None:
    assert unprintable("Ann 🙂 Lee 🎉🙂\ue000") == ["🙂", "🎉", "\ue000"]
    assert unprintable(REPLACEMENT) == []


@pytest.mark.parametrize(
    "name",
    [
        "Zoë Ñúñez-Øster",
        "Ἀριστοτέλης Пётр Чайковский",
        "李小龙 王堃 刘䶮 𠮷田 陳𡃁 山﨑 髙橋 김민준 やまだ ヤマダ",
        HEBREW_NAME,
        ARABIC_NAME,
        "Ann\u00a0Lee\u3000\t",
    ],
)
def test_names_in_every_script_the_fonts_cover_are_printable(name: str) -> None:
    assert unprintable(name) == []


def test_a_chinese_name_is_printed_with_the_noto_cjk_font() -> None:
    printed = render(certificate(learner_name="李小龙"))
    assert printed.run("李").font.endswith("NotoSansCJKSC")


@pytest.mark.parametrize(
    ("name", "font"),
    [
        pytest.param(HEBREW_NAME, "NotoSansHebrewBold", id="hebrew"),
        pytest.param(ARABIC_NAME, "NotoSansArabicBold", id="arabic"),
    ],
)
def test_hebrew_and_arabic_names_print_in_bold_noto_sans(name: str, font: str) -> None:
    printed = render(certificate(learner_name=name))
    assert len(printed.reader.pages) == 1
    assert font in printed.fonts
    assert not any("CJK" in embedded for embedded in printed.fonts)
    letters = [char for char in name if not char.isspace()]
    assert sorted(letters) == sorted(char for char in printed.squeezed if char in name)


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(HEBREW_NAME, id="hebrew"),
        pytest.param("فاطمة حسن", id="arabic"),
        pytest.param("يوسف بن خالد", id="arabic, three words"),
    ],
)
def test_right_to_left_names_read_back_in_the_order_they_were_typed(name: str) -> None:
    """Drawn letter by letter, left to right, they came back reversed: "ןהכ דוד"."""
    text = pdftotext(render_certificate(certificate(learner_name=name), verify_url=VERIFY_URL))
    assert f"{name}, MD" in text.splitlines()


def test_a_lam_alef_ligature_maps_back_to_lam_then_alef() -> None:
    """ "الأحمد" draws lam and alef as one glyph, whose characters the PDF gives in the order
    typed (PDF 32000-1, 9.10.3). pdftotext 22 reverses them with the rest of the run and reads
    "األحمد"; PDFBox (PDFBOX-4531) and pdfminer.six (issue 850) know the same limitation. The
    rest of the name reads back in order."""
    pdf = render_certificate(certificate(learner_name=ARABIC_NAME), verify_url=VERIFY_URL)
    assert "محمد ا" in pdftotext(pdf)
    assert any(line.endswith(" <06440623>") for line in to_unicode(pdf, "NotoSansArabicBold"))


def test_arabic_letters_are_joined() -> None:
    """Shaped, a letter takes the form its place in the word asks for: the two mīms of محمد
    are an initial and a medial glyph, not twice the isolated one."""
    pdf = render_certificate(certificate(learner_name=ARABIC_NAME), verify_url=VERIFY_URL)
    mim_glyphs = [line for line in to_unicode(pdf, "NotoSansArabicBold") if line.endswith("<0645>")]
    assert len(mim_glyphs) >= 2


def test_a_right_to_left_name_is_marked_with_its_language() -> None:
    """The certificate is in English (its /Lang); a screen reader reads the name by its own
    rules only if its run says which language it is in."""
    for name, language in ((HEBREW_NAME, "he"), (ARABIC_NAME, "ar")):
        printed = render(certificate(learner_name=name))
        content = printed.reader.pages[0].get_contents()
        assert content is not None
        assert f"/Span <</Lang ({language})>> BDC".encode() in content.get_data()
        assert printed.reader.trailer["/Root"]["/Lang"] == "en"
    latin = render().reader.pages[0].get_contents()
    assert latin is not None and b"/Lang" not in latin.get_data()


def to_unicode(pdf: bytes, font: str) -> list[str]:
    """The lines of the ToUnicode map of ``font``: ``<glyph> <characters>``."""
    for ref in PdfReader(BytesIO(pdf)).pages[0]["/Resources"]["/Font"].values():
        embedded = ref.get_object()
        if str(embedded["/BaseFont"]).endswith(font):
            return embedded["/ToUnicode"].get_object().get_data().decode().splitlines()
    raise AssertionError(f"{font} is not embedded")


def test_fonts_a_certificate_does_not_need_are_not_embedded(sample: Printed) -> None:
    assert not any(font.startswith("Noto") for font in sample.fonts)
    chinese = render(certificate(learner_name="李小龙"))
    assert [font for font in chinese.fonts if font.startswith("Noto")] == ["NotoSansCJKSC"]


def test_a_degree_of_other_is_not_printed_after_the_name() -> None:
    assert learner_line(certificate(degree="other")) == "Zoë Ñúñez-Øster"
    assert learner_line(certificate(degree="PharmD")) == "Zoë Ñúñez-Øster, PharmD"


# -- one page, whatever it holds -------------------------------------------------------------


def test_a_long_title_and_four_credit_types_still_fit_on_one_page(crowded: Printed) -> None:
    assert len(LONG_TITLE) == 200
    assert len(crowded.reader.pages) == 1
    for printed in [
        LONG_TITLE,
        "李小龙, MD",
        "REVOKED on 2027-02-01",
        "1.0 AMA PRA Category 1 Credit™",
        "1.0 ABIM MOC points",
        "1.0 IPCE credit",
        "0.75 AAPA Category 1 CME credits",
        ABIM.statement,
        IPCE.statement,
        AAPA.statement,
        ACCREDITATION,
        f"Verify at {VERIFY_URL}",
    ]:
        assert squeeze(printed) in crowded.squeezed


def test_crowded_text_stays_readable_and_clear_of_the_verification_footer(
    crowded: Printed,
) -> None:
    footer_top = crowded.run("VERIFY THIS CERTIFICATE").y
    body = crowded.runs[: crowded.runs.index(crowded.run("VERIFY THIS CERTIFICATE"))]
    lowest_body_text = min(run.y for run in body)
    assert lowest_body_text > footer_top + 20  # points: the statements end above the rule
    assert max(run.y for run in crowded.runs) < A4[1] - 40  # and start below the border
    assert min(run.size for run in crowded.runs) >= 6.5


def test_a_long_title_wraps_and_stays_the_most_prominent_text_after_the_name(
    crowded: Printed,
) -> None:
    title_runs = [run for run in crowded.runs if run.text in LONG_TITLE and len(run.text) > 20]
    assert len(title_runs) > 1
    credit = crowded.run("ABIM MOC points")
    assert title_runs[0].size >= credit.size


def test_the_acpe_credit_prints_its_uan_contact_hours_and_ceus_under_its_line() -> None:
    data = certificate(degree="PharmD", credits=(ACPE,))
    text = pdftotext(render_certificate(data, verify_url=VERIFY_URL))
    lines = text.splitlines()
    credit = lines.index("0.5 ACPE pharmacy contact hours")
    assert lines[credit + 1] == ACPE.certificate_statement
    assert ACPE.statement in " ".join(lines)


def test_a_certificate_stored_before_credits_carried_a_uan_still_renders() -> None:
    stored = certificate(degree="PharmD", credits=(ACPE,)).to_json()
    for credit in stored["credits"]:
        del credit["uan"], credit["certificate_statement"]
    old = CertificateData.from_json(stored)
    assert old.credits[0].uan == "" and old.credits[0].certificate_statement == ""
    printed = render(old)
    assert "0.5 ACPE pharmacy contact hours" in printed.text
    assert "UAN" not in printed.text


# -- signatory, logo and contact ------------------------------------------------------------


SIGNATURE = image_bytes("PNG")
LOGO = image_bytes("JPEG", size=(400, 120))
SIGNATURE_DIGEST = CertificateImage(SIGNATURE, "image/png").sha256
LOGO_DIGEST = CertificateImage(LOGO, "image/jpeg").sha256
SIGNED = {
    "signatory_name": "Samuel Adeyemi, MD, MPH",
    "signatory_title": "Director of Continuing Medical Education",
    "signature_image": SIGNATURE_DIGEST,
    "logo_image": LOGO_DIGEST,
    "provider_contact": "400 Lakeshore Drive, Chicago, IL 60611 · cme@meridian.example.org",
}
IMAGES = {SIGNATURE_DIGEST: SIGNATURE, LOGO_DIGEST: LOGO}


def image_sizes(printed: Printed) -> list[tuple[int, int]]:
    page = printed.reader.pages[0]
    return sorted(
        (int(image["/Width"]), int(image["/Height"]))
        for image in (ref.get_object() for ref in page["/Resources"]["/XObject"].values())
        if image["/Subtype"] == "/Image"
    )


def test_the_signatory_s_name_and_title_print_under_the_signature() -> None:
    printed = render(certificate(**SIGNED), images=IMAGES)
    lines = pdftotext(printed.pdf).splitlines()
    name = lines.index("Samuel Adeyemi, MD, MPH")
    assert lines[name + 1] == "Director of Continuing Medical Education"
    assert "400 Lakeshore Drive, Chicago, IL 60611 · cme@meridian.example.org" in lines
    qr = segno.make(VERIFY_URL, error="m").symbol_size(scale=10, border=0)
    assert image_sizes(printed) == sorted([(300, 90), (400, 120), qr])
    signature = printed.run("Samuel Adeyemi, MD, MPH")
    assert signature.y < printed.run("VERIFY THIS CERTIFICATE").y  # in the footer band
    assert printed.run("400 Lakeshore Drive").y > printed.run("Certificate of Completion").y


def test_the_logo_prints_in_the_top_left_corner_clear_of_the_text() -> None:
    printed = render(certificate(**SIGNED), images=IMAGES)
    content = printed.reader.pages[0].get_contents()
    assert content is not None
    placed = re.findall(rb"([\d.]+) 0 0 ([\d.]+) ([\d.]+) ([\d.]+) cm /I\w+ Do", content.get_data())
    width, height, x, y = max((tuple(map(float, box)) for box in placed), key=lambda b: b[3])
    assert width / height == pytest.approx(400 / 120, rel=0.01)  # the logo, not the signature
    assert x < 60 and y + height > LETTER[1] - 60  # points, from the bottom left
    assert y > printed.run(PROVIDER).y  # above the first line of text
    assert x + width < LETTER[0] / 2 - 100  # and left of the centred title


def test_a_signatory_without_a_signature_image_prints_the_name_over_a_rule() -> None:
    data = certificate(**{**SIGNED, "signature_image": "", "logo_image": ""})
    printed = render(data)
    assert "Samuel Adeyemi, MD, MPH" in printed.text
    assert len(image_sizes(printed)) == 1  # the QR code


def test_an_image_the_certificate_names_but_cannot_find_is_left_out() -> None:
    printed = render(certificate(**SIGNED), images={})
    assert "Samuel Adeyemi, MD, MPH" in printed.text
    assert len(image_sizes(printed)) == 1
    assert len(printed.reader.pages) == 1


def test_a_certificate_without_a_signatory_prints_no_signature_line(sample: Printed) -> None:
    assert "Director" not in sample.text
    assert len(image_sizes(sample)) == 1


def test_the_signatory_fields_default_for_a_certificate_stored_before_them() -> None:
    stored = certificate().to_json()
    for key in SIGNED:
        del stored[key]
    old = CertificateData.from_json(stored)
    assert (old.signatory_name, old.logo_image, old.provider_contact) == ("", "", "")
    assert render(old).pdf == render(certificate()).pdf


def test_a_crowded_certificate_with_a_logo_and_a_signatory_stays_on_one_readable_page() -> None:
    data = certificate(
        learner_name="李小龙",
        activity_title=LONG_TITLE,
        credits=(AMA, ABIM, IPCE, AAPA),
        **SIGNED,
    )
    printed = render(data, page_size="a4", status_note="REVOKED on 2027-02-01", images=IMAGES)
    assert len(printed.reader.pages) == 1
    assert min(run.size for run in printed.runs) >= 6.5
    footer_top = printed.run("VERIFY THIS CERTIFICATE").y
    body = printed.runs[: printed.runs.index(printed.run("VERIFY THIS CERTIFICATE"))]
    assert min(run.y for run in body) > footer_top + 20
    assert squeeze(AAPA.statement) in printed.squeezed


# -- page sizes ------------------------------------------------------------------------------


def page_size(printed: Printed) -> tuple[float, float]:
    box = printed.reader.pages[0].mediabox
    return (round(float(box.width), 2), round(float(box.height), 2))


def test_the_page_is_landscape_us_letter_by_default(sample: Printed) -> None:
    assert page_size(sample) == LETTER


def test_the_page_can_be_landscape_a4() -> None:
    assert page_size(render(page_size="a4")) == pytest.approx(A4, abs=0.01)


def test_an_unknown_page_size_is_refused() -> None:
    with pytest.raises(ValueError, match="letter, a4"):
        render_certificate(certificate(), verify_url=VERIFY_URL, page_size="legal")


# -- participation, credit wording and status ------------------------------------------------


def test_a_participation_only_certificate_says_participation() -> None:
    printed = render(certificate(degree="RN", credits=(PARTICIPATION,)))
    assert "Certificate of Participation" in printed.text
    assert "Certificate of Completion" not in printed.text
    assert "1.0 hour of participation" in printed.text
    metadata = printed.reader.metadata
    assert metadata is not None
    assert metadata.title is not None
    assert metadata.title.startswith("Certificate of Participation")


def test_participation_with_another_credit_type_is_a_certificate_of_completion() -> None:
    printed = render(certificate(degree="RN", credits=(PARTICIPATION, ANCC)))
    assert "Certificate of Completion" in printed.text
    assert "0.75 ANCC nursing contact hours" in printed.text


@pytest.mark.parametrize(
    ("credit", "line"),
    [
        (AMA, "1.0 AMA PRA Category 1 Credit™"),
        (replace(AMA, amount="0.5"), "0.5 AMA PRA Category 1 Credit™"),
        (replace(AMA, amount="2.0"), "2.0 AMA PRA Category 1 Credits™"),
        (ANCC, "0.75 ANCC nursing contact hours"),
        (IPCE, "1.0 IPCE credit"),
        (replace(IPCE, amount="1.5"), "1.5 IPCE credits"),
        (PARTICIPATION, "1.0 hour of participation"),
        (replace(PARTICIPATION, amount="0.75"), "0.75 hours of participation"),
    ],
)
def test_credit_lines_use_the_exact_wording_of_the_credit_type(
    credit: CertificateCredit, line: str
) -> None:
    assert credit_line(credit) == line


def test_a_status_note_is_printed_prominently_when_given(sample: Printed) -> None:
    printed = render(status_note="REVOKED on 2027-02-01")
    note = printed.run("REVOKED on 2027-02-01")
    assert note.font.endswith("DejaVuSansBold")
    assert note.size >= 12
    assert note.y > printed.run("This certifies that").y  # above the name
    assert "REVOKED" not in sample.text


# -- the same data, the same bytes -----------------------------------------------------------


def test_the_same_data_gives_the_same_bytes(sample: Printed) -> None:
    assert render_certificate(certificate(), verify_url=VERIFY_URL) == sample.pdf


def test_the_creation_date_is_the_completion_date_not_the_clock() -> None:
    printed = render(certificate(completed_on=dt.date(2026, 3, 2)))
    assert printed.reader.metadata is not None
    assert printed.reader.metadata.creation_date == dt.datetime(2026, 3, 2, tzinfo=dt.UTC)


# -- fonts -----------------------------------------------------------------------------------


PACKAGE_DIR = Path(quizapp.__file__).resolve().parent
SHIPPED_FONTS = PACKAGE_DIR / "certificates" / "fonts"


def test_the_fonts_and_their_licences_ship_inside_the_package() -> None:
    fonts = certificate_fonts()
    assert [path.name for path in vars(fonts).values()] == [
        "DejaVuSans.ttf",
        "DejaVuSans-Bold.ttf",
        "DejaVuSans-Oblique.ttf",
        "DejaVuSans-BoldOblique.ttf",
        "DejaVuSansMono-Bold.ttf",
        "NotoSansHebrew-Regular.ttf",
        "NotoSansHebrew-Bold.ttf",
        "NotoSansArabic-Regular.ttf",
        "NotoSansArabic-Bold.ttf",
        "NotoSansCJKsc-Regular-subset.otf",
    ]
    for path in vars(fonts).values():
        assert path.is_file()
        assert path.resolve().is_relative_to(SHIPPED_FONTS)
        licence = "LICENSE" if path.parent.name == "dejavu" else "OFL.txt"
        assert (path.parent / licence).is_file(), path
        assert path.name in (SHIPPED_FONTS / "README.md").read_text(encoding="utf-8")
    assert "Bitstream Vera" in (SHIPPED_FONTS / "dejavu" / "LICENSE").read_text(encoding="utf-8")
    ofl = (SHIPPED_FONTS / "noto" / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in ofl


def test_every_file_in_the_fonts_folder_is_package_data() -> None:
    """What the wheel carries: a font left out would fail only once installed elsewhere."""
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = pyproject["tool"]["setuptools"]["package-data"]["quizapp"]
    source = REPO / "quizapp"
    packaged = {path for pattern in patterns for path in source.glob(pattern)}
    shipped = {path for path in (source / "certificates" / "fonts").rglob("*") if path.is_file()}
    assert shipped - packaged == set()
    assert {path.name for path in shipped} >= {"LICENSE", "OFL.txt", "README.md"}


def test_every_font_a_certificate_loads_comes_from_the_package(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    loaded: list[Path] = []
    add_font = FPDF.add_font

    def spy(pdf: FPDF, family: str, style: str, fname: Path, **kwargs: Any) -> None:
        loaded.append(fname)
        add_font(pdf, family, style, fname, **kwargs)

    monkeypatch.setattr(FPDF, "add_font", spy)
    render(certificate(learner_name=f"Zoë Ἀριστοτέλης 李小龙 {HEBREW_NAME} {ARABIC_NAME}"))
    assert len(loaded) == 10
    assert all(path.resolve().is_relative_to(SHIPPED_FONTS) for path in loaded), loaded


def test_a_missing_font_file_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(fonts_module.DEJAVU_FACES, "bold", "dejavu/DejaVuSans-Missing.ttf")
    certificate_fonts.cache_clear()
    try:
        with pytest.raises(FontNotFoundError, match=r"DejaVuSans-Missing\.ttf.*reinstall"):
            certificate_fonts()
    finally:
        monkeypatch.undo()
        certificate_fonts.cache_clear()

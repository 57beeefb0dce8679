"""The font files a certificate is printed with, shipped inside quizapp in ``fonts/``.

They ship with the package so that a certificate looks the same wherever it is printed and never
depends on what another package or the machine happens to have. ``fonts/README.md`` says where
each file comes from, under which licence, and which characters the CJK subset keeps.

- DejaVu Sans (four faces) prints Latin with every diacritic, Greek (polytonic too) and Cyrillic;
  DejaVu Sans Mono Bold the verification code, where I, l and 1 must not look alike.
- Noto Sans Hebrew and Noto Sans Arabic (regular and bold) print Hebrew and Arabic names, which
  the renderer shapes with HarfBuzz: right to left, and Arabic letters joined.
- Noto Sans CJK SC, a subset, prints Chinese, Japanese and Korean names.

fpdf2 leaves a character that none of these fonts has out of the page and only logs a warning.
A certificate is a record of who earned the credit, so ``unprintable`` names such characters:
the account forms refuse a name with one, and the renderer prints a visible replacement.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTFont

FONT_DIR = Path(__file__).with_name("fonts")
DEJAVU_FACES = {
    "regular": "dejavu/DejaVuSans.ttf",
    "bold": "dejavu/DejaVuSans-Bold.ttf",
    "oblique": "dejavu/DejaVuSans-Oblique.ttf",
    "bold_oblique": "dejavu/DejaVuSans-BoldOblique.ttf",
    "mono_bold": "dejavu/DejaVuSansMono-Bold.ttf",
}
NOTO_FACES = {
    "hebrew": "noto/NotoSansHebrew-Regular.ttf",
    "hebrew_bold": "noto/NotoSansHebrew-Bold.ttf",
    "arabic": "noto/NotoSansArabic-Regular.ttf",
    "arabic_bold": "noto/NotoSansArabic-Bold.ttf",
    "cjk": "noto/NotoSansCJKsc-Regular-subset.otf",
}

HEBREW_AND_ARABIC = (
    (0x0590, 0x05FF),  # Hebrew
    (0x0600, 0x06FF),  # Arabic
    (0x0750, 0x077F),  # Arabic Supplement
    (0x0870, 0x08FF),  # Arabic Extended-B and -A
    (0xFB1D, 0xFDFF),  # Hebrew and Arabic presentation forms
    (0xFE70, 0xFEFE),  # Arabic presentation forms B
)
"""Blocks that the Noto fonts print although DejaVu Sans has some of their letters."""


class FontNotFoundError(RuntimeError):
    """A font file the certificate needs is missing from the installed package."""


@dataclass(frozen=True)
class CertificateFonts:
    regular: Path
    bold: Path
    oblique: Path
    bold_oblique: Path
    mono_bold: Path
    hebrew: Path
    hebrew_bold: Path
    arabic: Path
    arabic_bold: Path
    cjk: Path
    """Regular only: bold CJK prints regular."""


def _existing(relative: str) -> Path:
    path = FONT_DIR / relative
    if not path.is_file():
        raise FontNotFoundError(
            f"The certificate font {relative} is missing: expected {path}. The fonts ship inside "
            "the quizapp package; reinstall it (pip install -e .)."
        )
    return path


@cache
def certificate_fonts() -> CertificateFonts:
    """Find every font file, or raise FontNotFoundError naming the one that is missing."""
    faces = {face: _existing(relative) for face, relative in (DEJAVU_FACES | NOTO_FACES).items()}
    return CertificateFonts(**faces)


@cache
def characters(font: Path) -> frozenset[int]:
    """The code points a font has glyphs for, to know whether it is needed before loading it.

    fpdf2 embeds every font it is given, used or not, and loading the CJK font takes longer than
    the rest of the page; reading only its character map takes a fraction of that.
    """
    with TTFont(font, lazy=True) as opened:
        return frozenset(opened.getBestCmap())


@cache
def dejavu_characters(font: Path) -> tuple[int, ...]:
    """The characters DejaVu Sans prints: all it has but Hebrew and Arabic.

    It has some Hebrew and Arabic letters, and its oblique faces almost no Arabic: a name would
    mix two designs, or change font between the name and a statement in italics.
    """
    return tuple(
        sorted(
            code
            for code in characters(font)
            if not any(first <= code <= last for first, last in HEBREW_AND_ARABIC)
        )
    )


@cache
def printable_characters() -> frozenset[int]:
    """Every character a certificate prints, in whichever font the renderer would take it from.

    DejaVu Sans in any of its four faces, since a letter one face lacks prints from another; and
    the regular face of each Noto font, since the renderer loads a Noto font only for a
    character its regular face has. Reading the character maps takes a third of a second, so
    it is done once.
    """
    fonts = certificate_fonts()
    dejavu = (fonts.regular, fonts.bold, fonts.oblique, fonts.bold_oblique)
    noto = (fonts.hebrew, fonts.arabic, fonts.cjk)
    return frozenset(code for font in dejavu for code in dejavu_characters(font)).union(
        *(characters(font) for font in noto)
    )


def unprintable(text: str) -> list[str]:
    """The characters of ``text`` that no certificate font has, each once, in the order met.

    Whitespace is left out: the certificate prints every run of it as one space.
    """
    printable = printable_characters()
    return list(
        dict.fromkeys(char for char in text if not char.isspace() and ord(char) not in printable)
    )

"""The font files a certificate is printed with, shipped inside quizapp in ``fonts/``.

They ship with the package so that a certificate looks the same wherever it is printed and never
depends on what another package or the machine happens to have. ``fonts/README.md`` says where
each file comes from, under which licence, and which characters the CJK subset keeps.

- DejaVu Sans (four faces) prints Latin with every diacritic, Greek (polytonic too) and Cyrillic;
  DejaVu Sans Mono Bold the verification code, where I, l and 1 must not look alike.
- Noto Sans CJK SC, a subset, prints Chinese, Japanese and Korean names.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

FONT_DIR = Path(__file__).with_name("fonts")
DEJAVU_FACES = {
    "regular": "dejavu/DejaVuSans.ttf",
    "bold": "dejavu/DejaVuSans-Bold.ttf",
    "oblique": "dejavu/DejaVuSans-Oblique.ttf",
    "bold_oblique": "dejavu/DejaVuSans-BoldOblique.ttf",
    "mono_bold": "dejavu/DejaVuSansMono-Bold.ttf",
}
NOTO_FACES = {
    "cjk": "noto/NotoSansCJKsc-Regular-subset.otf",
}


class FontNotFoundError(RuntimeError):
    """A font file the certificate needs is missing from the installed package."""


@dataclass(frozen=True)
class CertificateFonts:
    regular: Path
    bold: Path
    oblique: Path
    bold_oblique: Path
    mono_bold: Path
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

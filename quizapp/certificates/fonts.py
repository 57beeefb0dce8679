"""The font files a certificate is printed with, found inside installed packages.

DejaVu Sans (four faces) comes with matplotlib, in ``matplotlib/mpl-data/fonts/ttf/``; it covers
Latin with every diacritic, Greek (polytonic too) and Cyrillic. Noto Sans CJK SC comes with
``mplfonts`` and prints Chinese, Japanese and Korean names. Both are under free licences (DejaVu's
Bitstream Vera licence, the SIL Open Font License). ``mplfonts`` also ships SimHei.ttf, a
proprietary font: it is never used.

The packages are located with ``importlib.util.find_spec``, which reads where they are installed
without importing them (importing matplotlib takes a noticeable fraction of a second).
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DEJAVU_DIR = ("mpl-data", "fonts", "ttf")
DEJAVU_FACES = {
    "regular": "DejaVuSans.ttf",
    "bold": "DejaVuSans-Bold.ttf",
    "oblique": "DejaVuSans-Oblique.ttf",
    "bold_oblique": "DejaVuSans-BoldOblique.ttf",
}
DEJAVU_MONO_BOLD = "DejaVuSansMono-Bold.ttf"
NOTO_CJK = ("fonts", "NotoSansCJKsc-Regular.otf")


class FontNotFoundError(RuntimeError):
    """A font the certificate needs is not installed where it is expected."""


@dataclass(frozen=True)
class CertificateFonts:
    regular: Path
    bold: Path
    oblique: Path
    bold_oblique: Path
    cjk: Path
    """Noto Sans CJK SC Regular: the fallback for characters DejaVu Sans lacks."""
    mono_bold: Path
    """DejaVu Sans Mono Bold, for the verification code: I, l and 1 must not look alike."""


def package_dir(package: str) -> Path:
    """The directory a top-level package is installed in, without importing it."""
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        spec = None
    locations = list(spec.submodule_search_locations or []) if spec else []
    if not locations:
        raise FontNotFoundError(
            f"The certificate fonts come from the Python package {package!r}, which is not "
            "installed. Install the project's dependencies (pip install -e .)."
        )
    return Path(locations[0])


def _existing(path: Path, what: str, package: str) -> Path:
    if not path.is_file():
        raise FontNotFoundError(
            f"{what} is missing: expected {path} (from the package {package!r}). "
            f"Reinstall {package} to restore it."
        )
    return path


@cache
def certificate_fonts() -> CertificateFonts:
    """Find every font file, or raise FontNotFoundError naming the one that is missing."""
    dejavu = package_dir("matplotlib").joinpath(*DEJAVU_DIR)
    faces = {
        face: _existing(dejavu / filename, f"DejaVu Sans ({filename})", "matplotlib")
        for face, filename in DEJAVU_FACES.items()
    }
    cjk = _existing(
        package_dir("mplfonts").joinpath(*NOTO_CJK), "Noto Sans CJK SC Regular", "mplfonts"
    )
    mono_bold = _existing(
        dejavu / DEJAVU_MONO_BOLD, f"DejaVu Sans Mono ({DEJAVU_MONO_BOLD})", "matplotlib"
    )
    return CertificateFonts(**faces, cjk=cjk, mono_bold=mono_bold)

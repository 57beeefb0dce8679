"""Who signs the certificates and whose letterhead they carry, from the site's settings.

The signatory, the provider's logo and contact come from configuration, which can change at
any time; a certificate must not. Each certificate therefore copies the signatory's name,
title and the contact into its frozen data when it is issued, and the two images are stored
by their SHA-256 beside the figures, so that a later setting prints on later certificates
only.

Pure: bytes and text in, values out; the settings are read and checked at start-up.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from PIL import Image, UnidentifiedImageError

MEDIA_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg"}
MAX_IMAGE_BYTES = 2 * 1024 * 1024
"""A logo or a signature is a few dozen kilobytes; every certificate's download reads it."""


class CertificateImageError(ValueError):
    """An image setting names no file, or one that is not a PNG or JPEG image."""


@dataclass(frozen=True)
class CertificateImage:
    data: bytes
    media_type: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True)
class Issuer:
    signatory_name: str = ""
    signatory_title: str = ""
    signature: CertificateImage | None = None
    """Printed above the signatory's name."""
    logo: CertificateImage | None = None
    """Printed at the top of the page, above the provider's name."""
    contact: str = ""
    """How to reach the provider (address, email, telephone), printed under its name."""


NO_ISSUER = Issuer()

EXTENSION = "quizapp.certificate_issuer"
"""The key of the app's extensions under which start-up keeps the site's :class:`Issuer`."""


def site_issuer(extensions: Mapping[str, object]) -> Issuer:
    """The issuer start-up read from the settings (``app.extensions``), or nobody."""
    issuer = extensions.get(EXTENSION)
    return issuer if isinstance(issuer, Issuer) else NO_ISSUER


def read_image(path: Path) -> CertificateImage:
    """The image at ``path``, or CertificateImageError saying what is wrong with it.

    Pillow reads the file to the end, so a truncated or renamed file is found at start-up
    rather than on the first certificate.
    """
    if not path.is_file():
        raise CertificateImageError(f"there is no file at {path}")
    data = path.read_bytes()
    if len(data) > MAX_IMAGE_BYTES:
        raise CertificateImageError(
            f"{path} is {len(data):,} bytes; use an image of at most {MAX_IMAGE_BYTES:,}"
        )
    try:
        with Image.open(BytesIO(data)) as image:
            kind = image.format or ""
            image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise CertificateImageError(f"{path} is not a PNG or JPEG image quizapp can read") from None
    if kind not in MEDIA_TYPES:
        raise CertificateImageError(f"{path} is a {kind} image; use a PNG or JPEG file")
    return CertificateImage(data, MEDIA_TYPES[kind])


def image_size(data: bytes) -> tuple[int, int]:
    """Width and height in pixels, to keep the image's proportions on the page."""
    with Image.open(BytesIO(data)) as image:
        return image.size

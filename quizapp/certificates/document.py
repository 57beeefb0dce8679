"""What a certificate prints, as plain values frozen when it is issued.

The snapshot is stored with the certificate; later edits of the content or of the learner's
profile never change a certificate already issued (a reissue makes a new one).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass
from typing import Any

_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_STRONG = re.compile(r"(\*\*|__)(.+?)\1")
_UNDERSCORE_ITALICS = re.compile(r"(?<![\w_])_(?!_)(.+?)(?<!_)_(?![\w_])")
_CODE = re.compile(r"`([^`]*)`")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!])")


@dataclass(frozen=True)
class CertificateCredit:
    type: str
    name: str
    """The exact wording, e.g. "AMA PRA Category 1 Credit™"."""
    amount: str
    """As claimed, printed with at least one decimal: "1.0", "0.75"."""
    statement: str
    """The designation statement, Markdown-style ``*italics*`` kept for the renderer."""
    uan: str = ""
    """ACPE's Universal Activity Number of the activity, for pharmacy credit."""
    certificate_statement: str = ""
    """What the credit's accreditor requires printed beside its line (ACPE: the UAN, contact
    hours and CEUs), worded from the registry at issue; empty on certificates issued before."""


@dataclass(frozen=True)
class CertificateData:
    code: str
    learner_name: str
    degree: str
    provider: str
    activity_title: str
    learning_format: str
    completed_on: dt.date
    credits: tuple[CertificateCredit, ...]
    accreditation_statement: str
    activity_id: str
    version: int
    signatory_name: str = ""
    signatory_title: str = ""
    signature_image: str = ""
    """The SHA-256 of the signature image stored as an asset; empty for none."""
    logo_image: str = ""
    """The SHA-256 of the provider's logo stored as an asset; empty for none."""
    provider_contact: str = ""
    """The fields above come from the site's settings when the certificate is issued; a
    certificate issued before they existed has none of them and prints as it did."""

    @property
    def images(self) -> tuple[str, ...]:
        """The digests of the images it prints, to fetch them before rendering."""
        return tuple(digest for digest in (self.logo_image, self.signature_image) if digest)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["completed_on"] = self.completed_on.isoformat()
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CertificateData:
        values = dict(data)
        values["completed_on"] = dt.date.fromisoformat(values["completed_on"])
        values["credits"] = tuple(CertificateCredit(**c) for c in values["credits"])
        return cls(**values)


def statement_markup(source: str) -> str:
    """An authored statement's inline Markdown as a certificate prints it: ``*italics*`` only.

    Designation statements italicise the credit's name (*AMA PRA Category 1 Credit*™), which
    the certificate keeps; links print their text, bold and code their words, and escapes the
    character escaped.
    """
    text = _LINK.sub(r"\1", source)
    text = _CODE.sub(r"\1", text)
    text = _STRONG.sub(r"\2", text)
    text = _UNDERSCORE_ITALICS.sub(r"*\1*", text)
    text = _ESCAPE.sub(r"\1", text)
    return " ".join(text.split())

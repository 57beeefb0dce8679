"""The certificate's page as blocks of text, before anything is drawn: what goes where, in
which size and colour, and how it shrinks to stay on one page.

It prints what the AMA asks of a statement of credit: the learner's name, the accredited
provider, the activity title, the learning format, the date completed and the credit actually
claimed in the exact wording of its type, with what its accreditor requires beside it (ACPE's
Universal Activity Number, contact hours and CEUs); then each designation statement, the
accreditation statement, and a verification code with the address where anyone can check
the certificate. Whatever the length of the title and the number of credit types, it stays
on one page: the text is set smaller until it fits. Measuring a block needs the fonts, so the
module that draws hands ``fit`` its measure.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace

from quizapp.certificates.document import CertificateData
from quizapp.certificates.wording import (
    certificate_title,
    credit_markup,
    is_participation_only,
    learner_line,
    learning_format,
)
from quizapp.dates import long_date

FONT = "DejaVu"
MONO = "DejaVuMono"

NAVY = (27, 54, 93)
INK = (25, 25, 25)
MUTED = (88, 92, 98)
GOLD = (176, 150, 90)
ALERT = (176, 0, 32)
ALERT_FILL = (253, 236, 238)

SMALLEST_SCALE = 0.5
FIT_STEPS = 20


@dataclass(frozen=True)
class Text:
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

    def scaled(self, scale: float, min_scale: float) -> Text:
        return replace(
            self,
            size=max(self.size * scale, min(self.min_size, self.size) * min_scale),
            space_before=self.space_before * scale,
            spacing=self.spacing * scale,
        )


@dataclass(frozen=True)
class Columns:
    columns: tuple[tuple[str, str], ...]
    """(label, value) pairs, side by side."""
    space_before: float = 0.0
    label_size: float = 7.5
    value_size: float = 11.5

    def scaled(self, scale: float, min_scale: float) -> Columns:
        return replace(
            self,
            space_before=self.space_before * scale,
            label_size=max(self.label_size * scale, 6.5 * min_scale),
            value_size=max(self.value_size * scale, 9.5 * min_scale),
        )

    def texts(self, widths: Sequence[float] = ()) -> list[tuple[Text, Text]]:
        widths = widths or [0.0] * len(self.columns)
        return [
            (
                _label(label, size=self.label_size, width=width),
                Text(value, self.value_size, "", INK, width=width),
            )
            for (label, value), width in zip(self.columns, widths, strict=True)
        ]


@dataclass(frozen=True)
class Rule:
    width: float
    space_before: float = 0.0

    def scaled(self, scale: float, min_scale: float) -> Rule:
        return replace(self, width=self.width * scale, space_before=self.space_before * scale)


Block = Text | Columns | Rule

LABEL_SIZE = 7.5
LABEL_SPACING = 0.8


def _label(text: str, *, size: float = LABEL_SIZE, **kwargs: float) -> Text:
    return Text(text.upper(), size, "", MUTED, spacing=LABEL_SPACING * size / LABEL_SIZE, **kwargs)


def body_blocks(data: CertificateData, status_note: str | None) -> list[Block]:
    format_name, completed_what = learning_format(data)
    blocks: list[Block] = [Text(data.provider, 10.5, "B", NAVY, spacing=0.6, min_size=8.5)]
    if data.provider_contact:
        contact = Text(data.provider_contact, 8.5, "", MUTED, space_before=0.8, width=150)
        blocks.append(replace(contact, min_size=7))
    blocks += [
        Text(certificate_title(data), 30, "B", NAVY, space_before=2.5, min_size=22),
        Rule(44, space_before=3.5),
    ]
    if status_note and status_note.strip():
        note = Text(status_note, 14, "B", ALERT, space_before=5, width=200, alert=True, min_size=12)
        blocks.append(note)
    blocks += [
        Text("This certifies that", 11, "", MUTED, space_before=6, min_size=9),
        Text(learner_line(data), 25, "B", INK, space_before=2, min_size=18),
        Text(f"has completed {completed_what}", 11, "", MUTED, space_before=3, min_size=9),
        Text(data.activity_title, 15, "B", INK, space_before=2, width=210, min_size=11.5),
        Columns(
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
        for i, credit in enumerate(data.credits):
            blocks.append(
                Text(
                    credit_markup(credit),
                    14,
                    "B",
                    NAVY,
                    space_before=1.5 if i == 0 else 0.6,
                    min_size=11,
                    italics=True,
                )
            )
            if credit.certificate_statement:
                blocks.append(Text(credit.certificate_statement, 10, "", INK, min_size=8))
    statements = _unique([c.statement for c in data.credits] + [data.accreditation_statement])
    blocks += [
        Text(
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


def footer_texts(data: CertificateData, verify_url: str) -> list[Text]:
    return [
        _label("Verify this certificate"),
        Text(f"Verification code: {data.code}", 12, "B", INK, space_before=1.2, family=MONO),
        Text(f"Verify at {verify_url}", 10, "", MUTED, space_before=0.8),
    ]


def signatory_texts(data: CertificateData) -> list[Text]:
    """The signatory's name and title, printed under the signature; none without a name."""
    if not data.signatory_name.strip():
        return []
    texts = [Text(data.signatory_name, 10.5, "B", INK)]
    if data.signatory_title.strip():
        texts.append(Text(data.signatory_title, 8.5, "", MUTED, space_before=0.4))
    return texts


def texts_in(blocks: Sequence[Block]) -> Iterator[Text]:
    for block in blocks:
        if isinstance(block, Columns):
            for label, value in block.texts():
                yield label
                yield value
        elif isinstance(block, Text):
            yield block


def fit(
    blocks: Sequence[Block], available: float, height_of: Callable[[Block], float]
) -> tuple[list[Block], float]:
    """The blocks at the largest size at which they fit in ``available`` (or at the smallest),
    and their height; ``height_of`` measures a block as it will be drawn."""

    def sized(attempt: tuple[float, float]) -> tuple[list[Block], float]:
        resized = [block.scaled(*attempt) for block in blocks]
        return resized, sum(height_of(block) for block in resized)

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
    return chosen, height

"""Composing messages: every one names the site and the contact, in plain text and in HTML,
with its text escaped; docs/email.md lists every one."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from quizapp.mail.compose import (
    KINDS,
    CertificateRevoked,
    Mail,
    Site,
    UnknownMessage,
    compose,
    stored,
)

SITE = Site("Meridian CME", "https://cme.example.org", "cme@meridian.example.org")
DOCS = Path(__file__).resolve().parents[2] / "docs" / "email.md"


def example(cls: type[Mail]) -> Mail:
    values: dict[str, Any] = {}
    for field in dataclasses.fields(cls):  # type: ignore[arg-type]
        if field.type in ("int",):
            values[field.name] = 2
        elif "tuple" in str(field.type):
            values[field.name] = ("<b>Ann</b> (ann@example.org): Imatinib",)
        elif field.name.endswith("path"):
            values[field.name] = "/somewhere/x"
        else:
            values[field.name] = "<b>Ann</b> & co"
    return cls(**values)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_message_names_the_site_and_contact_in_text_and_html(kind: str) -> None:
    composed = compose(example(KINDS[kind]), SITE)

    assert composed.subject.endswith(" · Meridian CME")
    for body in (composed.text, composed.html):
        assert "Meridian CME" in body and "cme@meridian.example.org" in body
        assert "https://cme.example.org" in body
    assert "<b>Ann</b>" not in composed.html
    assert "\n" not in composed.subject


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_stored_context_gives_the_same_message_back(kind: str) -> None:
    mail = example(KINDS[kind])
    assert stored(kind, mail.context()) == mail


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_docs_email_lists_every_message(kind: str) -> None:
    assert f"`{kind}`" in DOCS.read_text(encoding="utf-8")


def test_a_revocation_says_whom_to_contact_even_without_a_contact_address() -> None:
    mail = CertificateRevoked(name="Ann", activity_title="Imatinib", code="c0de", reason="Late")
    assert (
        "contact the provider of Meridian CME"
        in compose(mail, Site("Meridian CME", "https://x.org")).text
    )
    assert "write to cme@meridian.example.org" in compose(mail, SITE).text


def test_a_title_with_a_line_break_cannot_add_a_header() -> None:
    mail = CertificateRevoked(
        name="Ann", activity_title="A\r\nBcc: x@evil.example", code="c", reason="r"
    )
    assert compose(mail, SITE).subject.startswith("Your certificate for A Bcc: x@evil.example")


def test_an_unknown_kind_or_context_is_refused() -> None:
    with pytest.raises(UnknownMessage):
        stored("no-such-message", {})
    with pytest.raises(UnknownMessage):
        stored("certificate-revoked", {"name": "Ann"})

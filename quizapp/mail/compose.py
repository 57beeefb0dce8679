"""Every email quizapp sends, as typed messages composed into plain text and HTML. No Flask,
no SQL.

A message is a frozen dataclass of plain values (its *context*), registered under its
``kind``. The outbox stores the kind and the context, not the text: the text is composed when
the message is read at ``/admin/outbox`` or sent, with the site's name, address and contact,
so that every message carries them and a link is always on the configured ``SITE_URL``, never
on the Host header of the request that caused it.

A new message is a subclass of :class:`Mail` decorated with :func:`message`; its fields must
be ``str``, ``int`` or ``tuple[str, ...]`` so that the context survives a JSON column.
"""

from __future__ import annotations

import dataclasses
import html
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar


@dataclass(frozen=True)
class Site:
    """What every message says about who sends it."""

    name: str
    url: str
    """``SITE_URL``: scheme and host, without a trailing slash."""
    contact: str = ""
    """``CONTACT_EMAIL``; whom a learner writes to with a question. Empty: none is named."""


@dataclass(frozen=True)
class Link:
    """A link to a page of the site: ``path`` starts with ``/`` and is joined to ``SITE_URL``."""

    label: str
    path: str


Part = str | Link
"""A paragraph of plain text, or a link on a line of its own."""


@dataclass(frozen=True)
class Composed:
    subject: str
    text: str
    html: str


class Mail:
    """A message: its subject and its parts. Subclasses are frozen dataclasses."""

    kind: ClassVar[str]
    audience: ClassVar[str]
    """Who receives it, as docs/email.md lists it."""

    def subject(self, site: Site) -> str:
        raise NotImplementedError

    def parts(self, site: Site) -> Sequence[Part]:
        raise NotImplementedError

    def context(self) -> dict[str, Any]:
        """The fields as the outbox stores them."""
        return {
            field.name: list(value) if isinstance(value, tuple) else value
            for field in dataclasses.fields(self)  # type: ignore[arg-type]
            for value in [getattr(self, field.name)]
        }


KINDS: dict[str, type[Mail]] = {}
M = TypeVar("M", bound=type[Mail])


def message(kind: str, audience: str) -> Callable[[M], M]:
    """Register a message class under ``kind``, the name the outbox stores."""

    def register(cls: M) -> M:
        if kind in KINDS:
            raise ValueError(f"two messages are called {kind!r}")
        cls.kind = kind
        cls.audience = audience
        KINDS[kind] = cls
        return cls

    return register


class UnknownMessage(ValueError):
    """A stored kind or context that no registered message reads (a row from a newer quizapp,
    or a context written before a field was added)."""


def stored(kind: str, context: Mapping[str, Any]) -> Mail:
    """The message an outbox row names."""
    cls = KINDS.get(kind)
    if cls is None:
        raise UnknownMessage(f"no message is called {kind!r}")
    values = {
        key: tuple(value) if isinstance(value, list) else value for key, value in context.items()
    }
    try:
        return cls(**values)
    except TypeError as error:
        raise UnknownMessage(f"the {kind!r} message does not read this context: {error}") from None


def one_line(text: str) -> str:
    """A header value on one line: an activity title with a line break cannot add headers."""
    return " ".join(text.split())


def compose(mail: Mail, site: Site) -> Composed:
    """The subject, the plain text and the HTML of ``mail``, signed with the site's name and
    contact."""
    parts = [*mail.parts(site), *_signature(site)]
    text_blocks = [
        f"{part.label}:\n{site.url}{part.path}" if isinstance(part, Link) else part
        for part in parts
    ]
    html_blocks = [
        (
            f'<p><a href="{html.escape(site.url + part.path)}">{html.escape(part.label)}</a></p>'
            if isinstance(part, Link)
            else "<p>" + "<br>\n".join(html.escape(line) for line in part.split("\n")) + "</p>"
        )
        for part in parts
    ]
    subject = one_line(f"{mail.subject(site)} · {site.name}")
    body = "\n".join(html_blocks)
    return Composed(
        subject=subject,
        text="\n\n".join(text_blocks) + "\n",
        html=(
            '<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
            f"<title>{html.escape(subject)}</title></head>\n<body>\n{body}\n</body></html>\n"
        ),
    )


def _signature(site: Site) -> list[Part]:
    lines: list[Part] = [f"— {site.name}, {site.url}"]
    if site.contact:
        lines.append(f"Questions? Write to {site.contact}.")
    return lines


def _hello(name: str) -> str:
    return f"Dear {name}," if name else "Hello,"


# --- accounts -----------------------------------------------------------------------------------


@message("password-reset", "the account's address, when someone asks for a reset link")
@dataclass(frozen=True)
class PasswordReset(Mail):
    name: str
    path: str
    minutes: int

    def subject(self, site: Site) -> str:
        return "Reset your password"

    def parts(self, site: Site) -> Sequence[Part]:
        return [
            _hello(self.name),
            f"Someone (we hope you) asked to reset the password of your account at {site.name}. "
            f"Follow this link within {self.minutes} minutes to choose a new one; it works once.",
            Link("Choose a new password", self.path),
            "Choosing a new password signs you out everywhere else. If you did not ask for "
            "this, ignore this message: your password stays as it is.",
        ]


@message("registration-attempt", "an existing account's address, when someone registers with it")
@dataclass(frozen=True)
class RegistrationAttempt(Mail):
    name: str
    forgot_path: str

    def subject(self, site: Site) -> str:
        return "Someone tried to register with your address"

    def parts(self, site: Site) -> Sequence[Part]:
        return [
            _hello(self.name),
            f"Someone tried to create an account at {site.name} with this email address, which "
            "your account already uses. No new account was made.",
            "If it was you, log in instead; if you forgot your password, reset it here:",
            Link("Reset your password", self.forgot_path),
            "If it was not you, there is nothing to do.",
        ]


@message("verify-email", "a new account's address, and an address an account changes to")
@dataclass(frozen=True)
class VerifyEmail(Mail):
    name: str
    path: str
    days: int

    def subject(self, site: Site) -> str:
        return "Confirm your email address"

    def parts(self, site: Site) -> Sequence[Part]:
        return [
            _hello(self.name),
            f"Confirm that this is your address for your account at {site.name} by following "
            f"this link within {self.days} days:",
            Link("Confirm my email address", self.path),
            "If you did not make an account with this address, ignore this message.",
        ]


@message("email-changed", "the old address, when an account's address changes")
@dataclass(frozen=True)
class EmailChanged(Mail):
    name: str
    new_address: str

    def subject(self, site: Site) -> str:
        return "Your email address was changed"

    def parts(self, site: Site) -> Sequence[Part]:
        return [
            _hello(self.name),
            f"The email address of your account at {site.name} was changed to "
            f"{self.new_address}. Messages now go there, and you log in with it.",
            "If you did not make this change, contact us at once.",
        ]


@message("password-changed", "the account's address, when its password is reset by link")
@dataclass(frozen=True)
class PasswordChanged(Mail):
    name: str

    def subject(self, site: Site) -> str:
        return "Your password was changed"

    def parts(self, site: Site) -> Sequence[Part]:
        return [
            _hello(self.name),
            f"The password of your account at {site.name} was just changed with a reset link, "
            "and every session was signed out.",
            "If you did not do this, reset your password again and contact us.",
            Link("Reset your password", "/password/forgot"),
        ]


# --- certificates and attempts ------------------------------------------------------------------


@message("certificate-issued", "the learner, when a claim issues a certificate at once")
@dataclass(frozen=True)
class CertificateIssued(Mail):
    name: str
    activity_title: str
    code: str

    def subject(self, site: Site) -> str:
        return f"Your certificate for {self.activity_title}"

    def parts(self, site: Site) -> Sequence[Part]:
        return [
            _hello(self.name),
            f"Your certificate for “{self.activity_title}” is issued.",
            Link("Download your certificate (PDF)", f"/certificates/{self.code}.pdf"),
            Link("Anyone can check it here", f"/verify/{self.code}"),
        ]


@message("certificate-pending", "the learner, when a claim's certificate is held for approval")
@dataclass(frozen=True)
class CertificatePending(Mail):
    name: str
    activity_title: str

    def subject(self, site: Site) -> str:
        return f"Your certificate for {self.activity_title} awaits approval"

    def parts(self, site: Site) -> Sequence[Part]:
        return [
            _hello(self.name),
            f"Your credit for “{self.activity_title}” is recorded. The provider reviews each "
            "certificate for this activity before issuing it; we will write again when yours "
            "is approved.",
            Link("Your transcript", "/my/transcript"),
        ]


@message("certificate-approved", "the learner, when an administrator approves the certificate")
@dataclass(frozen=True)
class CertificateApproved(Mail):
    name: str
    activity_title: str
    code: str

    def subject(self, site: Site) -> str:
        return f"Your certificate for {self.activity_title} is approved"

    def parts(self, site: Site) -> Sequence[Part]:
        return [
            _hello(self.name),
            f"Your certificate for “{self.activity_title}” is approved and issued.",
            Link("Download your certificate (PDF)", f"/certificates/{self.code}.pdf"),
            Link("Anyone can check it here", f"/verify/{self.code}"),
        ]


@message("certificate-revoked", "the learner, when an administrator revokes the certificate")
@dataclass(frozen=True)
class CertificateRevoked(Mail):
    name: str
    activity_title: str
    code: str
    reason: str

    def subject(self, site: Site) -> str:
        return f"Your certificate for {self.activity_title} was revoked"

    def parts(self, site: Site) -> Sequence[Part]:
        whom = (
            f"write to {site.contact}" if site.contact else f"contact the provider of {site.name}"
        )
        return [
            _hello(self.name),
            f"Your certificate {self.code} for “{self.activity_title}” was revoked. "
            f"The reason given: {self.reason}",
            f"Its verification page now says it is revoked. If you think this is a mistake, "
            f"{whom}.",
            Link("The certificate's verification page", f"/verify/{self.code}"),
        ]


@message("certificate-reissued", "the learner, when an administrator reissues the certificate")
@dataclass(frozen=True)
class CertificateReissued(Mail):
    name: str
    activity_title: str
    code: str
    old_code: str

    def subject(self, site: Site) -> str:
        return f"Your certificate for {self.activity_title} was reissued"

    def parts(self, site: Site) -> Sequence[Part]:
        return [
            _hello(self.name),
            f"Your certificate for “{self.activity_title}” was reissued as {self.code}; it "
            f"replaces {self.old_code}. Use the new one from now on.",
            Link("Download your certificate (PDF)", f"/certificates/{self.code}.pdf"),
            Link("Anyone can check it here", f"/verify/{self.code}"),
        ]


@message("attempt-granted", "the learner, when an administrator grants extra attempts")
@dataclass(frozen=True)
class AttemptGranted(Mail):
    name: str
    activity_title: str
    slug: str
    extra: int

    def subject(self, site: Site) -> str:
        return f"You may take the posttest of {self.activity_title} again"

    def parts(self, site: Site) -> Sequence[Part]:
        attempts = "an extra attempt" if self.extra == 1 else f"{self.extra} extra attempts"
        return [
            _hello(self.name),
            f"You were granted {attempts} at the posttest of “{self.activity_title}”.",
            Link("Go to the posttest", f"/activities/{self.slug}/posttest"),
        ]


@message("approval-digest", "each administrator, once a day while certificates await approval")
@dataclass(frozen=True)
class ApprovalDigest(Mail):
    lines: tuple[str, ...]
    """One line per certificate waiting: learner and activity."""

    def subject(self, site: Site) -> str:
        count = len(self.lines)
        return f"{count} certificate{'s' if count != 1 else ''} awaiting approval"

    def parts(self, site: Site) -> Sequence[Part]:
        return [
            "These certificates are waiting for an administrator's approval:",
            "\n".join(f"• {line}" for line in self.lines),
            Link("Review them", "/admin/certificates"),
        ]


# --- follow-up and account administration -------------------------------------------------------


@message(
    "follow-up-survey",
    "the learner, follow_up_weeks after their evaluation of an activity that sets it, "
    "if they wrote what they would change and have not opted out",
)
@dataclass(frozen=True)
class FollowUpSurvey(Mail):
    name: str
    activity_title: str
    commitment: str
    path: str
    opt_out_path: str
    days: int

    def subject(self, site: Site) -> str:
        return f"Did you make the change you planned? ({self.activity_title})"

    def parts(self, site: Site) -> Sequence[Part]:
        return [
            _hello(self.name),
            f"When you completed “{self.activity_title}”, you said you would change this in "
            "your practice:",
            f"“{self.commitment}”",
            "Did you? Three short questions, no login needed; the link works for "
            f"{self.days} days.",
            Link("Answer the follow-up", self.path),
            "To get no more follow-up questions from us:",
            Link("Stop follow-up emails", self.opt_out_path),
        ]


@message(
    "account-corrected",
    "the account's address, when an administrator corrects its name or degree",
)
@dataclass(frozen=True)
class AccountCorrected(Mail):
    name: str
    changes: tuple[str, ...]
    """One line per corrected field: what it was and what it is now."""
    reason: str

    def subject(self, site: Site) -> str:
        return "Your account details were corrected"

    def parts(self, site: Site) -> Sequence[Part]:
        return [
            _hello(self.name),
            f"An administrator of {site.name} corrected your account:",
            "\n".join(f"• {line}" for line in self.changes),
            f"The reason given: {self.reason}",
            "Certificates issued from now on carry the corrected details. If this is wrong, "
            "reply to the contact below.",
            Link("Your profile", "/account/profile"),
        ]

"""What a service raises when it will not do what was asked, for the view or command to show.

One class per kind of answer rather than a copy in every service: a view turns
:class:`NotFound` into a 404 and shows a :class:`Refused` message, whichever service raised
it. Services subclass them only to name the rule, so callers may catch either.
"""

from __future__ import annotations


class NotFound(LookupError):
    """Nothing at this address for this person. Views answer 404 whether it is absent or
    someone else's, so the two cannot be told apart."""


class Refused(Exception):
    """A rule refuses the request. ``message`` is written for the person; ``field`` names the
    form field it belongs to, when there is one."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class SignedOut(Exception):
    """The session a request came with was ended (signed out elsewhere, the password changed,
    the account locked) since its cookie was signed. Raised by a service that checks the
    session in its own transaction; the view sends the person to log in, as
    ``login_required`` does."""

"""Account use cases. Each owns its transaction; none trusts the form to be well-formed."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import Row, bindparam, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from quizapp import audit
from quizapp.accounts import tokens
from quizapp.accounts.tokens import LinkSettings
from quizapp.accounts.validation import (
    US_STATES,
    clean_text,
    email_problem,
    email_skeleton,
    name_part_problem,
    name_problem,
    normalize_email,
    password_problem,
    valid_birth_day,
    valid_npi,
)
from quizapp.content.credits import CERTIFYING_BOARDS, DEGREES
from quizapp.db import Database, retry_when_locked
from quizapp.errors import Refused
from quizapp.mail.compose import (
    EmailChanged,
    PasswordChanged,
    PasswordReset,
    RegistrationAttempt,
    VerifyEmail,
)
from quizapp.mail.services import queue_message
from quizapp.models import User
from quizapp.roles import ROLES

T = TypeVar("T")

DEFAULT_HASH_METHOD = "scrypt"


class AccountError(Refused):
    """A problem the person can fix in the account form."""


class AccountProblems(AccountError):
    """Several problems in one form, each with its field, all reported at once so the person
    fixes them in one pass; the message of the whole says them all, for the CLI."""

    def __init__(self, problems: Sequence[AccountError]) -> None:
        super().__init__(" ".join(p.message for p in problems), problems[0].field)
        self.problems = tuple(problems)


class _Checks:
    """Runs a form's checks one after another, keeping every problem instead of stopping at
    the first."""

    def __init__(self) -> None:
        self.found: list[AccountError] = []

    def __call__(self, check: Callable[[], T]) -> T | None:
        try:
            return check()
        except AccountError as problem:
            self.found.append(problem)
            return None

    def refuse(self, problem: str | None, field: str) -> None:
        if problem:
            self.found.append(AccountError(problem, field))

    def raise_any(self) -> None:
        if len(self.found) == 1:
            raise self.found[0]
        if self.found:
            raise AccountProblems(self.found)


@dataclass(frozen=True)
class Registration:
    email: str
    password: str
    full_name: str
    degree: str


def hash_password(password: str, method: str = DEFAULT_HASH_METHOD) -> str:
    return generate_password_hash(password, method=method)


@functools.cache
def _unknown_user_hash(method: str) -> str:
    """Checked when the email is unknown, at the same cost, so both failures take as long."""
    return hash_password("not-a-real-password", method)


@retry_when_locked
def register(
    db: Database,
    form: Registration,
    *,
    now: dt.datetime,
    role: str = "learner",
    hash_method: str = DEFAULT_HASH_METHOD,
    actor: audit.Actor | None = None,
    links: LinkSettings | None = None,
) -> User:
    """A new account; ``actor`` is who created it (default: the person registering). With
    ``links``, a link to confirm the address is mailed in the same transaction."""
    email, full_name = _checked_registration(form, role)
    skeleton = email_skeleton(email)
    try:
        with db.transaction() as session:
            if skeleton != email and _look_alike_taken(session, email, skeleton):
                raise AccountError(LOOK_ALIKE, "email")
            user = User(
                email=email,
                email_skeleton=skeleton,
                password_hash=hash_password(form.password, hash_method),
                full_name=full_name,
                degree=form.degree,
                role=role,
                session_version=0,
            )
            session.add(user)
            session.flush()
            if actor is None:
                audit.record(
                    session, audit.Actor(email, user.id), "user.register", "user", user.id, now=now
                )
            else:
                audit.record(
                    session, actor, "user.create", "user", user.id, now=now, email=email, role=role
                )
            if links is not None:
                _queue_verification(session, user, links, now)
    except IntegrityError:
        raise AccountError(
            "An account with this email already exists. Log in, or use another email.", "email"
        ) from None
    return user


def _registration_checks(form: Registration, email: str, role: str) -> _Checks:
    checks = _Checks()
    checks.refuse(email_problem(email), "email")
    checks.refuse(password_problem(form.password, email), "password")
    checks(lambda: _full_name(form.full_name))
    checks.refuse(None if form.degree in DEGREES else "Choose your degree.", "degree")
    checks.refuse(None if role in ROLES else f"Unknown role '{role}'.", "role")
    return checks


def registration_problems(form: Registration) -> list[AccountError]:
    """Every problem :func:`register` would refuse before looking at the database, so that a
    form already refused for one field can show the others' problems too."""
    return _registration_checks(form, normalize_email(form.email), "learner").found


def profile_problems(form: ProfileForm) -> list[AccountError]:
    """Every problem :func:`update_profile` would refuse, for the same reason."""
    try:
        _clean_profile(form)
    except AccountProblems as problems:
        return list(problems.problems)
    except AccountError as problem:
        return [problem]
    return []


def _checked_registration(form: Registration, role: str = "learner") -> tuple[str, str]:
    """The normalised email and the cleaned name, or every problem with the form at once."""
    email = normalize_email(form.email)
    _registration_checks(form, email, role).raise_any()
    return email, _full_name(form.full_name)


@retry_when_locked
def sign_up(
    db: Database,
    form: Registration,
    links: LinkSettings,
    *,
    now: dt.datetime,
    hash_method: str = DEFAULT_HASH_METHOD,
) -> None:
    """Registration from the web page, which answers the same whether the address is new or
    already has an account, so the page tells no one which addresses have accounts.

    A new address gets its account and a link to confirm it; an address in use gets a
    message to its owner instead ("someone tried to register with your address"), and no
    account. The password is hashed either way, so both take as long.
    """
    email, _ = _checked_registration(form)
    with db.transaction() as session:
        owner = session.scalar(select(User).where(User.email == email))
        if owner is not None:
            hash_password(form.password, hash_method)
            queue_message(
                session,
                to=owner.email,
                mail=RegistrationAttempt(name=owner.full_name, forgot_path="/password/forgot"),
                now=now,
            )
            audit.record(
                session, audit.Actor(email), "user.register_existing", "user", owner.id, now=now
            )
            return
    try:
        register(db, form, now=now, hash_method=hash_method, links=links)
    except AccountError as error:
        if error.field == "email" and error.message.startswith("An account with this email"):
            return  # registered by someone else a moment ago: the same answer
        raise


def queue_reset_link(session: Session, user: User, links: LinkSettings, now: dt.datetime) -> None:
    """Mail ``user`` a link to choose a new password, in the caller's transaction: the link
    dies once used, since it is bound to the password hash it replaces."""
    token = tokens.reset_token(links, user.id, user.password_hash, now)
    queue_message(
        session,
        to=user.email,
        mail=PasswordReset(
            name=user.full_name, path=f"/password/reset/{token}", minutes=links.reset_minutes
        ),
        now=now,
    )


def _queue_verification(
    session: Session, user: User, links: LinkSettings, now: dt.datetime
) -> None:
    token = tokens.verification_token(links, user.id, user.email, now)
    queue_message(
        session,
        to=user.email,
        mail=VerifyEmail(
            name=user.full_name,
            path=f"/verify-email/{token}",
            days=links.verification_days,
        ),
        now=now,
    )


LOOK_ALIKE = (
    "This address looks like another account's: some of its letters are from another "
    "alphabet and print like Latin ones (such as Cyrillic “а” for “a”). Type it again, or "
    "use another address."
)


def _look_alike_taken(session: Session, email: str, skeleton: str) -> bool:
    """Whether another account's address prints the same as ``email``, which has letters that
    pass for Latin ones: such an address would let someone pose as that account's owner, in
    the admin pages and in reports. An address all in plain Latin letters is never refused
    for this, so an impostor who registered first cannot keep the real owner out."""
    return (
        session.scalar(
            select(User.id).where(User.email_skeleton == skeleton, User.email != email).limit(1)
        )
        is not None
    )


def authenticate(
    db: Database, email: str, password: str, *, hash_method: str = DEFAULT_HASH_METHOD
) -> User | None:
    """The user, or None; unknown email and wrong password are indistinguishable to the caller."""
    with db.read_session() as session:
        user = session.scalar(select(User).where(User.email == normalize_email(email)))
    if user is None:
        check_password_hash(_unknown_user_hash(hash_method), password)
        return None
    return user if check_password_hash(user.password_hash, password) else None


def end_sessions(db: Database, user_id: int) -> None:
    """Sign out every session of the account (logging out ends them all: a copied cookie, or
    a browser forgotten on a shared computer, is signed out with the one in hand)."""
    users = User.__table__
    with db.transaction() as session:
        session.execute(
            update(users)
            .where(users.c.id == user_id)
            .values(session_version=users.c.session_version + 1)
        )


@retry_when_locked
def change_password(
    db: Database,
    user_id: int,
    current_password: str,
    new_password: str,
    *,
    now: dt.datetime,
    hash_method: str = DEFAULT_HASH_METHOD,
) -> User:
    """The new password, which also signs out every session of the account; the caller signs
    the person in again with the returned user."""
    with db.transaction() as session:
        user = session.get(User, user_id)
        if user is None:
            raise AccountError("Your account no longer exists.")
        if not check_password_hash(user.password_hash, current_password):
            raise AccountError("Your current password is not correct.", "current_password")
        problem = password_problem(new_password, user.email)
        if problem:
            raise AccountError(problem, "new_password")
        user.password_hash = hash_password(new_password, hash_method)
        user.session_version += 1
        audit.record(
            session,
            audit.Actor(user.email, user.id),
            "user.password_change",
            "user",
            user.id,
            now=now,
        )
        return user


@retry_when_locked
def reset_password(
    db: Database,
    email: str,
    new_password: str,
    actor: audit.Actor,
    *,
    now: dt.datetime,
    hash_method: str,
) -> User:
    """An administrator's reset from the server, for a learner or staff member locked out;
    it also signs out every session of the account."""
    with db.transaction() as session:
        user = session.scalar(select(User).where(User.email == normalize_email(email)))
        if user is None:
            raise AccountError(f"No account uses {email}.", "email")
        user.password_hash = hash_password(new_password, hash_method)
        user.session_version += 1
        audit.record(session, actor, "user.password_reset", "user", user.id, now=now)
        return user


RESET_LINK_DEAD = (
    "This link has expired or was already used. Ask for a new one below; it is valid for "
    "{minutes} minutes."
)


@retry_when_locked
def request_password_reset(
    db: Database, email: str, links: LinkSettings, *, now: dt.datetime
) -> None:
    """Mail a reset link to the account that uses ``email``, if one does; the caller answers
    the same either way."""
    address = normalize_email(email)
    if email_problem(address):
        return
    with db.transaction() as session:
        user = session.scalar(select(User).where(User.email == address))
        if user is None:
            return
        queue_reset_link(session, user, links, now)
        audit.record(
            session,
            audit.Actor(user.email, user.id),
            "user.password_reset_request",
            "user",
            user.id,
            now=now,
        )


def reset_link_user(
    session: Session, token: str, links: LinkSettings, *, now: dt.datetime
) -> User | None:
    """The account a reset link is for, while the link works."""
    claim = tokens.read_reset_token(links, token, now)
    if claim is None:
        return None
    user = session.get(User, claim.user_id)
    if user is None or tokens.password_fingerprint(user.password_hash) != claim.fingerprint:
        return None
    return user


@retry_when_locked
def reset_password_by_link(
    db: Database,
    token: str,
    new_password: str,
    links: LinkSettings,
    *,
    now: dt.datetime,
    hash_method: str = DEFAULT_HASH_METHOD,
) -> User:
    """The new password chosen through a mailed link, which then stops working; every
    session of the account is signed out, and the owner is told by mail."""
    with db.transaction() as session:
        user = reset_link_user(session, token, links, now=now)
        if user is None:
            raise AccountError(RESET_LINK_DEAD.format(minutes=links.reset_minutes))
        session.refresh(user, with_for_update=True)
        if reset_link_user(session, token, links, now=now) is None:  # used meanwhile
            raise AccountError(RESET_LINK_DEAD.format(minutes=links.reset_minutes))
        problem = password_problem(new_password, user.email)
        if problem:
            raise AccountError(problem, "new_password")
        user.password_hash = hash_password(new_password, hash_method)
        user.session_version += 1
        if user.email_verified_at is None:
            user.email_verified_at = now  # the link reached this mailbox
        audit.record(
            session,
            audit.Actor(user.email, user.id),
            "user.password_reset_by_email",
            "user",
            user.id,
            now=now,
        )
        queue_message(session, to=user.email, mail=PasswordChanged(name=user.full_name), now=now)
        return user


@retry_when_locked
def verify_email(db: Database, token: str, links: LinkSettings, *, now: dt.datetime) -> User:
    """Record that the owner of the address the link was sent to followed it."""
    claim = tokens.read_verification_token(links, token, now)
    with db.transaction() as session:
        user = session.get(User, claim.user_id) if claim is not None else None
        if claim is None or user is None or user.email != claim.email:
            raise AccountError(
                "This link has expired, or was sent to an address your account no longer "
                "uses. Log in and ask for a new one from your account page."
            )
        if user.email_verified_at is None:
            user.email_verified_at = now
            audit.record(
                session,
                audit.Actor(user.email, user.id),
                "user.email_verify",
                "user",
                user.id,
                now=now,
                email=user.email,
            )
        return user


@retry_when_locked
def resend_verification(
    db: Database, user_id: int, links: LinkSettings, *, now: dt.datetime
) -> User:
    with db.transaction() as session:
        user = session.get(User, user_id)
        if user is None:
            raise AccountError("Your account no longer exists.")
        if user.email_verified_at is not None:
            raise AccountError("Your address is already confirmed.")
        _queue_verification(session, user, links, now)
        return user


@retry_when_locked
def change_email(
    db: Database,
    user_id: int,
    current_password: str,
    new_email: str,
    links: LinkSettings,
    *,
    now: dt.datetime,
) -> User:
    """A new address, unconfirmed until its owner follows the link mailed there; the old
    address is told, so a stolen session cannot move an account away unnoticed."""
    email = normalize_email(new_email)
    problem = email_problem(email)
    if problem:
        raise AccountError(problem, "email")
    skeleton = email_skeleton(email)
    try:
        with db.transaction() as session:
            user = session.get(User, user_id, with_for_update=True)
            if user is None:
                raise AccountError("Your account no longer exists.")
            if not check_password_hash(user.password_hash, current_password):
                raise AccountError("Your current password is not correct.", "current_password")
            if email == user.email:
                raise AccountError("This is already your address.", "email")
            if skeleton != email and _look_alike_taken(session, email, skeleton):
                raise AccountError(LOOK_ALIKE, "email")
            old = user.email
            user.email = email
            user.email_skeleton = skeleton
            user.email_verified_at = None
            session.flush()
            audit.record(
                session,
                audit.Actor(email, user.id),
                "user.email_change",
                "user",
                user.id,
                now=now,
                old=old,
                new=email,
            )
            queue_message(
                session, to=old, mail=EmailChanged(name=user.full_name, new_address=email), now=now
            )
            _queue_verification(session, user, links, now)
            return user
    except IntegrityError:
        raise AccountError("Another account uses this address. Use another one.", "email") from None


@dataclass(frozen=True)
class ProfileForm:
    full_name: str
    degree: str
    npi: str
    license_state: str
    license_number: str
    certifying_board: str
    board_id: str
    birth_month: str
    birth_day: str
    nabp_eprofile_id: str
    board_report_consent: bool
    given_name: str = ""
    family_name: str = ""


@retry_when_locked
def update_profile(db: Database, user_id: int, form: ProfileForm, now: dt.datetime) -> User:
    values = _clean_profile(form)
    with db.transaction() as session:
        user = session.get(User, user_id)
        if user is None:
            raise AccountError("Your account no longer exists.")
        changed = sorted(key for key, value in values.items() if getattr(user, key) != value)
        for key, value in values.items():
            setattr(user, key, value)
        consent_before = user.board_report_consent_at is not None
        if form.board_report_consent and not consent_before:
            user.board_report_consent_at = now
            changed.append("board_report_consent_at")
        elif not form.board_report_consent and consent_before:
            user.board_report_consent_at = None
            changed.append("board_report_consent_at")
        if changed:
            audit.record(
                session,
                audit.Actor(user.email, user.id),
                "user.profile_update",
                "user",
                user.id,
                now=now,
                fields=changed,
            )
        return user


def _full_name(raw: str) -> str:
    """The name as certificates print it: without control and bidi characters, each run of
    whitespace one space, and every character one that a certificate font has."""
    full_name = clean_text(raw)
    if not full_name or len(full_name) > 200:
        raise AccountError("Enter your full name as it should appear on certificates.", "full_name")
    problem = name_problem(full_name)
    if problem:
        raise AccountError(problem, "full_name")
    return full_name


def _clean_profile(form: ProfileForm) -> dict[str, object]:
    """The profile as stored, or every problem in the form at once."""
    checks = _Checks()
    full_name = checks(lambda: _full_name(form.full_name))
    checks.refuse(None if form.degree in DEGREES else "Choose your degree.", "degree")
    npi = form.npi.strip() or None
    if npi and not valid_npi(npi):
        checks.refuse("An NPI is 10 digits with a valid check digit.", "npi")
    state = form.license_state.strip().upper() or None
    if state and state not in US_STATES:
        checks.refuse("Choose the state that issued your license.", "license_state")
    month, day = checks(lambda: _birth(form.birth_month, form.birth_day)) or (None, None)
    nabp = form.nabp_eprofile_id.strip() or None
    if nabp and not (_ascii_digits(nabp) and 1 <= len(nabp) <= 10):
        checks.refuse("An NABP e-Profile ID is a number of up to 10 digits.", "nabp_eprofile_id")
    given_name, family_name = checks(lambda: _board_name(form.given_name, form.family_name)) or (
        None,
        None,
    )
    board = form.certifying_board.strip() or None
    if board and board not in CERTIFYING_BOARDS:
        checks.refuse(
            "Choose your certifying board from the list; quizapp reports to these boards only.",
            "certifying_board",
        )
    license_number = checks(lambda: _limited(form.license_number, 40, "license_number"))
    board_id = checks(lambda: _limited(form.board_id, 40, "board_id"))
    checks.raise_any()
    return {
        "full_name": full_name,
        "given_name": given_name,
        "family_name": family_name,
        "degree": form.degree,
        "npi": npi,
        "license_state": state,
        "license_number": license_number,
        "certifying_board": board,
        "board_id": board_id,
        "birth_month": month,
        "birth_day": day,
        "nabp_eprofile_id": nabp,
    }


def _board_name(given_raw: str, family_raw: str) -> tuple[str | None, str | None]:
    """The name as the learner's boards hold it; both empty leaves the reports to split the
    full name, and a single name is a family name alone."""
    given, family = " ".join(given_raw.split()), " ".join(family_raw.split())
    for value, field in ((given, "given_name"), (family, "family_name")):
        if problem := name_part_problem(value):
            raise AccountError(problem, field)
    if given and not family:
        raise AccountError(
            "Write your family name too; if you have one name only, write it here and leave "
            "the given name empty.",
            "family_name",
        )
    return (given or None) if family else None, family or None


def _limited(value: str, size: int, field: str) -> str | None:
    """A free-text profile field, cleaned like the name: reports print it."""
    value = clean_text(value)
    if len(value) > size:
        raise AccountError(f"Use at most {size} characters.", field)
    return value or None


def _ascii_digits(value: str) -> bool:
    """0-9 only: ``str.isdigit`` also accepts "²" and non-Latin digits, which ``int`` rejects."""
    return value.isascii() and value.isdigit()


def _birth(month_raw: str, day_raw: str) -> tuple[int | None, int | None]:
    month_raw, day_raw = month_raw.strip(), day_raw.strip()
    if not month_raw and not day_raw:
        return None, None
    if not (_ascii_digits(month_raw) and _ascii_digits(day_raw)):
        raise AccountError("Give both your birth month and day, or neither.", "birth_month")
    month, day = int(month_raw), int(day_raw)
    if not valid_birth_day(month, day):
        raise AccountError("That month has no such day.", "birth_day")
    return month, day


@retry_when_locked
def set_role(db: Database, email: str, role: str, actor: audit.Actor, *, now: dt.datetime) -> User:
    if role not in ROLES:
        raise AccountError(f"Unknown role '{role}' (expected one of: {', '.join(ROLES)}).", "role")
    with db.transaction() as session:
        user = session.scalar(select(User).where(User.email == normalize_email(email)))
        if user is None:
            raise AccountError(f"No account uses {email}.", "email")
        previous = user.role
        user.role = role
        audit.record(
            session, actor, "user.role_change", "user", user.id, now=now, old=previous, new=role
        )
        return user


def user_by_id(session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


_users = User.__table__
_SESSION_ROW = select(
    _users.c.id,
    _users.c.email,
    _users.c.full_name,
    _users.c.degree,
    _users.c.role,
    _users.c.session_version,
).where(_users.c.id == bindparam("user_id"))
"""Built once: every request of a signed-in user runs it, and building a statement (and its
cache key) cost more than SQLite spends running it."""


def session_row(session: Session, user_id: int) -> Row[tuple[int, str, str, str, str, int]] | None:
    """What the login session needs of a user (id, email, full name, degree, role, session
    version), read on every request: only those columns."""
    return session.connection().execute(_SESSION_ROW, {"user_id": user_id}).first()


def an_admin_email(session: Session) -> str | None:
    """The email of an administrator, if the site has any."""
    return session.scalar(select(User.email).where(User.role == "admin").limit(1))


def role_of(session: Session, email: str) -> str | None:
    return session.scalar(select(User.role).where(User.email == normalize_email(email)))

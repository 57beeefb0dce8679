"""Account routes. Who may use them is stated on each."""

from __future__ import annotations

import hashlib

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from quizapp import clock
from quizapp.accounts import forms, pending, services
from quizapp.accounts.login import current, mark_authenticated, safe_next, sign_in, sign_out
from quizapp.accounts.validation import normalize_email, suggested_name_parts
from quizapp.content.credits import CERTIFYING_BOARDS
from quizapp.db import get_db, request_session
from quizapp.models import User
from quizapp.ratelimit import limiter

blueprint = Blueprint("accounts", __name__, template_folder="templates")

ViewResult = str | Response | tuple[str, int]


def _hash_method() -> str:
    return str(current_app.config.get("PASSWORD_HASH_METHOD", services.DEFAULT_HASH_METHOD))


def _login_limit() -> str:
    return str(current_app.config.get("LOGIN_RATE_LIMIT", "10 per minute"))


def _failed_login_limit() -> str:
    return str(current_app.config.get("FAILED_LOGIN_RATE_LIMIT", "10 per 15 minutes"))


def _password_limit() -> str:
    return str(current_app.config.get("PASSWORD_RATE_LIMIT", "10 per hour"))


def _typed_account() -> str:
    """The account a login form names, as it is looked up, whatever address sends it: guesses
    spread over many addresses still count against the one account. A digest, so the limiter's
    storage (Redis) holds no email address; unknown addresses are counted the same way, so the
    limit says nothing about which accounts exist."""
    email = normalize_email(request.form.get("email", ""))
    return "login-email:" + hashlib.sha256(email.encode()).hexdigest()


def _login_failed(response: Response) -> bool:
    return bool(g.get("login_failed", False))


def _signed_in_account() -> str:
    return f"user:{current().id}"


@blueprint.route("/register", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def register() -> ViewResult:
    """Anyone not signed in."""
    if current_user.is_authenticated:
        return redirect(url_for("learning.my_activities"))
    form = forms.RegisterForm()
    if form.validate_on_submit():
        try:
            user = services.register(
                get_db(),
                services.Registration(
                    form.email.data or "",
                    form.password.data or "",
                    form.full_name.data or "",
                    form.degree.data or "",
                ),
                now=clock.now(),
                hash_method=_hash_method(),
            )
        except services.AccountError as error:
            _attach(form, error)
        else:
            sign_in(user)
            flash("Welcome! Your account is ready.", "success")
            return redirect(safe_next(request.args.get("next")) or url_for("catalog.catalog"))
    status = 400 if form.is_submitted() else 200
    return render_template("accounts/register.html", form=form), status


@blueprint.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(
    _failed_login_limit, methods=["POST"], key_func=_typed_account, deduct_when=_login_failed
)
def login() -> ViewResult:
    """Anyone. Unknown email and wrong password get the same answer."""
    form = forms.LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(
            get_db(), form.email.data or "", form.password.data or "", hash_method=_hash_method()
        )
        if user is not None:
            sign_in(user)
            return redirect(
                safe_next(request.args.get("next")) or url_for("learning.my_activities")
            )
        g.login_failed = True
        form.form_errors.append("Email or password is incorrect.")
    status = 400 if form.is_submitted() else 200
    return render_template("accounts/login.html", form=form), status


@blueprint.post("/logout")
@login_required
def logout() -> Response:
    """Signed-in users. Ends every session of the account, not only this browser's."""
    sign_out()
    flash("You are logged out.", "success")
    return redirect(url_for("catalog.catalog"))


@blueprint.route("/confirm", methods=["GET", "POST"])
@login_required
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(
    _failed_login_limit,
    methods=["POST"],
    key_func=_signed_in_account,
    deduct_when=_login_failed,
)
def confirm() -> ViewResult:
    """Signed-in users: "Confirm it's you". The password again, for their own account, then
    the admin action held for it (see :mod:`quizapp.accounts.pending`) is carried out. Wrong
    passwords count against the account like failed logins."""
    account = current().get_id()
    held = pending.peek(account)
    form = forms.ConfirmForm()
    if request.method == "POST" and "cancel" in request.form:
        pending.drop()
        flash("Cancelled. Nothing was changed.", "success")
        return redirect(held.back if held else _home())
    if form.validate_on_submit():
        user = services.authenticate(
            get_db(), current().email, form.password.data or "", hash_method=_hash_method()
        )
        if user is not None and user.id == current().id:
            mark_authenticated()
            return _carry_out(pending.take(account))
        g.login_failed = True
        form.password.errors = ["That is not your password. Nothing has been changed."]
    expired = held is not None and held.expired(clock.now())
    status = 400 if form.is_submitted() else 200
    return render_template("accounts/confirm.html", form=form, held=held, expired=expired), status


def _home() -> str:
    return url_for("admin.dashboard") if current().is_admin else url_for("learning.my_activities")


def _carry_out(held: pending.PendingAction | None) -> Response:
    """Send the held form to its view again, now that the password is fresh.

    The view runs in this request with the held form in place of the confirm page's, behind
    every decorator it has (the role check, the fresh-login check), so it does exactly what
    it would have done had the form been sent with a fresh password.
    """
    if held is None:
        flash("Thank you. You can carry on.", "success")
        return redirect(_home())
    if held.expired(clock.now()):
        flash(
            f"Your password is confirmed, but the request to {held.label} waited more than "
            f"{pending.HOLD_MINUTES} minutes, so nothing was changed. Please do it again.",
            "warning",
        )
        return redirect(held.back)
    view = current_app.view_functions.get(held.endpoint)
    if view is None:
        abort(404, description="The page this request was sent to no longer exists.")
    request.form = held.form_data()  # type: ignore[misc]
    response: Response = current_app.make_response(view(**held.view_args))
    return response


@blueprint.route("/account/password", methods=["GET", "POST"])
@login_required
@limiter.limit(_password_limit, methods=["POST"], key_func=_signed_in_account)
def change_password() -> ViewResult:
    """Signed-in users, for their own account."""
    form = forms.PasswordChangeForm()
    if form.validate_on_submit():
        try:
            user = services.change_password(
                get_db(),
                current().id,
                form.current_password.data or "",
                form.new_password.data or "",
                now=clock.now(),
                hash_method=_hash_method(),
            )
        except services.AccountError as error:
            _attach(form, error)
        else:
            sign_in(user)
            flash("Your password is changed. Other sessions have been signed out.", "success")
            return redirect(url_for("accounts.profile"))
    status = 400 if form.is_submitted() else 200
    return render_template("accounts/password.html", form=form), status


@blueprint.route("/account", methods=["GET", "POST"])
@login_required
def profile() -> ViewResult:
    """Signed-in users, for their own profile."""
    user = services.user_by_id(request_session(), current().id)
    assert user is not None
    form = forms.ProfileForm(obj=None if request.method == "POST" else _profile_data(user))
    if form.validate_on_submit():
        try:
            services.update_profile(
                get_db(),
                user.id,
                services.ProfileForm(
                    full_name=form.full_name.data or "",
                    degree=form.degree.data or "",
                    npi=form.npi.data or "",
                    license_state=form.license_state.data or "",
                    license_number=form.license_number.data or "",
                    certifying_board=form.certifying_board.data or "",
                    given_name=form.given_name.data or "",
                    family_name=form.family_name.data or "",
                    board_id=form.board_id.data or "",
                    birth_month=form.birth_month.data or "",
                    birth_day=form.birth_day.data or "",
                    nabp_eprofile_id=form.nabp_eprofile_id.data or "",
                    board_report_consent=bool(form.board_report_consent.data),
                ),
                clock.now(),
            )
        except services.AccountError as error:
            _attach(form, error)
        else:
            flash("Your profile is saved.", "success")
            return redirect(safe_next(request.args.get("next")) or url_for("accounts.profile"))
    status = 400 if form.is_submitted() else 200
    return (
        render_template(
            "accounts/profile.html", form=form, user=user, known_boards=CERTIFYING_BOARDS
        ),
        status,
    )


class _ProfileData:
    def __init__(self, user: User) -> None:
        self.full_name = user.full_name
        if user.family_name:
            self.given_name, self.family_name = user.given_name or "", user.family_name
        else:
            self.given_name, self.family_name = suggested_name_parts(user.full_name)
        self.degree = user.degree
        self.npi = user.npi or ""
        self.license_state = user.license_state or ""
        self.license_number = user.license_number or ""
        self.certifying_board = user.certifying_board or ""
        self.board_id = user.board_id or ""
        self.birth_month = str(user.birth_month or "")
        self.birth_day = str(user.birth_day or "")
        self.nabp_eprofile_id = user.nabp_eprofile_id or ""
        self.board_report_consent = user.board_report_consent_at is not None


def _profile_data(user: User) -> _ProfileData:
    return _ProfileData(user)


def _attach(form: forms.FlaskForm, error: services.AccountError) -> None:
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)

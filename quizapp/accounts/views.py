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
from quizapp.accounts.tokens import LinkSettings
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


def _reset_limit() -> str:
    return str(current_app.config.get("PASSWORD_RESET_RATE_LIMIT", "5 per hour"))


def links() -> LinkSettings:
    """The settings of the links mailed to account owners."""
    return LinkSettings(
        secret=str(current_app.config["SECRET_KEY"]),
        reset_minutes=int(current_app.config["PASSWORD_RESET_MINUTES"]),
        verification_days=int(current_app.config["EMAIL_VERIFICATION_DAYS"]),
    )


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
            services.sign_up(
                get_db(),
                _registration(form),
                links(),
                now=clock.now(),
                hash_method=_hash_method(),
            )
        except services.AccountError as error:
            _attach(form, error)
        else:
            # The same answer when the address already has an account (its owner is mailed
            # instead): signing in here would tell anyone which addresses are taken.
            flash(
                f"Thank you. We sent a message to {normalize_email(form.email.data or '')}: "
                "follow its link to confirm your address. Log in with your password now.",
                "success",
            )
            return redirect(url_for("accounts.login", next=safe_next(request.args.get("next"))))
    elif form.is_submitted():
        _attach_others(form, services.registration_problems(_registration(form)))
    status = 400 if form.is_submitted() else 200
    return render_template("accounts/register.html", form=form), status


def _locked_message() -> str:
    contact = str(current_app.config.get("CONTACT_EMAIL") or "")
    whom = f"write to {contact}" if contact else "contact the provider of this site"
    return (
        "This account is locked by an administrator and cannot sign in. "
        f"To have it unlocked, {whom}."
    )


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
        if user is None:
            g.login_failed = True
            form.form_errors.append("Email or password is incorrect.")
        elif user.locked_at is not None:
            # Said only after the right password, so it tells nobody else which accounts
            # exist or are locked.
            form.form_errors.append(_locked_message())
        else:
            sign_in(user)
            return redirect(
                safe_next(request.args.get("next")) or url_for("learning.my_activities")
            )
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


@blueprint.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(_reset_limit, methods=["POST"], key_func=_typed_account)
def forgot_password() -> ViewResult:
    """Anyone. The same answer whether an account uses the address or not."""
    form = forms.ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(get_db(), form.email.data or "", links(), now=clock.now())
        flash(
            f"If an account uses {normalize_email(form.email.data or '')}, we have sent it a "
            f"link to choose a new password. The link works once, within "
            f"{links().reset_minutes} minutes.",
            "success",
        )
        return redirect(url_for("accounts.login"))
    status = 400 if form.is_submitted() else 200
    return render_template("accounts/forgot.html", form=form), status


@blueprint.route("/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def reset_password(token: str) -> ViewResult:
    """Anyone holding a reset link that still works; the link is the authorization."""
    user = services.reset_link_user(request_session(), token, links(), now=clock.now())
    if user is None:
        flash(services.RESET_LINK_DEAD.format(minutes=links().reset_minutes), "error")
        return redirect(url_for("accounts.forgot_password"))
    form = forms.ResetPasswordForm()
    if form.validate_on_submit():
        try:
            services.reset_password_by_link(
                get_db(),
                token,
                form.new_password.data or "",
                links(),
                now=clock.now(),
                hash_method=_hash_method(),
            )
        except services.AccountError as error:
            if error.field is None:
                flash(error.message, "error")
                return redirect(url_for("accounts.forgot_password"))
            _attach(form, error)
        else:
            flash(
                "Your password is changed, and every session of your account is signed out. "
                "Log in with your new password.",
                "success",
            )
            return redirect(url_for("accounts.login"))
    status = 400 if form.is_submitted() else 200
    return render_template("accounts/reset.html", form=form, email=user.email), status


@blueprint.route("/verify-email/<token>", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def verify_email(token: str) -> ViewResult:
    """Anyone holding a confirmation link; a button, so that a mail scanner that opens the
    link does not confirm the address on its own."""
    form = forms.EmptyForm()
    if form.validate_on_submit():
        try:
            services.verify_email(get_db(), token, links(), now=clock.now())
        except services.AccountError as error:
            flash(error.message, "error")
            return redirect(url_for("accounts.login"))
        flash("Thank you: your email address is confirmed.", "success")
        if current_user.is_authenticated:
            return redirect(url_for("accounts.profile"))
        return redirect(url_for("accounts.login"))
    return render_template("accounts/verify.html", form=form), 400 if form.is_submitted() else 200


@blueprint.post("/account/verify-email")
@login_required
@limiter.limit(_reset_limit, methods=["POST"], key_func=_signed_in_account)
def resend_verification() -> Response:
    """Signed-in users, for their own address."""
    try:
        user = services.resend_verification(get_db(), current().id, links(), now=clock.now())
    except services.AccountError as error:
        flash(error.message, "warning")
    else:
        flash(
            f"We sent a new link to {user.email}. It works for {links().verification_days} days.",
            "success",
        )
    return redirect(safe_next(request.form.get("back")) or url_for("accounts.profile"))


@blueprint.route("/account/email", methods=["GET", "POST"])
@login_required
@limiter.limit(_password_limit, methods=["POST"], key_func=_signed_in_account)
def change_email() -> ViewResult:
    """Signed-in users, for their own account; the current password is asked again."""
    form = forms.EmailChangeForm()
    if form.validate_on_submit():
        try:
            user = services.change_email(
                get_db(),
                current().id,
                form.current_password.data or "",
                form.email.data or "",
                links(),
                now=clock.now(),
            )
        except services.AccountError as error:
            _attach(form, error)
        else:
            flash(
                f"Your address is now {user.email}. We sent a link there to confirm it, and a "
                "note to your old address.",
                "success",
            )
            return redirect(url_for("accounts.profile"))
    status = 400 if form.is_submitted() else 200
    return render_template("accounts/email.html", form=form), status


@blueprint.route("/account", methods=["GET", "POST"])
@login_required
def profile() -> ViewResult:
    """Signed-in users, for their own profile."""
    user = services.user_by_id(request_session(), current().id)
    assert user is not None
    form = forms.ProfileForm(obj=None if request.method == "POST" else _profile_data(user))
    if form.validate_on_submit():
        try:
            services.update_profile(get_db(), user.id, _profile_form(form), clock.now())
        except services.AccountError as error:
            _attach(form, error)
        else:
            flash("Your profile is saved.", "success")
            return redirect(safe_next(request.args.get("next")) or url_for("accounts.profile"))
    elif form.is_submitted():
        _attach_others(form, services.profile_problems(_profile_form(form)))
    status = 400 if form.is_submitted() else 200
    return (
        render_template(
            "accounts/profile.html",
            form=form,
            user=user,
            known_boards=CERTIFYING_BOARDS,
            verify_form=forms.EmptyForm(),
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


def _registration(form: forms.RegisterForm) -> services.Registration:
    return services.Registration(
        form.email.data or "",
        form.password.data or "",
        form.full_name.data or "",
        form.degree.data or "",
    )


def _profile_form(form: forms.ProfileForm) -> services.ProfileForm:
    return services.ProfileForm(
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
    )


def _attach_others(form: forms.FlaskForm, problems: list[services.AccountError]) -> None:
    """The service's problems beside the fields the form's own validators let through, so a
    form refused for one field reports every field's problem at once."""
    for problem in problems:
        field = getattr(form, problem.field, None) if problem.field else None
        if field is not None and not field.errors:
            field.errors = [problem.message]


def _attach(form: forms.FlaskForm, error: services.AccountError) -> None:
    """Each problem the service found beside its field (or above the form)."""
    for problem in error.problems if isinstance(error, services.AccountProblems) else (error,):
        field = getattr(form, problem.field, None) if problem.field else None
        if field is not None:
            field.errors = [*field.errors, problem.message]
        else:
            form.form_errors.append(problem.message)

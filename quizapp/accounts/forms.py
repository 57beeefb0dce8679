"""Account forms. Flask-WTF supplies the CSRF token; the services do the domain checks."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from quizapp.accounts.validation import US_STATES
from quizapp.content.credits import CERTIFYING_BOARDS, DEGREES
from quizapp.dates import MONTHS

DEGREE_CHOICES = [SelectChoice("", "Choose…")] + [SelectChoice(d, d) for d in DEGREES]
STATE_CHOICES = [SelectChoice("", "—")] + [SelectChoice(s, s) for s in US_STATES]
MONTH_CHOICES = [SelectChoice("", "—")] + [
    SelectChoice(str(number), name) for number, name in enumerate(MONTHS, start=1)
]
DAY_CHOICES = [SelectChoice("", "—")] + [SelectChoice(str(d), str(d)) for d in range(1, 32)]
BOARD_CHOICES = [SelectChoice("", "—")] + [
    SelectChoice(board.code, f"{board.code}: {board.name}") for board in CERTIFYING_BOARDS.values()
]


class RegisterForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password (at least 10 characters)", validators=[DataRequired()])
    full_name = StringField(
        "Full name as it should appear on certificates",
        validators=[DataRequired(), Length(max=200)],
    )
    degree = SelectField("Degree", choices=DEGREE_CHOICES, validators=[DataRequired()])


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired()])
    password = PasswordField("Password", validators=[DataRequired()])


class ConfirmForm(FlaskForm):
    password = PasswordField("Your password", validators=[DataRequired()])


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField("Current password", validators=[DataRequired()])
    new_password = PasswordField(
        "New password (at least 10 characters)", validators=[DataRequired()]
    )


class ForgotPasswordForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])


class ResetPasswordForm(FlaskForm):
    new_password = PasswordField(
        "New password (at least 10 characters)", validators=[DataRequired()]
    )


class EmailChangeForm(FlaskForm):
    email = EmailField("New email address", validators=[DataRequired(), Length(max=254)])
    current_password = PasswordField("Current password", validators=[DataRequired()])


class ProfileForm(FlaskForm):
    full_name = StringField("Full name", validators=[DataRequired(), Length(max=200)])
    degree = SelectField("Degree", choices=DEGREE_CHOICES, validators=[DataRequired()])
    npi = StringField("NPI (National Provider Identifier)")
    license_state = SelectField("Licensing state", choices=STATE_CHOICES)
    license_number = StringField("License number")
    given_name = StringField("Given name(s)")
    family_name = StringField("Family name")
    certifying_board = SelectField("Certifying board", choices=BOARD_CHOICES, validate_choice=False)
    board_id = StringField("Board ID")
    birth_month = SelectField("Birth month", choices=MONTH_CHOICES)
    birth_day = SelectField("Birth day", choices=DAY_CHOICES)
    nabp_eprofile_id = StringField("NABP e-Profile ID (pharmacists)")
    board_report_consent = BooleanField(
        "I allow the provider to report my completions to my certifying and licensing boards."
    )


class EmptyForm(FlaskForm):
    """A form with only the CSRF token, for buttons that POST."""

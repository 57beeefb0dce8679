"""``quizapp user create|role|password`` and ``quizapp demo-admin``.

Flask, the services and the database are imported inside the commands, so that
``quizapp user --help`` and a usage error start in a fraction of a second."""

from __future__ import annotations

import secrets

import click

from quizapp.cli import with_appcontext
from quizapp.content.credits import DEGREES
from quizapp.roles import ROLES

DEMO_ADMIN_EMAIL = "admin@quizapp.example.org"


def _hash_method() -> str:
    from flask import current_app

    from quizapp.accounts import services

    return str(current_app.config.get("PASSWORD_HASH_METHOD", services.DEFAULT_HASH_METHOD))


@click.group("user", help="Create accounts and change roles.")
def user_cli() -> None:
    pass


@user_cli.command("create", help="Create an account; prints a generated password once.")
@click.argument("email")
@click.option("--name", "full_name", default="", help="Full name (default: the email's name part).")
@click.option("--degree", type=click.Choice(DEGREES), default="other", show_default=True)
@click.option("--admin", "make_admin", is_flag=True, help="Give the account the admin role.")
@click.option("--role", type=click.Choice(ROLES), default=None, help="learner, author or admin.")
@with_appcontext
def create_command(
    email: str, full_name: str, degree: str, make_admin: bool, role: str | None
) -> None:
    from quizapp import audit, clock
    from quizapp.accounts import services
    from quizapp.db import get_db

    chosen_role = "admin" if make_admin else (role or "learner")
    password = secrets.token_urlsafe(12)
    try:
        user = services.register(
            get_db(),
            services.Registration(email, password, full_name or email.split("@")[0], degree),
            now=clock.now(),
            role=chosen_role,
            hash_method=_hash_method(),
            actor=audit.CLI,
        )
    except services.AccountError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"Created {user.email} ({chosen_role}). Password, shown only now: {password}")


@user_cli.command("role", help="Set an account's role: learner, author or admin.")
@click.argument("email")
@click.argument("role", type=click.Choice(ROLES))
@with_appcontext
def role_command(email: str, role: str) -> None:
    from quizapp import audit, clock
    from quizapp.accounts import services
    from quizapp.db import get_db

    try:
        user = services.set_role(get_db(), email, role, audit.CLI, now=clock.now())
    except services.AccountError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"{user.email} is now {role}.")


@user_cli.command("password", help="Give an account a new password; prints it once.")
@click.argument("email")
@with_appcontext
def password_command(email: str) -> None:
    from quizapp import audit, clock
    from quizapp.accounts import services
    from quizapp.db import get_db

    password = secrets.token_urlsafe(12)
    try:
        user = services.reset_password(
            get_db(), email, password, audit.CLI, now=clock.now(), hash_method=_hash_method()
        )
    except services.AccountError as error:
        raise click.ClickException(error.message) from None
    click.echo(
        f"New password for {user.email}, shown only now: {password}\n"
        "Every session of this account is signed out."
    )


@click.command("demo-admin", help="Create a demo administrator if the site has none.")
@with_appcontext
def demo_admin_command() -> None:
    from quizapp import audit, clock
    from quizapp.accounts import services
    from quizapp.db import get_db

    with get_db().read_session() as session:
        existing = services.an_admin_email(session)
        demo_role = services.role_of(session, DEMO_ADMIN_EMAIL)
    if existing:
        click.echo(f"An administrator exists ({existing}); no demo account was created.")
        return
    if demo_role is not None:
        # Someone demoted the demo account on purpose; make run must not undo that, nor fail.
        click.echo(
            f"The demo account {DEMO_ADMIN_EMAIL} is now {demo_role} and the site has no "
            "administrator; nothing was created. Give an account the admin role with "
            "`quizapp user role EMAIL admin`."
        )
        return
    password = secrets.token_urlsafe(12)
    services.register(
        get_db(),
        services.Registration(DEMO_ADMIN_EMAIL, password, "Demo Administrator", "other"),
        now=clock.now(),
        role="admin",
        hash_method=_hash_method(),
        actor=audit.CLI,
    )
    click.echo(
        "Demo administrator created. Log in at /login with\n"
        f"  email:    {DEMO_ADMIN_EMAIL}\n"
        f"  password: {password}\n"
        "This password is shown only once."
    )

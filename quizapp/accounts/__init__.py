"""Accounts: registration, sign-in, password and the profile boards need for reporting."""

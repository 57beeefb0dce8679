"""Certificates: frozen statements of credit, their PDF, and public verification."""

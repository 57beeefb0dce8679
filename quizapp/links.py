"""URL paths that are written into stored HTML at sync time, outside any request."""

from __future__ import annotations


def activity_path(slug: str) -> str:
    return f"/activities/{slug}/"


def figure_path(digest: str, name: str) -> str:
    return f"/figures/{digest}/{name}"

"""Authoring: check, sync and scaffold activity folders."""

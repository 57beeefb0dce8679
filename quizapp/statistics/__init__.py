"""Posttest item analysis and its server-rendered charts. Pure code: no Flask, no SQL."""

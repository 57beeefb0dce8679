"""Claiming credit, the learner's activities and transcript."""

"""Exchange with other assessment tools: QTI 2.1 and 3.0 packages, Moodle XML, GIFT, and the
text of a journal's printed posttest.

The writers and readers here are pure: they take and give the parsed posttest model
(:mod:`quizapp.content.model`) and bytes, so the same code serves the ``quizapp content
export|import|import-text`` commands and the author preview's download. What each format
carries and loses is in docs/interoperability.md.
"""

"""The commitment-to-change follow-up: a survey mailed some weeks after a learner's
evaluation, asking whether they made the change they said they would."""

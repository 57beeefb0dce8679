"""Email: the transactional outbox, the messages quizapp sends and their delivery over SMTP."""

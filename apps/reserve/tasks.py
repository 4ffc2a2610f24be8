"""No tasks of its own: a call-out's delivery is the outbox's (apps.messaging.tasks), and
answers are written in the request."""

"""What organisations tell the layers above them, without importing them."""

from django.dispatch import Signal

# A person an organisation registered (an admin invited a new coordinator by email):
# apps.members sends them the article 14 information mail. Sent inside the transaction
# that made them, with `actor`, `organisation` and `user_ids`.
people_registered = Signal()

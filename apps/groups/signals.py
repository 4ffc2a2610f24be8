"""Signals of groups, for the apps above it (groups imports none of them)."""

from django.dispatch import Signal

# Sent when a person has a group's page in front of them (apps.groups.views.group_detail):
# its posts so far are no longer new to them. apps.home records the moment (GroupVisit).
# Arguments: user, group_id.
group_viewed = Signal()

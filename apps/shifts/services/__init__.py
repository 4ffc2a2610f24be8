"""Write paths for events, shifts and sign-ups, split by concern:

planning (coordinators build and cancel), signups (volunteers join and leave),
waitlist (free places go to the people in line).
"""

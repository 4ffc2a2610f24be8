"""Write paths for recruitment, split by concern:

postings (coordinators prepare and publish), pipeline (applications and their moves),
onboarding (the checklist of a new volunteer), interviews, reminders (the daily sweep).
Each service is atomic, writes an audit row and queues mails for after the commit.
"""

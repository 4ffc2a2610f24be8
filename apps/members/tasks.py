"""Adapters: each runs in the schema it was sent from, calls one service, and is safe twice."""

from celery import shared_task

from apps.members.imports.jobs import import_job_run


@shared_task(acks_late=True, ignore_result=True)
def members_import_run(job_id: int) -> None:
    """A member import (apps.members.imports.jobs): a rerun carries on where it stopped."""
    import_job_run(job_id=job_id)

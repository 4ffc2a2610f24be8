from django.db.models import QuerySet

from apps.audit.models import AuditEvent


def audit_events_for(*, target_type: str, target_id: str) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(target_type=target_type, target_id=target_id)

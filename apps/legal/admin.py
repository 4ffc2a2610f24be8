from django.contrib import admin
from django.http import HttpRequest

from apps.legal.models import Consent, DocumentVersion, PrivacyConsent


class ReadOnlyAdmin(admin.ModelAdmin):
    """Published versions and consents are records: support staff read them, nobody edits
    them (the database refuses changes to a version anyway)."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(DocumentVersion)
class DocumentVersionAdmin(ReadOnlyAdmin):
    list_display = ("document", "number", "published_at", "published_by", "is_standard")
    list_filter = ("document",)


@admin.register(PrivacyConsent)
class PrivacyConsentAdmin(ReadOnlyAdmin):
    list_display = ("user", "version", "accepted_at")


@admin.register(Consent)
class ConsentAdmin(ReadOnlyAdmin):
    list_display = ("user", "purpose", "basis", "version", "given_at", "method", "withdrawn_at")
    list_filter = ("purpose", "basis", "method")

"""Django admin: crises and counts only. Helpers' data are for the crisis's coordinators,
through the site's own pages."""

from django.contrib import admin

from apps.crisis.models import Crisis


@admin.register(Crisis)
class CrisisAdmin(admin.ModelAdmin):
    list_display = ("title", "organisation", "started_at", "ended_at", "purged_at")
    readonly_fields = ("started_at", "started_by", "ended_at", "ended_by", "purged_at")

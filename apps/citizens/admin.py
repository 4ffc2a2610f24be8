"""Django admin: programmes and counts only. Referrals are not listed here: their data are
for the programme's coordinators, through the site's own pages (and its audited reads)."""

from django.contrib import admin

from apps.citizens.models import MatchCapacity, Programme


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ("name", "organisation", "funder", "grant_starts_on", "grant_ends_on", "is_open")
    list_filter = ("is_open",)


@admin.register(MatchCapacity)
class MatchCapacityAdmin(admin.ModelAdmin):
    list_display = ("user", "max_matches", "updated_at")

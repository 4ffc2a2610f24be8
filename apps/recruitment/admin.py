from django.contrib import admin

from apps.recruitment.models import (
    AgreementTemplate,
    Application,
    ApplicationEvent,
    Onboarding,
    Posting,
    RecordCheck,
    RecruitmentSettings,
    StatusMeeting,
)


@admin.register(RecruitmentSettings)
class RecruitmentSettingsAdmin(admin.ModelAdmin):
    list_display = ("__str__", "check_renewal_months", "trial_months")


@admin.register(AgreementTemplate)
class AgreementTemplateAdmin(admin.ModelAdmin):
    list_display = ("title", "organisation", "updated_at")


@admin.register(Posting)
class PostingAdmin(admin.ModelAdmin):
    list_display = ("title", "organisation", "status", "opens_on", "closes_on")
    list_filter = ("status",)


class ApplicationEventInline(admin.TabularInline):
    model = ApplicationEvent
    extra = 0
    can_delete = False
    readonly_fields = ("from_status", "to_status", "actor", "at", "note")


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    # The pipeline moves through the services only, so the log stays whole.
    list_display = ("user", "posting", "status", "status_changed_at")
    list_filter = ("status",)
    readonly_fields = ("status", "status_changed_at", "consented_at", "membership")
    inlines = [ApplicationEventInline]


class RecordCheckInline(admin.TabularInline):
    model = RecordCheck
    extra = 0
    readonly_fields = ("valid_until", "reminder_sent_for")


class StatusMeetingInline(admin.TabularInline):
    model = StatusMeeting
    extra = 0


@admin.register(Onboarding)
class OnboardingAdmin(admin.ModelAdmin):
    list_display = ("user", "organisation", "starts_on", "trial_ends_on")
    inlines = [RecordCheckInline, StatusMeetingInline]

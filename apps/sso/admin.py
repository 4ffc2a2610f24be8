from django.contrib import admin

from apps.sso.models import Link, Provider


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "kind", "is_enabled", "grant", "counts_as_second_factor")


@admin.register(Link)
class LinkAdmin(admin.ModelAdmin):
    list_display = ("user", "provider", "created_at", "last_used_at")
    # Who is linked to what is kept as the provider said; editing it would move an identity.
    readonly_fields = ("provider", "user", "issuer", "subject", "created_at", "last_used_at")

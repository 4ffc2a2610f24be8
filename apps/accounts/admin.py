from django.contrib import admin

from apps.accounts.models import User


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ("email", "full_name", "is_owner_admin", "is_staff", "is_active")
    search_fields = ("email", "full_name")
    exclude = ("password",)

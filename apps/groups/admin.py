from django.contrib import admin

from apps.groups.models import Group, GroupMember, Post

# Tenant data is managed from the tenant's own pages; the admin is for support staff.
admin.site.register(Group)
admin.site.register(GroupMember)
admin.site.register(Post)

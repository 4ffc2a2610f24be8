from django.urls import path

from apps.api.views import keys

urlpatterns = [
    path("", keys.keys, name="api-keys"),
    path("<int:key_id>/tilbagekald/", keys.revoke, name="api-key-revoke"),
]

"""The feed's events: the API's public event fields (apps.api) and what a page listing them
needs beyond ids: the full page's address, the organisation's and category's names, and the
free places."""

from rest_framework import serializers

from apps.api.serializers import EventSerializer
from apps.shifts.models import Event
from apps.shifts.selectors import event_url

PRIVATE = {"visibility", "status", "organisation"}  # always public and published here


class FeedEventSerializer(EventSerializer):
    url = serializers.SerializerMethodField()
    organisation_id = serializers.IntegerField(read_only=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    category_name = serializers.CharField(
        source="category.name", read_only=True, allow_null=True, default=None
    )
    free_places = serializers.IntegerField(read_only=True)
    signup_open = serializers.BooleanField(read_only=True)

    class Meta(EventSerializer.Meta):
        fields = [
            *(name for name in EventSerializer.Meta.fields if name not in PRIVATE),
            "organisation_id",
            "organisation_name",
            "category_name",
            "url",
            "free_places",
            "signup_open",
        ]

    def get_url(self, event: Event) -> str:
        return self.context["request"].build_absolute_uri(event_url(event=event))

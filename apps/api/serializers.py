"""What the API shows of each row: plain fields, ids for links, no personal data beyond a
member's name (no email, phone, address or birth year)."""

from django.utils.translation import gettext as _
from rest_framework import serializers

from apps.attendance.models import Attendance
from apps.members.models import Membership
from apps.organisations.models import Organisation
from apps.shifts.models import Category, Event, Shift, SignUp, Task
from kernel import dates

BIGINT = 2**63 - 1


class Day(serializers.DateField):
    """A day within kernel.dates' bounds (1900 to 2199), as the pages' DayField."""

    def to_internal_value(self, value: object) -> object:
        day = super().to_internal_value(value)
        if not dates.FIRST_DAY <= day <= dates.LAST_DAY:
            raise serializers.ValidationError(
                _("Choose a date between %(first)s and %(last)s.")
                % {"first": dates.FIRST_DAY.year, "last": dates.LAST_DAY.year},
                code="out_of_bounds",
            )
        return day


class OrganisationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name", "kind", "description", "contact_email"]


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "name", "slug"]


class EventSerializer(serializers.ModelSerializer):
    category = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)

    class Meta:
        model = Event
        fields = [
            "id",
            "organisation",
            "title",
            "description",
            "category",
            "location_name",
            "address",
            "postcode",
            "area",
            "starts_at",
            "ends_at",
            "visibility",
            "status",
            "suitable_without_experience",
            "contact_name",
            "contact_email",
            "contact_phone",
        ]


class TaskSerializer(serializers.ModelSerializer):
    class Meta:
        model = Task
        fields = ["id", "event", "title", "description", "meeting_point", "min_age", "skills"]


class ShiftSerializer(serializers.ModelSerializer):
    event = serializers.IntegerField(source="task.event_id", read_only=True)
    free_places = serializers.IntegerField(read_only=True)

    class Meta:
        model = Shift
        fields = [
            "id",
            "task",
            "event",
            "starts_at",
            "ends_at",
            "capacity",
            "free_places",
            "waitlist_count",
            "signup_deadline",
            "is_cancelled",
        ]


class SignUpSerializer(serializers.ModelSerializer):
    person = serializers.IntegerField(source="user_id", read_only=True)
    person_name = serializers.CharField(source="user.full_name", read_only=True)

    class Meta:
        model = SignUp
        fields = ["id", "shift", "person", "person_name", "status", "created_at", "is_late"]


class SignUpCreateSerializer(serializers.Serializer):
    shift = serializers.IntegerField(min_value=1, max_value=BIGINT)
    person = serializers.IntegerField(min_value=1, max_value=BIGINT)
    over_workload_ok = serializers.BooleanField(
        default=False,
        help_text="The person has confirmed a sign-up beyond the workload they chose "
        "(refused with code over_workload otherwise).",
    )


class SignUpCancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class MemberSerializer(serializers.ModelSerializer):
    person = serializers.IntegerField(source="user_id", read_only=True)
    name = serializers.CharField(source="user.full_name", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "person", "name", "organisation", "status", "started_on", "ended_on"]


class AttendanceSerializer(serializers.ModelSerializer):
    shift = serializers.IntegerField(source="signup.shift_id", read_only=True)
    person = serializers.IntegerField(source="signup.user_id", read_only=True)
    hours = serializers.DecimalField(max_digits=5, decimal_places=2, read_only=True)

    class Meta:
        model = Attendance
        fields = [
            "id",
            "signup",
            "shift",
            "person",
            "status",
            "hours",
            "checked_in_at",
            "checked_out_at",
        ]


class ListFilters(serializers.Serializer):
    """The filters every list of events, tasks and shifts takes."""

    date_from = Day(required=False, help_text="Only what ends on or after this day.")
    date_to = Day(required=False, help_text="Only what starts on or before this day.")
    organisation = serializers.IntegerField(required=False, min_value=1, max_value=BIGINT)
    category = serializers.SlugField(required=False, help_text="A category's slug.")


class PeriodFilters(serializers.Serializer):
    start = Day(help_text="First day, included.")
    end = Day(help_text="Last day, included (at most 366 days after start).")
    organisation = serializers.IntegerField(required=False, min_value=1, max_value=BIGINT)

    def validate(self, attrs: dict) -> dict:
        days = (attrs["end"] - attrs["start"]).days
        if days < 0 or days > 366:
            raise serializers.ValidationError(
                {"end": [_("The period must end after it starts and last at most 366 days.")]}
            )
        return attrs


class FiguresSerializer(serializers.Serializer):
    hours = serializers.DecimalField(max_digits=12, decimal_places=2)
    attended = serializers.IntegerField()
    volunteers = serializers.IntegerField()
    no_shows = serializers.IntegerField()
    no_show_rate = serializers.FloatField(allow_null=True)
    shifts = serializers.IntegerField()
    capacity = serializers.IntegerField()
    confirmed = serializers.IntegerField()
    fill_rate = serializers.FloatField(allow_null=True)


class MonthFiguresSerializer(FiguresSerializer):
    month = serializers.DateField(source="key")


class KeyedFiguresSerializer(FiguresSerializer):
    id = serializers.IntegerField(source="key", allow_null=True)
    name = serializers.CharField()


class ReportSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    organisation = serializers.IntegerField(allow_null=True)
    totals = FiguresSerializer()
    months = MonthFiguresSerializer(many=True)
    organisations = KeyedFiguresSerializer(many=True)
    categories = KeyedFiguresSerializer(many=True)

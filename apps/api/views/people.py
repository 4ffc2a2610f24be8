"""Sign-ups (read, create, cancel), members and attendance: a key is needed, and an
organisation's key sees its own organisation only."""

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response

from apps.api import selectors, serializers, services
from apps.api.views.base import LANGUAGE_PARAMETER, ApiView, Cursor
from apps.api.views.catalogue import LIST, ONE, Filtered


@extend_schema_view(
    get=LIST,
    post=extend_schema(
        parameters=[LANGUAGE_PARAMETER],
        request=serializers.SignUpCreateSerializer,
        responses={201: serializers.SignUpSerializer},
        description="Sign a person up for a shift, as they would on the marketplace: a place, "
        "or a place in line (status waitlisted) when the shift is full or people wait. "
        "Refusals are 409 problems whose `code` is the page's (closed, started, deadline, "
        "duplicate, members_only, age_unknown, too_young, child_check, overlap, "
        "over_workload). Needs a write key of the shift's organisation.",
    ),
)
class SignUpList(Filtered, generics.ListCreateAPIView):
    """Sign-ups on shifts of the key's organisation (every organisation's for a site-wide key)."""

    serializer_class = serializers.SignUpSerializer
    pagination_class = Cursor
    starts, ends = "shift__starts_at", "shift__ends_at"
    organisation_path = "shift__task__event__organisation_id"
    category_path = "shift__task__event__category__slug"

    def get_queryset(self) -> QuerySet:
        assert self.key is not None  # KeyScope: no public read here
        return self.filter(selectors.signups(key=self.key))

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        assert self.key is not None
        given = serializers.SignUpCreateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        signup = services.api_signup_create(
            key=self.key,
            shift_id=given.validated_data["shift"],
            person_id=given.validated_data["person"],
            over_workload_ok=given.validated_data["over_workload_ok"],
        )
        signup = selectors.signups(key=self.key).get(pk=signup.pk)
        return Response(self.get_serializer(signup).data, status=status.HTTP_201_CREATED)


@extend_schema_view(get=ONE)
class SignUpDetail(ApiView, generics.RetrieveAPIView):
    """One sign-up."""

    serializer_class = serializers.SignUpSerializer

    def get_queryset(self) -> QuerySet:
        assert self.key is not None
        return selectors.signups(key=self.key)


class SignUpCancel(ApiView):
    """Cancel a sign-up."""

    serializer_class = serializers.SignUpCancelSerializer

    @extend_schema(
        parameters=[LANGUAGE_PARAMETER],
        request=serializers.SignUpCancelSerializer,
        responses={200: OpenApiResponse(serializers.SignUpSerializer)},
        description="The person leaves the shift or the line, as with the page's cancel "
        "button (late after the site's deadline; refused with code started once a confirmed "
        "shift has begun). Cancelling twice changes nothing.",
    )
    def post(self, request: Request, pk: int) -> Response:
        assert self.key is not None
        given = serializers.SignUpCancelSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        signup = services.api_signup_cancel(
            key=self.key, signup_id=pk, reason=given.validated_data["reason"]
        )
        signup = selectors.signups(key=self.key).get(pk=signup.pk)
        return Response(serializers.SignUpSerializer(signup).data)


@extend_schema_view(get=ONE)
class MemberList(ApiView, generics.ListAPIView):
    """Memberships of the key's organisation: the member's id and name, status and dates (no
    contact details)."""

    serializer_class = serializers.MemberSerializer
    pagination_class = Cursor

    def get_queryset(self) -> QuerySet:
        assert self.key is not None
        return selectors.members(key=self.key)


@extend_schema_view(get=LIST)
class AttendanceList(Filtered, generics.ListAPIView):
    """Registered attendance on shifts of the key's organisation: status and hours."""

    serializer_class = serializers.AttendanceSerializer
    pagination_class = Cursor
    starts, ends = "signup__shift__starts_at", "signup__shift__ends_at"
    organisation_path = "signup__shift__task__event__organisation_id"
    category_path = "signup__shift__task__event__category__slug"

    def get_queryset(self) -> QuerySet:
        assert self.key is not None
        return self.filter(selectors.attendance(key=self.key))

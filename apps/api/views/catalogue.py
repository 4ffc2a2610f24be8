"""Organisations, categories, events, tasks and shifts: readable without a key where public."""

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics

from apps.api import selectors, serializers
from apps.api.views.base import LANGUAGE_PARAMETER, ApiView, ByStart, Cursor


class Filtered(ApiView):
    """Lists filtered by date, organisation and category (ListFilters); `paths` say which
    fields of the row the filters apply to."""

    starts = "starts_at"
    ends = "ends_at"
    organisation_path = "organisation_id"
    category_path = "category__slug"

    def filter(self, rows: QuerySet) -> QuerySet:
        query = serializers.ListFilters(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        f = query.validated_data
        if "date_from" in f:
            rows = rows.filter(**{f"{self.ends}__gte": selectors.day_start(f["date_from"])})
        if "date_to" in f:
            day_after = selectors.day_start(f["date_to"], next_day=True)
            rows = rows.filter(**{f"{self.starts}__lt": day_after})
        if "organisation" in f:
            rows = rows.filter(**{self.organisation_path: f["organisation"]})
        if "category" in f:
            rows = rows.filter(**{self.category_path: f["category"]})
        return rows


LIST = extend_schema(parameters=[serializers.ListFilters, LANGUAGE_PARAMETER])
ONE = extend_schema(parameters=[LANGUAGE_PARAMETER])


@extend_schema_view(get=extend_schema(parameters=[LANGUAGE_PARAMETER]))
class OrganisationList(ApiView, generics.ListAPIView):
    """Organisations: the approved ones without a key; a key also sees its own organisation."""

    public = True
    serializer_class = serializers.OrganisationSerializer
    pagination_class = Cursor

    def get_queryset(self) -> QuerySet:
        return selectors.organisations(key=self.key)


@extend_schema_view(get=ONE)
class OrganisationDetail(ApiView, generics.RetrieveAPIView):
    """One organisation."""

    public = True
    serializer_class = serializers.OrganisationSerializer

    def get_queryset(self) -> QuerySet:
        return selectors.organisations(key=self.key)


@extend_schema_view(get=ONE)
class CategoryList(ApiView, generics.ListAPIView):
    """The site's event categories (filter events by their slug)."""

    public = True
    serializer_class = serializers.CategorySerializer
    pagination_class = Cursor

    def get_queryset(self) -> QuerySet:
        return selectors.categories()


@extend_schema_view(get=LIST)
class EventList(Filtered, generics.ListAPIView):
    """Events, soonest first. Without a key: published public events of approved organisations. An
    organisation's key also sees all its own events (drafts, members only); a site-wide key sees
    every event."""

    public = True
    serializer_class = serializers.EventSerializer
    pagination_class = ByStart

    def get_queryset(self) -> QuerySet:
        return self.filter(selectors.events(key=self.key))


@extend_schema_view(get=ONE)
class EventDetail(ApiView, generics.RetrieveAPIView):
    """One event."""

    public = True
    serializer_class = serializers.EventSerializer

    def get_queryset(self) -> QuerySet:
        return selectors.events(key=self.key)


@extend_schema_view(get=LIST)
class TaskList(Filtered, generics.ListAPIView):
    """Tasks of the events the caller may see; filters apply to the task's event."""

    public = True
    serializer_class = serializers.TaskSerializer
    pagination_class = Cursor
    starts, ends = "event__starts_at", "event__ends_at"
    organisation_path, category_path = "event__organisation_id", "event__category__slug"

    def get_queryset(self) -> QuerySet:
        return self.filter(selectors.tasks(key=self.key))


@extend_schema_view(get=ONE)
class TaskDetail(ApiView, generics.RetrieveAPIView):
    """One task."""

    public = True
    serializer_class = serializers.TaskSerializer

    def get_queryset(self) -> QuerySet:
        return selectors.tasks(key=self.key)


@extend_schema_view(get=LIST)
class ShiftList(Filtered, generics.ListAPIView):
    """Shifts with their free places, soonest first; filters apply to the shift's times and its
    event."""

    public = True
    serializer_class = serializers.ShiftSerializer
    pagination_class = ByStart
    organisation_path = "task__event__organisation_id"
    category_path = "task__event__category__slug"

    def get_queryset(self) -> QuerySet:
        return self.filter(selectors.shifts(key=self.key))


@extend_schema_view(get=ONE)
class ShiftDetail(ApiView, generics.RetrieveAPIView):
    """One shift with its free places."""

    public = True
    serializer_class = serializers.ShiftSerializer

    def get_queryset(self) -> QuerySet:
        return selectors.shifts(key=self.key)

"""The report's figures for a period: totals, months, organisations and categories."""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from apps.api import serializers
from apps.api.views.base import LANGUAGE_PARAMETER, ApiView
from apps.reports.figures import Period, report_figures


class ReportFigures(ApiView):
    """The yearly report's figures for a period (apps.reports): hours, attendance, no-shows, fill
    rate."""

    serializer_class = serializers.ReportSerializer

    @extend_schema(
        parameters=[serializers.PeriodFilters, LANGUAGE_PARAMETER],
        responses={200: serializers.ReportSerializer},
        description="An organisation's key reports on its own organisation only; a site-wide "
        "key on the whole site, or on one organisation with `organisation`.",
    )
    def get(self, request: Request) -> Response:
        assert self.key is not None
        query = serializers.PeriodFilters(data=request.query_params)
        query.is_valid(raise_exception=True)
        wanted = query.validated_data.get("organisation")
        own = self.key.organisation_id
        if own is not None and wanted not in (None, own):
            raise Http404
        organisation = own or wanted
        period = Period(query.validated_data["start"], query.validated_data["end"])
        figures = report_figures(period, organisation_id=organisation)
        body = {
            "start": period.start,
            "end": period.end,
            "organisation": organisation,
            "totals": figures["totals"],
            "months": figures["months"],
            "organisations": figures["organisations"],
            "categories": figures["categories"],
        }
        return Response(serializers.ReportSerializer(body).data)

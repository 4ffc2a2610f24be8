"""The funder report's pages: the programmes one may report on, one programme's report for a
period (the grant period unless another is asked for), and its XLSX and PDF. Whoever may not
see a programme gets 404 (NotCoordinator), as if it did not exist."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseBadRequest, QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from apps.citizens.models import Programme
from apps.organisations.permissions import NotCoordinator
from apps.reports import charts
from apps.reports.figures import Period
from apps.reports.forms import PeriodForm
from apps.reports.funder.exports import funder_pdf, funder_xlsx, notes
from apps.reports.funder.selectors import (
    default_period,
    funder_programme,
    funder_programmes,
    funder_report_of,
)
from apps.reports.selectors import Scope, report_scope
from apps.reports.services import funder_export_record
from kernel.http import AuthedHttpRequest

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def _scope(request: AuthedHttpRequest) -> Scope:
    scope = report_scope(user=request.user)
    if scope is None:
        raise NotCoordinator
    return scope


def _programme(request: AuthedHttpRequest, programme_id: int) -> Programme:
    programme = funder_programme(scope=_scope(request), programme_id=programme_id)
    if programme is None:
        raise NotCoordinator
    return programme


def _period(request: AuthedHttpRequest, programme: Programme) -> tuple[PeriodForm, Period]:
    asked = any(request.GET.get(name) for name in ("year", "start", "end"))
    form = PeriodForm(request.GET if asked else None)
    if asked:
        return form, form.period(timezone.localdate())
    return form, default_period(programme=programme, today=timezone.localdate())


@login_required
def funder_list(request: AuthedHttpRequest) -> HttpResponse:
    programmes = list(funder_programmes(scope=_scope(request)))
    return render(request, "reports/funder_list.html", {"programmes": programmes})


@login_required
def funder_page(request: AuthedHttpRequest, programme_id: int) -> HttpResponse:
    programme = _programme(request, programme_id)
    form, period = _period(request, programme)
    context: dict[str, Any] = {
        "form": form,
        "programme": programme,
        "notes": notes(),
        "months_headings": [_("Received"), _("Matched"), _("Ended")],
        "received_headings": [_("Received")],
        "ended_headings": [_("Ended")],
        "evaluation_headings": [_("Responses"), _("Average score")],
    }
    if form.is_bound and not form.is_valid():
        return render(request, "reports/funder.html", context, status=400)
    report = funder_report_of(programme=programme, period=period)
    context.update(
        report=report,
        totals=report["totals"],
        period=period,
        query=_query(period),
        months_chart=_chart(
            charts.month_columns(_bars(report["months"], "received"), "bar"),
            report["months"],
            "received",
        ),
        ages_chart=_chart(
            charts.horizontal_bars(_bars(report["age_bands"], "received"), "bar"),
            report["age_bands"],
            "received",
        ),
        month_rows=_rows(report["months"], "received", "matched", "ended"),
        age_rows=_rows(report["age_bands"], "received"),
        reason_rows=_rows(report["reasons"], "ended"),
        evaluation_rows=_rows(report["evaluation"], "responses", "average"),
        reasons_chart=_chart(
            charts.horizontal_bars(_bars(report["reasons"], "ended"), "bar"),
            report["reasons"],
            "ended",
        ),
    )
    return render(request, "reports/funder.html", context)


def _rows(rows: list[dict[str, Any]], *fields: str) -> list[dict[str, Any]]:
    return [{**row, "cells": [row[field] for field in fields]} for row in rows]


def _bars(rows: list[dict[str, Any]], field: str) -> list[dict[str, Any]]:
    # A hidden cell is drawn as nothing; its label says "<3" or "*", as in the table.
    return [{"name": row["name"], "bar": row[field].bar} for row in rows]


def _chart(chart: dict[str, Any], rows: list[dict[str, Any]], field: str) -> dict[str, Any]:
    for bar, row in zip(chart["bars"], rows, strict=False):
        bar["value"] = row[field].text
    return chart


def _query(period: Period) -> str:
    params = QueryDict(mutable=True)
    params["start"], params["end"] = period.start.isoformat(), period.end.isoformat()
    return params.urlencode()


@login_required
def funder_export(request: AuthedHttpRequest, programme_id: int, file_format: str) -> HttpResponse:
    programme = _programme(request, programme_id)
    if file_format not in CONTENT_TYPES:
        raise Http404
    form, period = _period(request, programme)
    if form.is_bound and not form.is_valid():
        problems = [str(e) for errors in form.errors.values() for e in errors]
        return HttpResponseBadRequest(" ".join(problems), content_type="text/plain; charset=utf-8")
    report = funder_report_of(programme=programme, period=period)
    if file_format == "xlsx":
        body = funder_xlsx(report)
    else:
        body = funder_pdf(report, tenant=request.tenant)
    funder_export_record(
        actor=request.user, file_format=file_format, programme=programme, period=period
    )
    label = slugify(programme.name) or programme.pk
    name = f"{_('funder-report')}-{label}-{period.start}-{period.end}"
    response = HttpResponse(body, content_type=CONTENT_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="{name}.{file_format}"'
    return response

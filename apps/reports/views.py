"""Report pages and exports for coordinators (their organisations) and the system-owner
admin (every organisation, or one). Everyone else gets 404 (NotCoordinator), and so does a
coordinator who asks for an organisation that is not theirs, as if it did not exist."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from apps.organisations.models import Organisation
from apps.organisations.permissions import NotCoordinator
from apps.reports import charts
from apps.reports.exports import report_csv, report_xlsx
from apps.reports.figures import Period
from apps.reports.forms import PeriodForm
from apps.reports.pdf import report_pdf
from apps.reports.selectors import Scope, report, report_scope
from apps.reports.services import report_export_record
from kernel.http import AuthedHttpRequest

# Rows per breakdown table on the page; the exports have every row.
PAGE_ROWS = 25
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def _scope(request: AuthedHttpRequest) -> Scope:
    scope = report_scope(user=request.user)
    if scope is None:
        raise NotCoordinator
    return scope


def _organisation(scope: Scope, params: QueryDict) -> Organisation | None:
    """The organisation asked for, if this person may see it; 404 otherwise."""
    raw = params.get("organisation", "")
    if raw == "":
        default = scope.default()
        return _find(scope, default) if default is not None else None
    try:
        wanted = int(raw)
    except ValueError:
        raise Http404 from None
    if not scope.allows(wanted):
        raise Http404
    return _find(scope, wanted)


def _find(scope: Scope, organisation_id: int) -> Organisation:
    return next(o for o in scope.organisations if o.pk == organisation_id)


def _period(request: HttpRequest, scope: Scope) -> tuple[PeriodForm, Period]:
    form = PeriodForm(
        request.GET or None, organisations=scope.organisations, sees_all=scope.sees_all
    )
    return form, form.period(timezone.localdate())


@login_required
def report_page(request: AuthedHttpRequest) -> HttpResponse:
    scope = _scope(request)
    organisation = _organisation(scope, request.GET)
    form, period = _period(request, scope)
    if form.is_bound and not form.is_valid():
        # Say what is wrong, and show no figures of another period than the one asked for.
        context_error = {"form": form, "scope": scope, "organisation": organisation}
        return render(request, "reports/report.html", context_error, status=400)
    figures = report(period=period, organisation_id=organisation.pk if organisation else None)
    context: dict[str, Any] = {
        "form": form,
        "scope": scope,
        "organisation": organisation,
        "report": figures,
        "totals": figures["totals"],
        "period": period,
        "query": _query(period, organisation),
        "page_rows": PAGE_ROWS,
        "events": figures["events"][:PAGE_ROWS],
        "volunteers": figures["volunteers"][:PAGE_ROWS],
        "months_chart": charts.month_columns(figures["months"], "hours", 1),
        "organisations_chart": charts.horizontal_bars(figures["organisations"], "hours", 1),
        "categories_chart": charts.horizontal_bars(figures["categories"], "hours", 1),
        "rates_chart": charts.rate_bars(figures["totals"]),
    }
    return render(request, "reports/report.html", context)


def _query(period: Period, organisation: Organisation | None) -> str:
    params = QueryDict(mutable=True)
    if period.is_year:
        params["year"] = str(period.start.year)
    else:
        params["start"], params["end"] = period.start.isoformat(), period.end.isoformat()
    if organisation is not None:
        params["organisation"] = str(organisation.pk)
    return params.urlencode()


@login_required
def report_export(request: AuthedHttpRequest, file_format: str) -> HttpResponse:
    scope = _scope(request)
    if file_format not in CONTENT_TYPES:
        raise Http404
    organisation = _organisation(scope, request.GET)
    form, period = _period(request, scope)
    if form.is_bound and not form.is_valid():
        problems = [str(e) for errors in form.errors.values() for e in errors]
        return HttpResponseBadRequest(" ".join(problems), content_type="text/plain; charset=utf-8")
    figures = report(period=period, organisation_id=organisation.pk if organisation else None)
    scope_name = organisation.name if organisation else _("All organisations")
    if file_format == "csv":
        body = report_csv(figures)
    elif file_format == "xlsx":
        body = report_xlsx(figures)
    else:
        body = report_pdf(figures, tenant=request.tenant, scope_name=scope_name)
    report_export_record(
        actor=request.user, file_format=file_format, period=period, organisation=organisation
    )
    label = str(period.start.year) if period.is_year else f"{period.start}-{period.end}"
    name = f"{_('report')}-{slugify(scope_name) or 'all'}-{label}"
    response = HttpResponse(body, content_type=CONTENT_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="{name}.{file_format}"'
    return response

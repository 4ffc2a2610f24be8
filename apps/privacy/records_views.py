"""The controller's records, for the site's system-owner admins: the audit log (filtered,
paged, exported to CSV) and the record of processing activities (article 30)."""

import csv
import io
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.audit.models import AuditEvent
from apps.audit.services import audit_record
from apps.members.exports import safe_text
from apps.privacy.selectors import (
    AUDIT_PAGE_SIZE,
    audit_action_label,
    audit_actions,
    audit_events,
    processing_record,
)
from kernel.forms import DayField
from kernel.http import AuthedHttpRequest, require_site_admin
from tenants.selectors import current_tenant


class AuditFilterForm(forms.Form):
    person = forms.CharField(
        label=gettext_lazy("Person (email or name)"), required=False, max_length=254
    )
    action = forms.ChoiceField(label=gettext_lazy("Action"), required=False)
    date_from = DayField(
        label=gettext_lazy("From date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = DayField(
        label=gettext_lazy("To date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args: Any, actions: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("All actions")), *actions]  # type: ignore[attr-defined]


def _filtered(
    request: AuthedHttpRequest,
) -> tuple[AuditFilterForm, QuerySet[AuditEvent], dict[str, Any]]:
    """The filter form and the rows it selects (all rows while the form is not valid)."""
    form = AuditFilterForm(request.GET or None, actions=audit_actions())
    filters: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    rows = audit_events(
        person=filters.get("person", ""),
        action=filters.get("action", ""),
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
    )
    return form, rows, filters


@login_required
def audit_log(request: AuthedHttpRequest) -> HttpResponse:
    """Every audit row of this site, newest first, 50 a page."""
    require_site_admin(request)
    form, rows, _filters = _filtered(request)
    page: Page[AuditEvent] = Paginator(rows, AUDIT_PAGE_SIZE).get_page(request.GET.get("side"))
    entries = [(event, audit_action_label(event.action)) for event in page.object_list]
    query = {k: v for k, v in request.GET.items() if k != "side" and v}
    context = {
        "form": form,
        "page": page,
        "entries": entries,
        "query": urlencode(query),
    }
    return render(request, "privacy/audit_log.html", context)


@login_required
def audit_log_csv(request: AuthedHttpRequest) -> HttpResponse:
    """The filtered rows as CSV (UTF-8 with BOM, `;`), itself written to the log."""
    require_site_admin(request)
    _form, rows, filters = _filtered(request)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([_("Time"), _("Person"), _("Action"), _("Code"), _("Object"), _("Id")])
    count = 0
    for event in rows.iterator():
        count += 1
        writer.writerow(
            [
                timezone.localtime(event.created_at).isoformat(timespec="seconds"),
                safe_text(event.actor),
                safe_text(audit_action_label(event.action)),
                event.action,
                event.target_type,
                event.target_id,
            ]
        )
    used = {name: str(value) for name, value in filters.items() if value}
    audit_record(actor=request.user, action="audit.exported", rows=count, filters=used)
    response = HttpResponse(
        out.getvalue().encode("utf-8-sig"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="revisionslog.csv"'
    return response


@login_required
def processing_record_page(request: AuthedHttpRequest) -> HttpResponse:
    """Fortegnelse over behandlingsaktiviteter: printable, and downloadable as HTML or CSV
    (?format=html / ?format=csv)."""
    require_site_admin(request)
    tenant = current_tenant()
    sections = processing_record(tenant=tenant)
    context = {"tenant": tenant, "sections": sections, "today": timezone.localdate()}
    kind = request.GET.get("format", "")
    if kind == "csv":
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
        writer.writerow([_("Section"), _("Item"), _("Description")])
        for section in sections:
            for label, text in section.lines:
                writer.writerow([section.title, safe_text(label), safe_text(text)])
        body = out.getvalue().encode("utf-8-sig")
        response = HttpResponse(body, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="fortegnelse.csv"'
    elif kind == "html":
        html = render_to_string("privacy/processing_record_document.html", context, request)
        response = HttpResponse(html, content_type="text/html; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="fortegnelse.html"'
    else:
        return render(request, "privacy/processing_record.html", context)
    audit_record(actor=request.user, action="audit.processing_record_downloaded", format=kind)
    return response

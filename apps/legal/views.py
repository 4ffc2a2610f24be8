from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from apps.legal.forms import DocumentForm
from apps.legal.models import Document
from apps.legal.selectors import current_version, document_version, document_versions
from apps.legal.services import document_publish, placeholders, tenant_standard_text
from kernel.forms import add_service_error
from kernel.http import AuthedHttpRequest, require_site_admin
from kernel.markdown import markdown_to_html
from tenants.selectors import current_tenant

PUBLIC_URL = {
    Document.PRIVACY: ("privacy-notice", "privacy-notice-version"),
    Document.ACCESSIBILITY: ("accessibility-statement", "accessibility-statement-version"),
}
EDIT_URL = {
    Document.PRIVACY: "legal-edit-privacy",
    Document.ACCESSIBILITY: "legal-edit-accessibility",
}


def privacy_notice(request: HttpRequest, number: int | None = None) -> HttpResponse:
    """Public, also for anonymous visitors: the current version, or an older one."""
    return _document_page(request, Document.PRIVACY, number)


def accessibility_statement(request: HttpRequest, number: int | None = None) -> HttpResponse:
    return _document_page(request, Document.ACCESSIBILITY, number)


def _document_page(request: HttpRequest, document: str, number: int | None) -> HttpResponse:
    current = current_version(document=document)
    shown = current if number is None else document_version(document=document, number=number)
    if number is not None and shown is None:
        raise Http404
    context = {
        "document": Document(document),
        "version": shown,
        "current": current,
        "versions": document_versions(document=document),
        "current_url": PUBLIC_URL[Document(document)][0],
        "version_url": PUBLIC_URL[Document(document)][1],
    }
    return render(request, "legal/document.html", context)


@login_required
def legal_settings(request: AuthedHttpRequest) -> HttpResponse:
    require_site_admin(request)
    rows = []
    for document in Document:
        version = current_version(document=document)
        rows.append(
            {
                "document": document,
                "version": version,
                "placeholders": placeholders(version.body_markdown) if version else [],
                "edit_url": EDIT_URL[document],
                "public_url": PUBLIC_URL[document][0],
            }
        )
    return render(request, "legal/settings.html", {"rows": rows})


@login_required
def legal_edit(request: AuthedHttpRequest, document: str) -> HttpResponse:
    """Write, preview, publish. Publishing makes a new version; the old ones stay."""
    require_site_admin(request)
    document = Document(document)
    current = current_version(document=document)
    initial = (
        current.body_markdown
        if current
        else tenant_standard_text(document, tenant=current_tenant())
    )
    form = DocumentForm(request.POST or None, initial={"body_markdown": initial})
    preview = ""
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["body_markdown"]
        if request.POST.get("action") == "publish":
            try:
                version = document_publish(
                    document=document, body_markdown=text, actor=request.user
                )
            except ValidationError as error:
                add_service_error(form, error, {})
            else:
                messages.success(
                    request,
                    _("Version %(number)s is published.") % {"number": version.number},
                )
                return redirect(EDIT_URL[document])
        else:
            preview = markdown_to_html(text)
    text = form.data.get("body_markdown", "") if form.is_bound else initial
    context = {
        "document": document,
        "form": form,
        "current": current,
        "preview": preview,
        "placeholders": placeholders(text),
        "public_url": PUBLIC_URL[document][0],
    }
    return render(request, "legal/edit.html", context, status=400 if form.errors else 200)

from django.urls import path

from apps.legal import views
from apps.legal.models import Document

urlpatterns = [
    path("privatliv/", views.privacy_notice, name="privacy-notice"),
    path("privatliv/<int:number>/", views.privacy_notice, name="privacy-notice-version"),
    path("tilgaengelighed/", views.accessibility_statement, name="accessibility-statement"),
    path(
        "tilgaengelighed/<int:number>/",
        views.accessibility_statement,
        name="accessibility-statement-version",
    ),
    path("indstillinger/juridisk/", views.legal_settings, name="legal-settings"),
    path(
        "indstillinger/juridisk/privatliv/",
        views.legal_edit,
        {"document": Document.PRIVACY},
        name="legal-edit-privacy",
    ),
    path(
        "indstillinger/juridisk/tilgaengelighed/",
        views.legal_edit,
        {"document": Document.ACCESSIBILITY},
        name="legal-edit-accessibility",
    ),
]

from django.contrib.auth.views import LogoutView
from django.urls import path

from console import billing_views, dunning_views, offboarding_views, views

urlpatterns = [
    path("", views.tenant_list, name="home"),
    path("log-ind/", views.SignInView.as_view(), name="login"),
    path("log-ud/", LogoutView.as_view(), name="logout"),
    path("plans/", billing_views.plan_list, name="plan-list"),
    path("plans/new/", billing_views.plan_edit, name="plan-create"),
    path("plans/<int:pk>/", billing_views.plan_edit, name="plan-edit"),
    path("tenants/new/", views.tenant_create, name="tenant-create"),
    path("tenants/new/<int:pk>/", views.tenant_job, name="tenant-job"),
    path("tenants/<int:pk>/", views.tenant_detail, name="tenant-detail"),
    path("tenants/<int:pk>/status/", views.tenant_status, name="tenant-status"),
    path("tenants/<int:pk>/branding/", views.tenant_branding, name="tenant-branding"),
    path("tenants/<int:pk>/messages/", views.tenant_messaging, name="tenant-messaging"),
    path("tenants/<int:pk>/billing/", billing_views.tenant_billing, name="tenant-billing"),
    path(
        "tenants/<int:pk>/billing/invoices/<int:number>.xml",
        billing_views.invoice_einvoice,
        name="tenant-invoice-xml",
    ),
    path(
        "tenants/<int:pk>/billing/invoices/<int:number>/send/",
        billing_views.invoice_einvoice_send_view,
        name="tenant-invoice-send",
    ),
    path(
        "tenants/<int:pk>/billing/plan/",
        billing_views.tenant_billing_plan,
        name="tenant-billing-plan",
    ),
    path(
        "tenants/<int:pk>/billing/status/",
        billing_views.tenant_billing_status,
        name="tenant-billing-status",
    ),
    path(
        "tenants/<int:pk>/billing/payment/",
        billing_views.tenant_billing_payment,
        name="tenant-billing-payment",
    ),
    path(
        "tenants/<int:pk>/billing/grace/",
        dunning_views.tenant_billing_grace,
        name="tenant-billing-grace",
    ),
    path(
        "tenants/<int:pk>/billing/paid/",
        dunning_views.tenant_invoice_paid,
        name="tenant-invoice-paid",
    ),
    path(
        "tenants/<int:pk>/billing/stripe/",
        billing_views.tenant_billing_stripe,
        name="tenant-billing-stripe",
    ),
    path(
        "tenants/<int:pk>/offboarding/",
        offboarding_views.tenant_offboarding,
        name="tenant-offboarding",
    ),
    path(
        "tenants/<int:pk>/export/",
        offboarding_views.tenant_export_request,
        name="tenant-export",
    ),
    path("tenants/<int:pk>/cancel/", offboarding_views.tenant_cancel_view, name="tenant-cancel"),
    path("tenants/<int:pk>/purge/", offboarding_views.tenant_purge_view, name="tenant-purge"),
    path(
        "exports/<int:pk>/<str:token>/", offboarding_views.export_download, name="export-download"
    ),
    path("tenants/<int:pk>/sso/", views.tenant_sso, name="tenant-sso"),
    path("tenants/<int:pk>/sso/new/", views.tenant_sso_provider, name="tenant-sso-create"),
    path(
        "tenants/<int:pk>/sso/<int:provider_pk>/",
        views.tenant_sso_provider,
        name="tenant-sso-provider",
    ),
]

from django.apps import AppConfig


class LegalConfig(AppConfig):
    name = "apps.legal"
    label = "legal"
    verbose_name = "Legal pages"

    def ready(self) -> None:
        from apps.legal.receivers import standard_pages_publish  # models must be loaded first
        from tenants.signals import tenant_provisioned

        tenant_provisioned.connect(standard_pages_publish, dispatch_uid="legal.standard_pages")

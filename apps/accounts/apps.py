from importlib import import_module

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "apps.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        import_module(f"{self.name}.messages")  # declares this app's kinds of message
        from apps.accounts.receivers import first_admin_invite  # models must be loaded first
        from tenants.signals import tenant_provisioned

        tenant_provisioned.connect(first_admin_invite, dispatch_uid="accounts.first_admin")

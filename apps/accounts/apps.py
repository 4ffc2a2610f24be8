from importlib import import_module

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "apps.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        import_module(f"{self.name}.messages")  # declares this app's kinds of message
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from apps.accounts.receivers import (  # models must be loaded first
            first_admin_invite,
            sign_in_failed,
            signed_in,
        )
        from tenants.signals import tenant_provisioned

        tenant_provisioned.connect(first_admin_invite, dispatch_uid="accounts.first_admin")
        user_logged_in.connect(signed_in, dispatch_uid="accounts.audit_signed_in")
        user_login_failed.connect(sign_in_failed, dispatch_uid="accounts.audit_sign_in_failed")

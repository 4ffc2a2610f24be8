from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tenants.utils import schema_context

from apps.accounts.models import User


class Command(BaseCommand):
    help = "Give a vendor staff member a TOTP device and print the otpauth:// URI for their app."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--name", default="authenticator app")

    def handle(self, *args, **options):
        with schema_context("public"):
            user = User.objects.filter(email=options["email"].lower(), is_staff=True).first()
            if user is None:
                raise CommandError(f"No vendor staff member with the email {options['email']}.")
            device = TOTPDevice.objects.create(user=user, name=options["name"], confirmed=True)
        self.stdout.write("Add this to the authenticator app (or make a QR code of it):")
        self.stdout.write(device.config_url)

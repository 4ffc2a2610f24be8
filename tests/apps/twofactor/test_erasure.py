"""Erasing a person (apps.privacy) removes their second factors: an app's secret key, a
passkey's public key and recovery codes all belong to them."""

import pytest
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tenants.utils import tenant_context

from apps.privacy.services.erasure import person_erase
from tests.personas import person
from tests.twofactor import app_device

pytestmark = pytest.mark.django_db


def test_it_forgets_the_second_factors_of_an_erased_person(nyborg, nanna):
    with tenant_context(nyborg):
        frida, else_ = person("Frida"), person("Else")
        for someone in (frida, else_):
            app_device(someone)
            StaticDevice.objects.create(user=someone, name="recovery")
        person_erase(actor=nanna, user=frida, reason="Anmodning")
        assert not TOTPDevice.objects.filter(user=frida).exists()
        assert not StaticDevice.objects.filter(user=frida).exists()
        assert TOTPDevice.objects.filter(user=else_).exists()  # nobody else's

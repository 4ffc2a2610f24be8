"""Whether a person has a second factor and must use one: one query, asked on every page
of a session no device has verified (every page a volunteer without one sees)."""

import pytest
from django_otp_webauthn.models import WebAuthnCredential
from django_tenants.utils import tenant_context

from apps.organisations.models import OrganisationRole
from apps.twofactor.selectors import second_factor_state
from tests.personas import person
from tests.twofactor import app_device

pytestmark = pytest.mark.django_db


def test_it_tells_who_has_and_who_must_in_one_query(nyborg, roklub, django_assert_num_queries):
    with tenant_context(nyborg):
        frida, kim, admin = person("Frida"), person("Kim"), person("Ada", is_owner_admin=True)
        OrganisationRole.objects.create(organisation=roklub, user=kim, role="coordinator")
        app_device(frida)
        with django_assert_num_queries(1):
            assert second_factor_state(user=frida, coordinators_too=False) == (True, False)
        assert second_factor_state(user=kim, coordinators_too=False) == (False, False)
        assert second_factor_state(user=kim, coordinators_too=True) == (False, True)
        assert second_factor_state(user=admin, coordinators_too=False) == (False, True)
        WebAuthnCredential.objects.create(user=kim, confirmed=True)
        assert second_factor_state(user=kim, coordinators_too=False) == (True, False)

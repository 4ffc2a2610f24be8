import pytest
from django.core.management import CommandError, call_command
from django_otp.oath import totp

pytestmark = pytest.mark.django_db


def test_it_gives_staff_a_working_second_factor(vera, console_client, capsys):
    from tests.conftest import PASSWORD

    call_command("console_totp", vera.email)
    uri = capsys.readouterr().out.strip().splitlines()[-1]
    assert uri.startswith("otpauth://totp/") and "Tovholder" in uri
    device = vera.totpdevice_set.get()
    response = console_client.post(
        "/log-ind/",
        {"username": vera.email, "password": PASSWORD, "otp_token": f"{totp(device.bin_key):06d}"},
    )
    assert response.status_code == 302


def test_it_refuses_a_person_who_is_not_staff(nanna):
    with pytest.raises(CommandError, match="No vendor staff"):
        call_command("console_totp", nanna.email)


def test_it_provisions_from_the_command_line(capsys):
    call_command(
        "provision_tenant",
        "roskilde",
        name="Roskilde Kommune",
        admin_email="rasmus@roskilde.dk",
        admin_name="Rasmus",
    )
    assert "roskilde.localhost" in capsys.readouterr().out


def test_it_reports_bad_input_from_the_command_line():
    with pytest.raises(CommandError, match="slug"):
        call_command("provision_tenant", "www", name="X", admin_email="x@x.dk", admin_name="X")

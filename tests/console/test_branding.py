import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tenants.models import Tenant
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def vera_client(console_client, vera):
    return signed_in(console_client, vera, None)


def branding(**overrides):
    return {
        "primary_colour": "#2b4a1f",
        "accent_colour": "#8b2a2a",
        "welcome_text": "Hej",
        **overrides,
    }


def test_it_stores_the_logo_under_the_tenants_prefix(vera_client, nyborg, media, nyborg_client):
    logo = SimpleUploadedFile("byvåben.png", PNG, content_type="image/png")
    response = vera_client.post(f"/tenants/{nyborg.pk}/branding/", branding(logo=logo))
    assert response.status_code == 302
    assert (media / "platform" / "branding" / "nyborg" / "logo.png").read_bytes() == PNG
    page = nyborg_client.get("/").content.decode()
    assert 'src="/media/platform/branding/nyborg/logo.png"' in page
    assert 'href="/brand.css?v=2b4a1f8b2a2a"' in page  # a new colour is a new URL
    assert "--brand-primary: #2b4a1f" in nyborg_client.get("/brand.css").content.decode()


def test_it_refuses_a_logo_that_is_not_an_image(vera_client, nyborg, media):
    fake = SimpleUploadedFile("logo.png", b"<svg onload=alert(1)>", content_type="image/png")
    response = vera_client.post(f"/tenants/{nyborg.pk}/branding/", branding(logo=fake))
    assert response.status_code == 400
    assert "PNG-, JPEG- eller WebP" in response.content.decode()
    assert not (media / "platform").exists()


def test_it_refuses_a_logo_that_is_too_big(vera_client, nyborg, media):
    big = SimpleUploadedFile("logo.png", PNG + b"\x00" * 600_000, content_type="image/png")
    response = vera_client.post(f"/tenants/{nyborg.pk}/branding/", branding(logo=big))
    assert response.status_code == 400 and "512 KB" in response.content.decode()


def test_it_refuses_colours_without_enough_contrast_and_keeps_the_old_ones(vera_client, nyborg):
    response = vera_client.post(
        f"/tenants/{nyborg.pk}/branding/", branding(accent_colour="#f0e68c")
    )
    assert response.status_code == 400 and "kontrast" in response.content.decode()
    assert Tenant.objects.get(pk=nyborg.pk).accent_colour == nyborg.accent_colour

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django_tenants.utils import tenant_context

from kernel.storage import TenantS3Storage

pytestmark = pytest.mark.django_db


def test_it_puts_uploads_under_the_tenants_prefix(settings, tmp_path, nyborg, aarhus):
    settings.MEDIA_ROOT = str(tmp_path)
    storage = storages.create_storage(settings.STORAGES["default"])
    with tenant_context(nyborg):
        name = storage.save("uploads/plakat.pdf", ContentFile(b"%PDF-1.4"))
        assert storage.url(name).startswith("/media/nyborg/")
    assert (tmp_path / "nyborg" / name).read_bytes() == b"%PDF-1.4"
    with tenant_context(aarhus):
        assert not storage.exists(name)  # Aarhus cannot reach Nyborg's file by its name


def test_it_prefixes_s3_keys_with_the_schema_of_the_moment(nyborg, aarhus):
    storage = TenantS3Storage(bucket_name="tovholder-files")
    with tenant_context(nyborg):
        assert storage._normalize_name("uploads/plakat.pdf") == "nyborg/uploads/plakat.pdf"
    with tenant_context(aarhus):
        assert storage._normalize_name("uploads/plakat.pdf") == "visitaarhus/uploads/plakat.pdf"


def test_it_keeps_cache_entries_apart_per_tenant(nyborg, aarhus):
    from django.core.cache import cache

    with tenant_context(nyborg):
        cache.set("front-page", "Nyborg")
    with tenant_context(aarhus):
        assert cache.get("front-page") is None
    with tenant_context(nyborg):
        assert cache.get("front-page") == "Nyborg"
        cache.delete("front-page")

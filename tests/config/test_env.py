import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env


def test_it_reads_a_secret_from_a_file(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("s3cret\n")
    monkeypatch.delenv("STRIPE_KEY", raising=False)
    monkeypatch.setenv("STRIPE_KEY_FILE", str(secret))
    assert env("STRIPE_KEY") == "s3cret"


def test_it_prefers_the_plain_variable_over_the_file(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("from-file")
    monkeypatch.setenv("STRIPE_KEY", "from-env")
    monkeypatch.setenv("STRIPE_KEY_FILE", str(secret))
    assert env("STRIPE_KEY") == "from-env"


def test_it_names_a_missing_secret_file(monkeypatch):
    monkeypatch.delenv("STRIPE_KEY", raising=False)
    monkeypatch.setenv("STRIPE_KEY_FILE", "/nonexistent/secret")
    with pytest.raises(ImproperlyConfigured, match="STRIPE_KEY_FILE"):
        env("STRIPE_KEY")

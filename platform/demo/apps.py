from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data for `make run` (`manage.py seed_demo`). The top layer below config: it may
    import every app, and nothing imports it."""

    name = "demo"
    label = "demo"
    verbose_name = "Demo data"

from django.apps import AppConfig


class EmbedConfig(AppConfig):
    name = "apps.embed"
    label = "embed"

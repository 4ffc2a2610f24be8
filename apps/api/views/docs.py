"""The readable docs: Swagger UI from drf-spectacular-sidecar's vendored files (no CDN), its
start-up script as a file of its own (the CSP allows no inline script or style)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.views import SpectacularSwaggerSplitView


class SwaggerView(SpectacularSwaggerSplitView):
    template_name = "api/swagger_ui.html"
    title = "Tovholder API"


class ApiKeyScheme(OpenApiAuthenticationExtension):
    """The key as the OpenAPI document describes it: a bearer token."""

    target_class = "apps.api.auth.ApiKeyAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema: object) -> dict:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API key made on the page API-nøgler: `Authorization: Bearer tvh_…`",
        }

    def get_security_requirement(self, auto_schema: object) -> list[dict]:
        # The public read: a key is optional (it widens what is seen), so {} is allowed too.
        view, method = getattr(auto_schema, "view", None), getattr(auto_schema, "method", "")
        if getattr(view, "public", False) and method == "GET":
            return [{self.name: []}, {}]
        return [{self.name: []}]

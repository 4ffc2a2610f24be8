from django.http import HttpRequest


def platform(request: HttpRequest) -> dict[str, object]:
    tenant = getattr(request, "tenant", None)
    is_public = tenant is None or tenant.schema_name == "public"
    return {"tenant": None if is_public else tenant, "is_console": is_public}

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation


def unknown_host(request: HttpRequest) -> HttpResponse:
    """No system owner has this host name: say so kindly instead of a bare 404."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    with translation.override(language):
        return render(
            request, "tenants/unknown_host.html", {"host": request.get_host()}, status=404
        )

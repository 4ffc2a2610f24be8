"""What every API view shares: the request's language, ETags, cursor pagination."""

import hashlib
import json
from typing import Any

from django.http import HttpResponseBase, HttpResponseNotModified
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation.trans_real import parse_accept_lang_header
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.utils.encoders import JSONEncoder

from apps.api.models import ApiKey

LANGUAGES = ("da", "en")


class Cursor(CursorPagination):
    """Opaque `next`/`previous` links; stable while rows are added (unlike page numbers)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering: tuple[str, ...] = ("id",)


class ByStart(Cursor):
    ordering = ("starts_at", "id")


LANGUAGE_PARAMETER = OpenApiParameter(
    "Accept-Language",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="da or en: the language of messages (default: the site's).",
)


class ApiView(generics.GenericAPIView):
    """Answers in the language of Accept-Language when it names da or en (the site's own
    otherwise); GETs carry an ETag, and If-None-Match with the same tag gets a 304."""

    public = False  # answers without a key (the public read)

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        for code, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
            language = code.split("-")[0].lower()
            if language in LANGUAGES:
                translation.activate(language)
                request._request.LANGUAGE_CODE = language
                break
        super().initial(request, *args, **kwargs)

    @property
    def key(self) -> ApiKey | None:
        auth = self.request.auth
        return auth if isinstance(auth, ApiKey) else None

    def finalize_response(
        self, request: Request, response: HttpResponseBase, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        response = super().finalize_response(request, response, *args, **kwargs)
        patch_vary_headers(response, ("Authorization", "Accept-Language"))
        response["Content-Language"] = translation.get_language()
        if request.method == "GET" and response.status_code == 200:
            response = _with_etag(request, response)
        return response


def _with_etag(request: Request, response: HttpResponseBase) -> HttpResponseBase:
    data = getattr(response, "data", None)
    body = json.dumps(data, cls=JSONEncoder, sort_keys=True, ensure_ascii=False)
    language = translation.get_language()
    tag = 'W/"' + hashlib.sha256(f"{language}\n{body}".encode()).hexdigest()[:32] + '"'
    wanted = {t.strip() for t in request.headers.get("If-None-Match", "").split(",")}
    if tag in wanted or tag.removeprefix("W/") in wanted or "*" in wanted:
        unchanged = HttpResponseNotModified()
        unchanged["ETag"] = tag
        for header in ("Vary", "Content-Language"):
            unchanged[header] = response[header]
        unchanged["Cache-Control"] = response.get("Cache-Control", "private, no-cache")
        return unchanged
    response["ETag"] = tag
    response.setdefault("Cache-Control", "private, no-cache")
    return response


@extend_schema(exclude=True)
class Nowhere(ApiView):
    """Any other address under /api/v1/: a problem too, not the site's HTML page."""

    public = True
    permission_classes = ()  # nothing is here, for anyone: 404 before asking for a key

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        raise NotFound

    def get(self, request: Request, *args: Any, **kwargs: Any) -> None:
        raise NotFound  # not reached: initial refuses every method, this one included

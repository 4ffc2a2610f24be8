"""Every error of the API in one shape: RFC 9457 problem details, `application/problem+json`.

    {"type": "urn:tovholder:problem:<code>", "title": "...", "status": 409,
     "detail": "This shift is not open for sign-up.", "code": "closed", "errors": {...}}

`code` is stable (a sign-up's refusal codes are the services' own: closed, started,
deadline, duplicate, members_only, over_workload ...); `detail` is for a person, in the
request's language; `errors` appears on validation errors (field → messages). The schema
hook documents the shape as the `Problem` component on every operation.
"""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from apps.organisations.permissions import NotCoordinator

CONTENT_TYPE = "application/problem+json"

TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    406: "Not Acceptable",
    409: "Conflict",
    415: "Unsupported Media Type",
    429: "Too Many Requests",
}


def problem(status_code: int, code: str, detail: str, **extra: Any) -> Response:
    body = {
        "type": f"urn:tovholder:problem:{code}",
        "title": TITLES.get(status_code, "Error"),
        "status": status_code,
        "detail": detail,
        "code": code,
        **extra,
    }
    return Response(body, status=status_code, content_type=CONTENT_TYPE)


def problem_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, NotCoordinator):
        # As on the pages: another organisation's object does not exist for this key.
        exc = exceptions.NotFound()
    if isinstance(exc, DjangoValidationError) and not isinstance(exc, exceptions.APIException):
        # A service's refusal (apps.shifts' Refused): its code and message, as the page shows.
        return problem(
            status.HTTP_409_CONFLICT,
            str(exc.code or "refused"),
            " ".join(str(message) for message in exc.messages),
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = exception_handler(exc, context)
    if response is None:
        return None  # a real bug: Django's 500 handling and Sentry take it
    codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
    if isinstance(exc, exceptions.ValidationError):
        answer = problem(
            400, "invalid", _("Some of the values sent are not valid."), errors=response.data
        )
    else:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else ""
        answer = problem(response.status_code, str(codes), str(detail))
    for header in ("WWW-Authenticate", "Retry-After", "Allow"):
        if header in response:
            answer[header] = response[header]
    return answer


PROBLEM_SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem details (application/problem+json).",
    "properties": {
        "type": {"type": "string", "description": "urn:tovholder:problem:<code>"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string", "description": "For a person, in the request's language."},
        "code": {"type": "string", "description": "Stable, for programs."},
        "errors": {
            "type": "object",
            "description": "On validation errors: field name to messages.",
            "additionalProperties": True,
        },
    },
    "required": ["type", "title", "status", "detail", "code"],
}

ERRORS = {
    "400": "The request's values are not valid.",
    "401": "No API key, or one that is unknown, expired or revoked.",
    "403": "The key may not do this (a read-only key writing).",
    "404": "Nothing here for this key.",
    "405": "Method not allowed.",
    "406": "Not acceptable.",
    "415": "Unsupported media type.",
    "429": "Too many requests: wait the seconds in Retry-After.",
}


def schema_hook(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict:
    """drf-spectacular post-processing: the Problem component on every operation's errors."""
    result.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    ref = {"$ref": "#/components/schemas/Problem"}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            responses = operation.setdefault("responses", {})
            wanted = dict(ERRORS)
            if method in ("post", "put", "patch", "delete"):
                wanted["409"] = "A rule refused it; `code` says which (as on the pages)."
            for code, description in wanted.items():
                responses.setdefault(code, {"description": description})
                responses[code].setdefault("content", {})[CONTENT_TYPE] = {"schema": ref}
            if method == "get":
                responses.setdefault(
                    "304", {"description": "Not modified (If-None-Match matched the ETag)."}
                )
    return result

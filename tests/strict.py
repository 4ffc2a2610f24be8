"""Two things that fail a test although every assert in it held (registered in conftest.py).

An undefined variable in one of our templates: Django renders it as "" and the page looks
almost right. The engine's `string_if_invalid` is set to a marker whose `%` (Django applies
it with the variable's name) notes the variable and the template; the test then fails. Only
templates under our own folders count (Django's admin and form templates rely on undefined
variables by design). `{{ x|default:"y" }}` and `{% if x %}` handle an undefined x and are
not noted; the marker renders what production renders (Django would apply no filter).

A log record at ERROR or above carrying an exception (a 500 in `django.request`, a failed
Celery task; not `django.security.*`, which logs refused requests, 400s by design): the
user saw an error page or lost a mail while the test looked at something else. Tests that
provoke one on purpose say so with `@pytest.mark.allow_logged_errors`.
"""

import logging
import sys
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

import pytest
from django.conf import settings
from django.template import engines
from django.template.base import FilterExpression, Node
from django.template.context import Context
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime

OURS = tuple(
    str(Path(settings.BASE_DIR) / folder) + "/" for folder in ("apps", "templates", "platform")
)
# (template name, variable) pairs known to be safe; keep this list short and explained.
ALLOWED: set[tuple[str, str]] = set()

undefined: list[str] = []


def _template_of(frame: FrameType | None) -> str:
    while frame is not None:
        node = frame.f_locals.get("self")
        if isinstance(node, Node) and getattr(node, "origin", None) is not None:
            return str(node.origin.name)
        frame = frame.f_back
    return ""


def _as_in_production(expression: FilterExpression, context: Context) -> object:
    """What Django renders for the undefined variable with string_if_invalid "" (as in
    production): the filters applied to "" (FilterExpression.resolve, Django 5.2)."""
    value: object = ""
    for func, args in expression.filters:
        arguments = [arg.resolve(context) if lookup else mark_safe(arg) for lookup, arg in args]
        if getattr(func, "expects_localtime", False):
            value = template_localtime(value, context.use_tz)
        if getattr(func, "needs_autoescape", False):
            value = func(value, *arguments, autoescape=context.autoescape)
        else:
            value = func(value, *arguments)
    return value


class UndefinedVariable(str):
    """The engine's string_if_invalid: notes what was undefined where, and renders what
    production would. `{{ x|default:"y" }}` handles an undefined x: not noted."""

    def __mod__(self, name: object) -> object:  # type: ignore[override]
        caller = sys._getframe(1)
        expression, context = caller.f_locals.get("self"), caller.f_locals.get("context")
        if not isinstance(expression, FilterExpression) or not isinstance(context, Context):
            expression = context = None
        handled = expression is not None and any(
            func.__name__ == "default" for func, _args in expression.filters
        )
        if not handled:  # {{ x }}, a tag's argument, a {% blocktrans %} placeholder
            origin = _template_of(caller)
            if origin.startswith(OURS):
                short = origin.removeprefix(str(settings.BASE_DIR) + "/")
                if (short, str(name)) not in ALLOWED:
                    undefined.append(f"{short}: {{{{ {name} }}}} is undefined")
        if expression is None or context is None:
            return ""
        return _as_in_production(expression, context)

    # Django also hands the marker itself on as the value of a lookup that failed quietly (a
    # missing one-to-one row, a method that wants arguments): there it must act as the ""
    # of production, falsy in `{% if %}` and empty on the page. Only FilterExpression.resolve
    # asks whether it is set at all, to decide to call `%`.
    def __bool__(self) -> bool:
        return sys._getframe(1).f_code is _RESOLVE

    def __str__(self) -> str:
        return ""


_RESOLVE = FilterExpression.resolve.__code__
MARKER = UndefinedVariable("%s")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "allow_logged_errors: the test provokes an error log with a traceback"
    )


@pytest.fixture(scope="session", autouse=True)
def _undefined_template_variables_fail() -> Iterator[None]:
    engine = engines["django"].engine
    engine.string_if_invalid = MARKER
    yield
    engine.string_if_invalid = ""


class _ErrorsWithTraceback(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        # django.security logs a refused request (a webhook without its secret, a bad host)
        # with its exception: a 400 by design, not an error page.
        if record.exc_info and not record.name.startswith("django.security."):
            self.records.append(record)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    undefined.clear()
    handler = _ErrorsWithTraceback()
    logging.getLogger().addHandler(handler)
    try:
        result = yield
    finally:
        logging.getLogger().removeHandler(handler)
    if undefined:
        found = sorted(set(undefined))
        undefined.clear()
        pytest.fail("Undefined template variables:\n  " + "\n  ".join(found), pytrace=False)
    if handler.records and item.get_closest_marker("allow_logged_errors") is None:
        lines = [f"{r.name}: {r.getMessage()} ({r.exc_info[1]!r})" for r in handler.records]  # type: ignore[index]
        pytest.fail(
            "Errors with a traceback were logged (mark the test allow_logged_errors if it "
            "provokes them on purpose):\n  " + "\n  ".join(lines),
            pytrace=False,
        )
    return result

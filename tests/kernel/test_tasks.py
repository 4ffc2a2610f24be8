"""Services name their own app's tasks by dotted path (tasks.py imports the services), so
every such path must name a real Celery task, and a wrong one must fail at once."""

import ast
from pathlib import Path

import pytest
from celery import Task
from django.db import transaction
from django.utils.module_loading import import_string

from kernel.tasks import enqueue_on_commit

ROOT = Path(__file__).resolve().parents[2]


def _named_tasks() -> list[tuple[str, str]]:
    """(file, path) of each `enqueue_on_commit("<path>", …)` and each module-level
    `NAME = "apps.….tasks.…"` constant in the product's code."""
    found = []
    for source in sorted((ROOT / "apps").rglob("*.py")):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            value = None
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "enqueue_on_commit":
                value = node.args[0] if node.args else None
            elif isinstance(node, ast.Assign):
                value = node.value
            if isinstance(value, ast.Constant) and ".tasks." in str(value.value):
                found.append((str(source.relative_to(ROOT)), str(value.value)))
    return found


def test_it_finds_the_tasks_services_name_by_path():
    paths = {path for _, path in _named_tasks()}
    assert {"apps.shifts.tasks.fill_waitlist", "apps.messaging.tasks.deliver_batch"} <= paths


@pytest.mark.parametrize(("source", "path"), _named_tasks())
def test_it_names_only_real_tasks(source, path):
    assert isinstance(import_string(path), Task), f"{source}: {path} is not a Celery task"


@pytest.mark.django_db
def test_it_refuses_a_wrong_path_in_the_service_not_later_in_a_worker(in_nyborg):
    with pytest.raises(ImportError), transaction.atomic():
        enqueue_on_commit("apps.shifts.tasks.no_such_task", 1)

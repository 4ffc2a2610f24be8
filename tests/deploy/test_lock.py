"""The lock files pin what pyproject.toml asks for: a dependency added to pyproject.toml but
not to the locks would install unpinned in CI and be missing from the image (`make lock`)."""

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PINNED = re.compile(r"^([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?==([^\s;\\]+)", re.MULTILINE)


def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def pins(lock: str) -> dict[str, str]:
    text = (ROOT / "requirements" / lock).read_text()
    return {canonicalize_name(name): version for name, version in PINNED.findall(text)}


def requirements(*, dev: bool) -> list[Requirement]:
    project = pyproject()["project"]
    names = project["dependencies"] + (project["optional-dependencies"]["dev"] if dev else [])
    return [Requirement(name) for name in names]


@pytest.mark.parametrize(("lock", "dev"), [("base.lock", False), ("dev.lock", True)])
def test_it_pins_every_dependency_within_its_range(lock: str, dev: bool) -> None:
    pinned = pins(lock)
    for requirement in requirements(dev=dev):
        version = pinned.get(canonicalize_name(requirement.name))
        assert version, f"{requirement.name} is not in requirements/{lock}: run `make lock`"
        assert requirement.specifier.contains(version, prereleases=True), (
            f"requirements/{lock} pins {requirement.name}=={version}, outside "
            f"{requirement.specifier}: run `make lock`"
        )


def test_it_keeps_development_tools_out_of_the_image_lock() -> None:
    assert "pytest" not in pins("base.lock")
    assert "pgserver" not in pins("base.lock")


def test_it_has_a_hash_for_every_pin() -> None:
    for lock in ("base.lock", "dev.lock"):
        text = (ROOT / "requirements" / lock).read_text()
        for block in re.split(r"\n(?=[A-Za-z0-9_.\-]+(?:\[[^\]]*\])?==)", "\n" + text)[1:]:
            assert "--hash=sha256:" in block, f"{block.splitlines()[0]} has no hash in {lock}"

"""Ready for Community Cloud: one pinned dependency file, every import covered, safe settings."""

from __future__ import annotations

import ast
import sys
import tomllib
from pathlib import Path

import pytest
from streamlit import config

REPO_ROOT = Path(__file__).resolve().parents[1]
CONFIG = REPO_ROOT / ".streamlit" / "config.toml"
LOCAL_PACKAGES = {"core", "ui", "tests", "bench", "scripts", "pages", "app"}
# Import name → distribution name, where they differ.
DISTRIBUTION_OF = {"yaml": "pyyaml", "sklearn": "scikit-learn"}
# Optional extras: imported only on an opt-in path (the CLI's --scheduler), behind a clear
# error when missing; pinned in requirements-dev.txt for the tests, never installed by Cloud.
OPTIONAL = {"distributed"}


def requirements() -> dict[str, str]:
    """Distribution name → its pinned specifier, from requirements.txt."""
    pins = {}
    for line in (REPO_ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            pins[name.strip().lower()] = version.strip()
    return pins


def app_imports() -> set[str]:
    """Top-level modules imported by what the deployed app runs: app.py, pages/, ui/, core/."""
    files = [REPO_ROOT / "app.py"]
    for folder in ("pages", "ui", "core"):
        files += sorted((REPO_ROOT / folder).glob("*.py"))
    modules = set()
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules.add(node.module.split(".")[0])
    return modules - set(sys.stdlib_module_names) - LOCAL_PACKAGES - {"__future__"}


def test_requirements_pin_every_runtime_dependency_exactly() -> None:
    pins = requirements()
    assert pins, "requirements.txt lists nothing"
    unpinned = [name for name, version in pins.items() if not version]
    assert not unpinned, f"pin these with == for a reproducible deploy: {unpinned}"


def test_every_third_party_import_of_the_app_is_in_requirements() -> None:
    pins = requirements()
    missing = {DISTRIBUTION_OF.get(m, m) for m in app_imports()} - set(pins) - OPTIONAL
    assert not missing, f"the app imports {sorted(missing)} but requirements.txt does not list them"


def test_optional_extras_are_pinned_for_the_tests_but_not_deployed() -> None:
    dev = (REPO_ROOT / "requirements-dev.txt").read_text().splitlines()
    dev_pins = {line.partition("==")[0].strip().lower() for line in dev if "==" in line}
    assert dev_pins >= OPTIONAL, "pin the optional extras in requirements-dev.txt"
    assert not OPTIONAL & set(requirements()), "Community Cloud would install an optional extra"


def test_requirements_txt_is_the_only_dependency_file_community_cloud_sees() -> None:
    # Community Cloud takes the first of uv.lock, Pipfile, environment.yml, requirements.txt,
    # pyproject.toml (poetry) it finds, so none of those ahead of requirements.txt may exist.
    for name in ("uv.lock", "Pipfile", "environment.yml", "environment.yaml"):
        assert not (REPO_ROOT / name).exists(), f"{name} would shadow requirements.txt"
    pyproject = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())
    assert "dependencies" not in pyproject.get("project", {})
    assert "poetry" not in pyproject.get("tool", {})


def test_the_entry_point_is_app_py() -> None:
    assert (REPO_ROOT / "app.py").is_file()


def _flatten(table: dict, prefix: str = "") -> dict[str, object]:
    options = {}
    for key, value in table.items():
        if isinstance(value, dict):
            options |= _flatten(value, f"{prefix}{key}.")
        else:
            options[f"{prefix}{key}"] = value
    return options


@pytest.fixture(scope="module")
def deploy_options() -> dict[str, object]:
    return _flatten(tomllib.loads(CONFIG.read_text(encoding="utf-8")))


def test_every_config_key_is_a_real_streamlit_option(deploy_options: dict[str, object]) -> None:
    known = set(config._config_options_template)
    unknown = sorted(set(deploy_options) - known)
    assert not unknown, f"streamlit has no option(s) {unknown}: a typo?"


@pytest.mark.parametrize(
    ("option", "expected"),
    [
        ("client.showErrorDetails", "none"),  # visitors never see a traceback or error text
        ("client.toolbarMode", "minimal"),
        ("browser.gatherUsageStats", False),
        ("server.headless", True),
        ("server.enableXsrfProtection", True),
        ("server.enableCORS", True),
    ],
)
def test_production_settings(deploy_options: dict[str, object], option: str, expected) -> None:
    assert deploy_options[option] == expected


def test_uploads_are_capped_small(deploy_options: dict[str, object]) -> None:
    assert deploy_options["server.maxUploadSize"] <= 5  # MB; the app takes no uploads

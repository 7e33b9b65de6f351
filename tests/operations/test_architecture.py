"""The direction of imports between apps (pyproject.toml's import-linter contract, run by make test):
the contract must hold for the code as it is, and must catch a forbidden import when one is added."""

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from tests.helpers import REPO

LINT_IMPORTS = str(Path(sys.executable).with_name("lint-imports"))


def lint_imports(root):
    return subprocess.run([LINT_IMPORTS, "--no-logo", "--no-cache"], cwd=root, capture_output=True, text=True)


def test_the_contract_holds_and_news_imports_no_app_built_on_it():
    result = lint_imports(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout
    # news, the content model, imports only core among the project's apps (none at function level either).
    back = re.compile(
        r"^\s*(from|import)\s+(search|feeds|home|pagecache|sharing|trending|newsletter|health|wordpress)\b", re.M)
    offenders = [str(path) for path in (REPO / "news").rglob("*.py") if back.search(path.read_text())]
    assert offenders == []


def test_a_forbidden_import_breaks_the_contract(tmp_path):
    config = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["importlinter"]
    for package in config["root_packages"]:
        shutil.copytree(REPO / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__", "migrations"))
    shutil.copy(REPO / "pyproject.toml", tmp_path)
    models = tmp_path / "news" / "models.py"
    added = ("\n\ndef related(article):\n    from search.related import related_articles\n\n"
             "    return related_articles(article)\n")
    models.write_text(models.read_text() + added)
    result = lint_imports(tmp_path)
    assert result.returncode == 1
    assert "news is not allowed to import search" in result.stdout
    assert "news.models -> search.related" in result.stdout

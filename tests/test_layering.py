"""The import rule: the core knows no framework, and only run.py picks a green-thread library."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "workshop"
DOMAIN = PACKAGE / "domain"
FRAMEWORKS = {"flask", "flask_socketio", "socketio", "engineio", "sqlalchemy", "eventlet", "gevent"}
GREEN_THREADS = {"eventlet", "gevent"}


def module_name(path: Path) -> str:
    """Return the dotted name of a file under workshop/."""
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """Return every module a file imports, relative imports resolved to absolute names."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                prefix = ".".join(base)
                if node.module:
                    found.add(f"{prefix}.{node.module}")
                else:
                    found.update(f"{prefix}.{alias.name}" for alias in node.names)
            else:
                found.add(node.module or "")
    return found


def top_level(name: str) -> str:
    return name.split(".")[0]


def source_of(name: str) -> Path | None:
    """Return the file of a workshop module, or None for anything outside the package."""
    if top_level(name) != "workshop":
        return None
    relative = Path(*name.split("."))
    for candidate in (
        PACKAGE.parent / relative.with_suffix(".py"),
        PACKAGE.parent / relative / "__init__.py",
    ):
        if candidate.is_file():
            return candidate
    return None


DOMAIN_FILES = sorted(DOMAIN.rglob("*.py"))
PACKAGE_FILES = sorted(PACKAGE.rglob("*.py"))


def test_the_files_to_check_were_found() -> None:
    names = {path.name for path in DOMAIN_FILES}
    assert {"voting.py", "stages.py", "timers.py", "planning.py", "model.py"} <= names
    assert len(PACKAGE_FILES) > len(DOMAIN_FILES) >= 5
    assert PACKAGE / "services.py" in PACKAGE_FILES


def test_the_import_reader_sees_plain_and_relative_imports() -> None:
    # Guard the guard: a reader that saw nothing would make the rules below pass vacuously.
    assert "flask" in imports(PACKAGE / "views.py")
    assert "workshop.errors" in imports(DOMAIN / "stages.py")
    assert "workshop.domain.model" in imports(DOMAIN / "stages.py")
    assert "sqlalchemy" in imports(PACKAGE / "store.py")


@pytest.mark.parametrize("path", DOMAIN_FILES, ids=lambda p: p.name)
def test_the_domain_imports_no_framework(path: Path) -> None:
    used = {top_level(name) for name in imports(path)}
    assert not used & FRAMEWORKS, f"{path.name} imports {sorted(used & FRAMEWORKS)}"


def test_the_domain_reaches_no_framework_through_the_package_either() -> None:
    """Follow the domain's imports inside workshop/ (not its __init__) and check them all."""
    seen: set[Path] = set()
    queue = list(DOMAIN_FILES)
    while queue:
        path = queue.pop()
        if path in seen:
            continue
        seen.add(path)
        used = imports(path)
        assert not {top_level(n) for n in used} & FRAMEWORKS, f"{path} imports a framework"
        for name in used:
            # "from .. import x" names a module or a package attribute; try both.
            for candidate in (name, name.rpartition(".")[0]):
                source = source_of(candidate)
                if source is not None and source != PACKAGE / "__init__.py":
                    queue.append(source)
                    break
    assert PACKAGE / "errors.py" in seen  # the walk did leave the domain package
    assert set(DOMAIN_FILES) <= seen


@pytest.mark.parametrize("path", PACKAGE_FILES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_picks_a_green_thread_library(path: Path) -> None:
    used = {top_level(name) for name in imports(path)}
    assert not used & GREEN_THREADS, f"{path.name} imports {sorted(used & GREEN_THREADS)}"


def test_the_import_reader_sees_imports_inside_functions() -> None:
    # run.py, the one place allowed to, imports eventlet inside main().
    assert "eventlet" in {top_level(name) for name in imports(PACKAGE.parent / "run.py")}

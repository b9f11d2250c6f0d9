"""The house rules: one folder per layer, each importing only the layers below it, no cycles.

    domain/    pure rules            imports nothing of the app but the domain
    store/     the database          domain
    exports/   documents as files    domain
    usecases/  one transaction each  domain, store, exports
    live/      Socket.IO edge        domain, usecases
    web/       HTTP edge             domain, usecases, exports
    workshop/__init__.py, __main__.py, config.py: the composition root, which wires them

Only run.py picks a green-thread library.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "workshop"
FRAMEWORKS = {"flask", "flask_socketio", "socketio", "engineio", "sqlalchemy", "eventlet", "gevent"}
EDGE_FRAMEWORKS = {"flask", "flask_socketio", "socketio", "engineio"}
GREEN_THREADS = {"eventlet", "gevent"}
LAYERS = ("domain", "store", "exports", "usecases", "live", "web")
MAY_IMPORT = {
    "domain": {"domain"},
    "store": {"domain", "store"},
    "exports": {"domain", "exports"},
    "usecases": {"domain", "store", "exports", "usecases"},
    "live": {"domain", "usecases", "live"},
    "web": {"domain", "usecases", "exports", "web"},
}
MAY_NOT_USE = {
    "domain": FRAMEWORKS,
    "exports": FRAMEWORKS,
    "usecases": FRAMEWORKS,  # the store re-exports the one exception use cases catch
    "store": EDGE_FRAMEWORKS | GREEN_THREADS,
    "live": {"sqlalchemy"} | GREEN_THREADS,  # Flask-SocketIO keeps its sid on flask.request
    "web": {"flask_socketio", "socketio", "sqlalchemy"} | GREEN_THREADS,
}


def module_name(path: Path) -> str:
    """Return the dotted name of a file under workshop/."""
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path, top_level_only: bool = False) -> set[str]:
    """Return every module a file imports, relative imports resolved to absolute names."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    name = module_name(path) if path.is_relative_to(PACKAGE) else path.stem
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                prefix = ".".join(base[: len(base) - (node.level - 1)])
                module = f"{prefix}.{node.module}" if node.module else prefix
            else:
                module = node.module or ""
            found.add(module)
            # "from workshop.domain import stages" imports the module workshop.domain.stages
            found.update(
                f"{module}.{alias.name}"
                for alias in node.names
                if source_of(f"{module}.{alias.name}") is not None
            )
    return found


def source_of(name: str) -> Path | None:
    """Return the file of a workshop module, or None for anything outside the package."""
    if name.split(".")[0] != "workshop":
        return None
    relative = Path(*name.split("."))
    for candidate in (
        PACKAGE.parent / relative.with_suffix(".py"),
        PACKAGE.parent / relative / "__init__.py",
    ):
        if candidate.is_file():
            return candidate
    return None


def layer_of(name: str) -> str | None:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "workshop" and parts[1] in LAYERS else None


PACKAGE_FILES = sorted(PACKAGE.rglob("*.py"))
LAYERED_FILES = [p for p in PACKAGE_FILES if layer_of(module_name(p))]


def test_every_module_lives_in_a_layer_folder_but_the_composition_root() -> None:
    loose = {p.name for p in PACKAGE_FILES if p.parent == PACKAGE}
    assert loose == {"__init__.py", "__main__.py", "config.py"}
    assert {layer_of(module_name(p)) for p in LAYERED_FILES} == set(LAYERS)


def test_the_import_reader_sees_plain_relative_and_module_imports() -> None:
    # Guard the guard: a reader that saw nothing would make the rules below pass vacuously.
    assert "flask" in imports(PACKAGE / "web" / "workshops.py")
    assert "workshop.domain.errors" in imports(PACKAGE / "domain" / "stages.py")
    assert "sqlalchemy" in imports(PACKAGE / "store" / "engine.py")
    assert "workshop.domain.stages" in imports(PACKAGE / "usecases" / "facilitation.py")


@pytest.mark.parametrize("path", LAYERED_FILES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_each_layer_imports_only_the_layers_below_it(path: Path) -> None:
    layer = layer_of(module_name(path))
    assert layer is not None
    reached = {layer_of(name) or name for name in imports(path) if name.startswith("workshop")}
    assert reached <= MAY_IMPORT[layer], f"{layer}/ may not import {reached - MAY_IMPORT[layer]}"
    used = {name.split(".")[0] for name in imports(path)}
    assert not used & MAY_NOT_USE[layer], (
        f"{layer}/ may not use {sorted(used & MAY_NOT_USE[layer])}"
    )


def test_there_is_no_import_cycle() -> None:
    """Follow module-level imports (the ones that run on import) and look for a way back."""
    graph = {
        module_name(p): {n for n in imports(p, top_level_only=True) if source_of(n)}
        for p in PACKAGE_FILES
    }
    # A package's __init__ is imported on the way to its modules: that is not a cycle.
    graph = {
        m: {n for n in deps if n != m and not m.startswith(n + ".")} for m, deps in graph.items()
    }
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in graph.get(node, ()):
            if state.get(nxt) == 1:
                raise AssertionError("import cycle: " + " -> ".join([*trail, node, nxt]))
            if nxt not in state:
                visit(nxt, [*trail, node])
        state[node] = 2

    for node in graph:
        if node not in state:
            visit(node, [])
    assert len(state) == len(PACKAGE_FILES)


@pytest.mark.parametrize("path", PACKAGE_FILES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_picks_a_green_thread_library(path: Path) -> None:
    used = {name.split(".")[0] for name in imports(path)}
    assert not used & GREEN_THREADS, f"{path.name} imports {sorted(used & GREEN_THREADS)}"


def test_the_import_reader_sees_imports_inside_functions() -> None:
    # run.py, the one place allowed to, imports eventlet inside main().
    assert "eventlet" in {name.split(".")[0] for name in imports(PACKAGE.parent / "run.py")}


@pytest.mark.parametrize("path", PACKAGE_FILES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_every_module_stays_under_400_lines(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines < 400, f"{path.relative_to(PACKAGE)} has {lines} lines: split it by feature"


def long_functions(path: Path) -> list[tuple[str, int, str]]:
    """Return (name, lines, docstring) of every function of a file over 60 lines."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        (
            node.name,
            (node.end_lineno or node.lineno) - node.lineno + 1,
            ast.get_docstring(node) or "",
        )
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and (node.end_lineno or 0) - node.lineno + 1 > 60
    ]


def test_the_long_function_finder_finds_one() -> None:
    assert any(
        name == "tally_round" for name, _, _ in long_functions(PACKAGE / "domain" / "tallies.py")
    )


@pytest.mark.parametrize("path", PACKAGE_FILES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_a_function_over_60_lines_says_why_in_its_docstring(path: Path) -> None:
    for name, lines, doc in long_functions(path):
        assert "Long because" in doc, f"{name} has {lines} lines: split it, or say why not"

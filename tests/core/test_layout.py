"""The shape of ``app/``: no import cycle between its modules, no module over the size limit.

The import graph is built from the source with :mod:`ast`, so nothing is imported to check it.
Every ``import``/``from ... import`` of an ``app.*`` module counts, at module level and inside
functions alike: a lazy import still makes two modules depend on each other, and a cycle hidden
in a function today becomes an import-time crash the day someone hoists it.
"""

from __future__ import annotations

import ast
from collections.abc import Collection, Iterable, Mapping
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]
APP = REPOSITORY / "app"

#: A module longer than this is doing more than one job: split it (issue 11).
MAX_MODULE_LINES = 500

#: Modules being split right now (issue 11) and allowed over the limit until that work lands.
#: Empty this list once they are done; never add a module to it to make the test pass. A path
#: that no longer exists (split into a package) is harmless here until the list is emptied.
SPLIT_IN_PROGRESS: frozenset[str] = frozenset()


def module_name(path: Path, root: Path) -> str:
    """``app/core/store/__init__.py`` -> ``app.core.store``; ``app/cli.py`` -> ``app.cli``."""
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imported_modules(code: str, module: str, is_package: bool, known: Collection[str]) -> set[str]:
    """The modules of ``known`` that ``code`` imports, relative imports resolved.

    ``from a.b import c`` is an edge to the module ``a.b.c`` when there is one, else to ``a.b``
    (c is then a name defined in it). Importing ``a.b.c`` is an edge to ``a.b.c`` only, not to
    the packages ``a`` and ``a.b`` whose ``__init__`` also runs: a package facade importing its
    own submodules would otherwise make every submodule that imports a sibling look like a cycle.
    """
    package = module if is_package else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name in known)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[:len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                if submodule in known:
                    found.add(submodule)
                elif base in known:
                    found.add(base)
    found.discard(module)
    return found


def import_graph(sources: Mapping[str, tuple[str, bool]]) -> dict[str, set[str]]:
    """Module -> the modules of ``sources`` it imports. ``sources``: module -> (code, is package)."""
    return {module: _imported_modules(code, module, is_package, sources)
            for module, (code, is_package) in sources.items()}


def find_cycles(graph: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """One cycle (``[a, b, ..., a]``) per strongly connected group of modules, sorted.

    Tarjan's algorithm without recursion (the graph may be deep); each group is then shown as
    one concrete path so the report says which imports to break.
    """
    index: dict[str, int] = {}
    lowlink: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    groups: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work: list[tuple[str, list[str]]] = [(root, sorted(graph.get(root, ())))]
        index[root] = lowlink[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, successors = work[-1]
            if successors:
                successor = successors.pop(0)
                if successor not in index:
                    index[successor] = lowlink[successor] = counter
                    counter += 1
                    stack.append(successor)
                    on_stack.add(successor)
                    work.append((successor, sorted(graph.get(successor, ()))))
                elif successor in on_stack:
                    lowlink[node] = min(lowlink[node], index[successor])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                lowlink[parent] = min(lowlink[parent], lowlink[node])
            if lowlink[node] == index[node]:
                group: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1 or node in graph.get(node, ()):
                    groups.append(sorted(group))
    return sorted(_cycle_through(graph, group) for group in groups)


def _cycle_through(graph: Mapping[str, Iterable[str]], group: list[str]) -> list[str]:
    """A shortest path from the group's first module back to itself, inside the group."""
    members = set(group)
    start = group[0]
    previous: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following: list[str] = []
        for node in frontier:
            for successor in sorted(graph.get(node, ())):
                if successor == start:
                    path = [start]
                    while node != start:
                        path.append(node)
                        node = previous[node]
                    return [start, *reversed(path[1:]), start]
                if successor in members and successor not in previous:
                    previous[successor] = node
                    following.append(successor)
        frontier = following
    return [start, start]


def app_sources() -> dict[str, tuple[str, bool]]:
    return {module_name(path, APP): (path.read_text("utf-8"), path.name == "__init__.py")
            for path in sorted(APP.rglob("*.py"))}


# -- the rules, on the real tree ----------------------------------------------------------------


def test_no_import_cycle_inside_app() -> None:
    cycles = find_cycles(import_graph(app_sources()))
    assert cycles == [], "import cycles:\n" + "\n".join(" -> ".join(cycle) for cycle in cycles)


def test_no_module_over_the_size_limit() -> None:
    too_long = []
    for path in sorted(APP.rglob("*.py")):
        relative = path.relative_to(REPOSITORY).as_posix()
        lines = len(path.read_text("utf-8").splitlines())
        if lines > MAX_MODULE_LINES and relative not in SPLIT_IN_PROGRESS:
            too_long.append(f"{relative}: {lines} lines")
    assert too_long == [], f"modules over {MAX_MODULE_LINES} lines:\n" + "\n".join(too_long)


# -- the graph functions, on small synthetic packages -------------------------------------------


def _sources(**modules: str) -> dict[str, tuple[str, bool]]:
    """``pkg__init__`` keys are packages (``pkg/__init__.py``); ``pkg__mod`` is ``pkg.mod``."""
    sources = {}
    for key, code in modules.items():
        is_package = key.endswith("__init__")
        name = key.removesuffix("__init__").rstrip("_").replace("__", ".")
        sources[name] = (code, is_package)
    return sources


def test_a_cycle_through_a_lazy_import_is_found_and_named() -> None:
    sources = _sources(
        pkg__init__="",
        pkg__charsets="from pkg.mime import decode\n",
        pkg__mime="def readable():\n    from pkg.view import parse\n",
        pkg__view="from pkg import charsets\n",
    )
    assert find_cycles(import_graph(sources)) == [["pkg.charsets", "pkg.mime", "pkg.view", "pkg.charsets"]]


def test_relative_imports_and_two_separate_cycles() -> None:
    sources = _sources(
        pkg__init__="",
        pkg__store="from .search import index\n",
        pkg__search="from . import store\n",
        pkg__a="import pkg.b\n",
        pkg__b="from pkg.a import thing\n",
        pkg__leaf="import os\n",
    )
    assert find_cycles(import_graph(sources)) == [["pkg.a", "pkg.b", "pkg.a"],
                                                  ["pkg.search", "pkg.store", "pkg.search"]]


def test_an_acyclic_package_with_a_facade_has_no_cycle() -> None:
    # The facade imports its submodules, and they import each other by full name: no cycle.
    sources = _sources(
        pkg__init__="from pkg.view import parse\n",
        pkg__headers="import re\n",
        pkg__view="from pkg.headers import decode\nfrom pkg import headers\n",
    )
    graph = import_graph(sources)
    assert graph == {"pkg": {"pkg.view"}, "pkg.headers": set(), "pkg.view": {"pkg.headers"}}
    assert find_cycles(graph) == []


def test_a_module_importing_itself_is_not_a_cycle_but_a_package_facade_loop_is() -> None:
    sources = _sources(
        pkg__init__="from pkg.impl import run\n",
        pkg__impl="from pkg import helper_defined_in_init\n",
    )
    assert find_cycles(import_graph(sources)) == [["pkg", "pkg.impl", "pkg"]]

"""The import rules of docs/architecture.md (Layers): the core never imports Qt, the CLI path never loads it."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_core_imports_neither_qt_nor_ui_nor_poplib() -> None:
    offenders = []
    for path in (REPOSITORY / "app" / "core").rglob("*.py"):
        for name in _imports(path):
            if name.split(".")[0] in ("PySide6", "poplib") or name.startswith("app.ui"):
                offenders.append(f"{path.relative_to(REPOSITORY)} imports {name}")
    assert offenders == []


def test_only_credentials_imports_keyring() -> None:
    users = sorted(str(path.relative_to(REPOSITORY)) for path in (REPOSITORY / "app").rglob("*.py")
                   if any(name.split(".")[0] == "keyring" for name in _imports(path)))
    assert users == [str(Path("app/core/credentials.py"))]


def test_cli_runs_with_qt_unimportable(tmp_path: Path) -> None:
    # Make any attempt to import PySide6 fail loudly, then run a real command.
    code = ("import sys; sys.modules['PySide6'] = None; from app.main import main; "
            "rc = main(['--profile', sys.argv[1], 'account', 'list']); "
            "assert not any(name.startswith('PySide6') for name in sys.modules if sys.modules[name]); "
            "sys.exit(rc)")
    result = subprocess.run([sys.executable, "-c", code, str(tmp_path)], cwd=REPOSITORY,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr

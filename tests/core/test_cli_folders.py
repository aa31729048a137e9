"""``poplark folder list|create|rename|delete`` and ``poplark move``, and ``list``/``search
--folder`` with user folders and Junk: through :func:`app.cli.main` in this process (one real
subprocess checks the installed entry point), against a real store file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli import main
from app.cli.presenter import EXIT_OK
from app.core.model import Account, Folder
from app.core.store import Profile, Store
from tests.conftest import run_cli


@pytest.fixture
def profile(tmp_path: Path) -> Path:
    home = tmp_path / "profile"
    with Store.open(Profile(home)) as store:
        for name in ("work", "home"):
            account = store.add_account(Account(name=name, host="h", user=name))
            store.add_messages(account, [(f"{name}{index}", f"Subject: {name} 发票 {index}\r\n\r\nbody\r\n".encode(),
                                          1.0e9 + index) for index in range(3)])
    return home


def poplark(profile: Path, capsys: pytest.CaptureFixture[str], *arguments: str) -> tuple[int, str, str]:
    code = main(["--profile", str(profile), *arguments])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_create_list_rename_delete(profile: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert poplark(profile, capsys, "folder", "list")[1].startswith("no folders yet")
    assert poplark(profile, capsys, "folder", "create", "财务/2026", "--account", "work") == (
        EXIT_OK, "created 财务/2026\n", "")
    assert poplark(profile, capsys, "folder", "create", "Archive")[0] == EXIT_OK
    code, out, _ = poplark(profile, capsys, "folder", "list", "--json")
    rows = [json.loads(line) for line in out.splitlines()]
    assert [(row["account"], row["path"], row["messages"]) for row in rows] == [
        (None, "Archive", 0), ("work", "财务", 0), ("work", "财务/2026", 0)]
    code, out, _ = poplark(profile, capsys, "folder", "create", "财务/2026", "--account", "work")
    assert code != EXIT_OK  # already there: refused, with the reason
    code, out, _ = poplark(profile, capsys, "folder", "rename", "财务", "Finance", "--account", "work", "--json")
    assert json.loads(out)["renamed"]["path"] == "Finance"
    assert poplark(profile, capsys, "folder", "list", "--account", "work")[1] == (
        "work: Finance  (0 messages, 0 unread)\nwork: Finance/2026  (0 messages, 0 unread)\n")
    assert poplark(profile, capsys, "folder", "delete", "Finance/2026")[0] == EXIT_OK  # one account has it: found
    assert "Finance/2026" not in poplark(profile, capsys, "folder", "list")[1]


def test_move_list_and_delete_with_mail(profile: Path, capsys: pytest.CaptureFixture[str]) -> None:
    poplark(profile, capsys, "folder", "create", "财务/2026", "--account", "work")
    with Store.open(Profile(profile)) as store:
        work_ids = store.message_ids(store.account("work").id)
        home_ids = store.message_ids(store.account("home").id)
    code, out, _ = poplark(profile, capsys, "move", str(work_ids[0]), str(home_ids[0]), "财务/2026")
    assert (code, out) == (EXIT_OK, "moved 2 message(s) to 财务/2026\n")
    code, out, _ = poplark(profile, capsys, "list", "--folder", "财务/2026", "--json")
    assert sorted(json.loads(line)["id"] for line in out.splitlines()) == sorted([work_ids[0], home_ids[0]])
    code, out, _ = poplark(profile, capsys, "search", "发票", "--folder", "财务/2026", "--account", "work", "--json")
    assert len(out.splitlines()) == 2  # a user folder holds both accounts' mail
    assert poplark(profile, capsys, "move", str(work_ids[1]), "junk")[0] == EXIT_OK
    code, out, _ = poplark(profile, capsys, "list", "--folder", "junk", "--account", "work", "--json")
    assert [json.loads(line)["id"] for line in out.splitlines()] == [work_ids[1]]
    code, out, _ = poplark(profile, capsys, "move", str(work_ids[2]), "财务/2026", "--copy")
    assert code == EXIT_OK and out.startswith("copied 1 message(s) to 财务/2026 (new ids: ")
    code, out, err = poplark(profile, capsys, "move", "999999", "财务/2026")
    assert code != EXIT_OK and "999999" in err and "nothing was moved" in err
    code, out, err = poplark(profile, capsys, "folder", "delete", "财务", "--account", "work")
    assert code != EXIT_OK and "3 message(s)" in err and "--yes" in err
    code, out, _ = poplark(profile, capsys, "folder", "delete", "财务", "--account", "work", "--yes")
    assert (code, out) == (EXIT_OK, "deleted 财务; 3 message(s) moved to Trash\n")
    with Store.open(Profile(profile)) as store:
        assert store.message(home_ids[0]).folder == Folder.TRASH
    code, out, err = poplark(profile, capsys, "list", "--folder", "nowhere")
    assert code != EXIT_OK and "poplark folder list" in err


def test_the_installed_command_runs_folder_list(profile: Path, cli_environment: dict[str, str]) -> None:
    environment = dict(cli_environment, POPLARK_HOME=str(profile))
    assert run_cli(environment, "folder", "create", "本地").returncode == EXIT_OK
    result = run_cli(environment, "folder", "list")
    assert result.returncode == EXIT_OK and result.stdout == "On this computer: 本地  (0 messages, 0 unread)\n"

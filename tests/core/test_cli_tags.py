"""``poplark tag ID... NAME`` (``--remove``, ``--list``) and ``poplark list``'s filters (``--tag``,
``--unread``, ``--flagged``, ``--has-attachment``), combined; what a person reads on mistakes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli import main
from app.core.model import Account
from app.core.store import Profile, Store


@pytest.fixture
def profile(tmp_path: Path) -> tuple[str, dict[str, int]]:
    """A profile with four messages; their ids by subject."""
    location = tmp_path / "profile"
    with Store.open(Profile(location)) as store:
        account = store.add_account(Account(name="work", host="pop.example.com", user="alice"))
        ids = {}
        for subject in ("发票 March", "lunch", "report", "合同"):
            extra = b""
            if subject == "合同":
                extra = (b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n"
                         b"Content-Type: application/pdf\r\nContent-Disposition: attachment; filename=a.pdf\r\n\r\n"
                         b"JVBE\r\n--b--\r\n")
            raw = f"Subject: {subject}\r\n".encode() + (extra or b"\r\nbody\r\n")
            ids[subject] = store.add_message(account, subject, raw).id
        store.commit()
        store.set_seen([ids["report"]], True)
        store.set_flagged([ids["lunch"], ids["report"]], True)
    return str(location), ids


def run(profile: str, capsys: pytest.CaptureFixture[str], *arguments: str) -> tuple[int, str, str]:
    code = main(["--profile", profile, *arguments])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def listed(profile: str, capsys: pytest.CaptureFixture[str], *filters: str) -> set[int]:
    code, out, err = run(profile, capsys, "list", "--json", *filters)
    assert code == 0, err
    return {json.loads(line)["id"] for line in out.splitlines()}


def test_tag_list_by_tag_and_remove(profile: tuple[str, dict[str, int]], capsys: pytest.CaptureFixture[str]) -> None:
    location, ids = profile
    code, out, _ = run(location, capsys, "tag", str(ids["发票 March"]), str(ids["report"]), "work")
    assert code == 0 and out == "tagged 2 message(s) Work\n"
    assert listed(location, capsys, "--tag", "Work") == {ids["发票 March"], ids["report"]}
    code, out, _ = run(location, capsys, "tag", "--list")
    assert code == 0 and "  2 #ff9900 Work (2)" in out.splitlines()
    code, out, _ = run(location, capsys, "tag", str(ids["report"]), "Work", "--remove")
    assert code == 0 and out == "removed the tag Work from 1 message(s)\n"
    assert listed(location, capsys, "--tag", "work") == {ids["发票 March"]}


def test_list_filters_combine(profile: tuple[str, dict[str, int]], capsys: pytest.CaptureFixture[str]) -> None:
    location, ids = profile
    assert listed(location, capsys) == set(ids.values())
    assert listed(location, capsys, "--unread") == {ids["发票 March"], ids["lunch"], ids["合同"]}
    assert listed(location, capsys, "--flagged") == {ids["lunch"], ids["report"]}
    assert listed(location, capsys, "--unread", "--flagged") == {ids["lunch"]}
    assert listed(location, capsys, "--has-attachment") == {ids["合同"]}
    run(location, capsys, "tag", str(ids["lunch"]), str(ids["合同"]), "Later")
    assert listed(location, capsys, "--tag", "Later", "--has-attachment", "--unread") == {ids["合同"]}
    code, out, _ = run(location, capsys, "list", "--flagged")
    assert code == 0 and len(out.splitlines()) == 2 and "lunch" in out  # the plain format too


def test_mistakes_say_what_to_do(profile: tuple[str, dict[str, int]], capsys: pytest.CaptureFixture[str]) -> None:
    location, ids = profile
    code, _, err = run(location, capsys, "tag", str(ids["lunch"]), "Urgent")
    assert code == 1 and "no tag named 'Urgent'" in err and "Important, Work" in err
    code, _, err = run(location, capsys, "list", "--tag", "Urgent")
    assert code == 1 and "no tag named 'Urgent'" in err
    code, _, err = run(location, capsys, "tag", "Work")
    assert code == 1 and "poplark tag ID... NAME" in err
    code, _, err = run(location, capsys, "tag", str(ids["lunch"]), "999999", "Work")
    assert code == 1 and "999999" in err and "nothing was changed" in err
    assert listed(location, capsys, "--tag", "Work") == set()
    code, _, err = run(location, capsys, "tag", "x", "Work")
    assert code == 1 and "numbers" in err

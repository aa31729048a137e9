"""``poplark contacts``: add, list, complete (with the mail's addresses), import and export in
vCard and CSV (GB18030 for Chinese Windows programs), remove; what a person reads on errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli import main
from app.core.model import Account
from app.core.store import Profile, Store

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "contacts"


@pytest.fixture
def profile(tmp_path: Path) -> str:
    return str(tmp_path / "profile")


def run(profile: str, capsys: pytest.CaptureFixture[str], *arguments: str) -> tuple[int, str, str]:
    code = main(["--profile", profile, "contacts", *arguments])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_add_list_complete_remove(profile: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(profile, capsys, "add", "张三", "--email", "zs@example.cn", "--email", "z3@example.com",
               "--group", "同事", "--note", "周一见")[0] == 0
    assert run(profile, capsys, "add", "Alice Smith", "--email", "alice@example.com")[0] == 0
    code, out, _ = run(profile, capsys, "list", "--json")
    listed = [json.loads(line) for line in out.splitlines()]
    assert [entry["name"] for entry in listed] == ["Alice Smith", "张三"]
    assert listed[1]["addresses"] == [{"address": "zs@example.cn", "label": ""},
                                      {"address": "z3@example.com", "label": ""}]
    assert listed[1]["groups"] == ["同事"] and listed[1]["note"] == "周一见"
    suggested = run(profile, capsys, "complete", "zs")[1]
    assert suggested == "张三 <zs@example.cn>\tcontact\n张三 <z3@example.com>\tcontact\n"
    assert run(profile, capsys, "list", "--group", "同事")[1].count("\n") == 1
    code, out, err = run(profile, capsys, "remove", "zs@example.cn", "12345")
    assert code == 1 and out == "removed 1 contact(s)\n" and "12345" in err
    assert "张三" not in run(profile, capsys, "list")[1]


def test_add_refuses_an_address_with_a_typing_mistake(profile: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(profile, capsys, "add", "X", "--email", "x@example..com")
    assert code == 1 and "not an e-mail address" in err and "nothing was saved" in err
    assert run(profile, capsys, "list")[1] == ""


def test_complete_reads_the_addresses_of_stored_mail_first(profile: str, capsys: pytest.CaptureFixture[str]) -> None:
    with Store.open(Profile(Path(profile))) as store:
        account = store.add_account(Account(name="a", host="h", user="u"))
        store.add_message(account, "1", "From: 李四 <lisi@example.cn>\r\nTo: me@example.com\r\n\r\nhi\r\n".encode())
        store.commit()
    code, out, _ = run(profile, capsys, "complete", "lis", "--json")
    assert code == 0
    assert json.loads(out) == {"kind": "seen", "name": "李四", "address": "lisi@example.cn",
                               "text": "李四 <lisi@example.cn>", "contact_id": None, "members": 0, "times_seen": 1}


def test_import_foxmail_then_export_gb18030_csv_and_vcard_and_import_again(
        profile: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(profile, capsys, "import", str(CORPUS / "foxmail-gbk.csv"))
    assert code == 0 and out.startswith("read 4 contact(s)") and "4 added" in out
    assert run(profile, capsys, "complete", "stf")[1].startswith("单田芳 <shantianfang@example.cn>")
    exported = tmp_path / "out.csv"
    assert run(profile, capsys, "export", str(exported), "--encoding", "gb18030")[0] == 0
    assert "单田芳".encode("gb18030") in exported.read_bytes()
    vcard = tmp_path / "out.vcf"
    assert run(profile, capsys, "export", str(vcard), "--vcard-version", "4.0")[0] == 0
    assert b"VERSION:4.0" in vcard.read_bytes()
    for again in (exported, vcard):
        code, out, _ = run(profile, capsys, "import", str(again), "--json")
        assert json.loads(out) == {"read": 4, "added": 0, "merged": 0, "unchanged": 4}
    code, out, _ = run(profile, capsys, "export", "-", "--format", "csv")
    assert out.count("\n") >= 5 and "Group Membership" in out


def test_export_in_gbk_names_the_character_it_cannot_write(profile: str, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    run(profile, capsys, "add", "王䶮", "--email", "wy@example.cn")
    code, _, err = run(profile, capsys, "export", str(tmp_path / "x.csv"), "--encoding", "gbk")
    assert code == 1 and "'䶮' cannot be written in gbk" in err and "--encoding gb18030" in err
    assert not (tmp_path / "x.csv").exists()
    code, _, err = run(profile, capsys, "export", str(tmp_path / "x.vcf"), "--encoding", "gb18030")
    assert code == 1 and "always UTF-8" in err
    code, _, err = run(profile, capsys, "export", str(tmp_path / "x.csv"), "--encoding", "klingon")
    assert code == 1 and "unknown encoding" in err


def test_import_of_a_missing_or_foreign_file_says_what_to_do(profile: str, tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(profile, capsys, "import", str(tmp_path / "nope.vcf"))
    assert code == 1 and "cannot read" in err and "check the file name" in err
    foreign = tmp_path / "notes.csv"
    foreign.write_text("Phone,Address\r\n123,Main St\r\n", encoding="utf-8")
    code, _, err = run(profile, capsys, "import", str(foreign))
    assert code == 1 and "names no column" in err


def test_add_the_sender_of_a_stored_message_once(profile: str, capsys: pytest.CaptureFixture[str]) -> None:
    with Store.open(Profile(Path(profile))) as store:
        account = store.add_account(Account(name="a", host="h", user="u"))
        gbk_sender = "From: 赵六 <zhao@example.cn>\r\nContent-Type: text/plain; charset=gbk\r\n\r\nhi\r\n"
        first = store.add_message(account, "1", gbk_sender.encode("gbk")).id
        no_sender = store.add_message(account, "2", b"From: undisclosed\r\nSubject: x\r\n\r\nhi\r\n").id
        store.commit()
    code, out, _ = run(profile, capsys, "add", "--from-message", str(first))
    assert code == 0 and out.startswith("added contact") and "赵六 <zhao@example.cn>" in out
    code, out, _ = run(profile, capsys, "add", "--from-message", str(first))
    assert code == 0 and "is already contact" in out and "nothing changed" in out
    assert run(profile, capsys, "list")[1].count("\n") == 1
    code, _, err = run(profile, capsys, "add", "--from-message", str(no_sender))
    assert code == 1 and "no sender address" in err
    code, _, err = run(profile, capsys, "add", "--from-message", "999999")
    assert code == 1 and "there is no message 999999" in err
    code, _, err = run(profile, capsys, "add", "X")
    assert code == 1 and "--email ADDR" in err

"""A mailbox of awkward messages for trying ``poplark fetch`` against real POP3 servers by hand.

Used for the runs against popa3d, solid-pop3d, Courier and Cyrus in ``docs/reliability.md``
("Tried on 2026-12-02"). It makes ``--count`` messages of 1-50 KB (the same ones for the same
``--seed``) with the traps that broke clients before:

- lines that start with "." and lines that are a lone "." (dot-stuffing both ways);
- raw 8-bit headers in UTF-8 (every 11th message) and Latin-1 body text (every 17th);
- body lines that start with "From " (mbox servers quote them as ">From ");
- two byte-identical messages side by side (numbers 700 and 701) and two with the same headers
  but different bodies (900 and 901; popa3d derives its UIDL from the headers).

Put them where a server reads them, then compare what Poplark stored with what the server sent::

    python bench/trap_mailbox.py maildir ~user/Maildir      # Courier, Dovecot (Maildir)
    python bench/trap_mailbox.py mbox /var/mail/user        # popa3d, solid-pop3d (mbox)
    python bench/trap_mailbox.py lmtp /run/cyrus/socket/lmtp user   # Cyrus (LMTP delivery)
    poplark --profile P export --format eml OUT
    python bench/trap_mailbox.py check OUT --wire crlf      # or mboxo, or --files SPOOL_DIR

``check`` compares the exported files with the messages as the server sends them (the multiset
of SHA-256 digests; the order of a fetch is not the order of a folder): ``crlf`` is the message
with CRLF line ends (Maildir servers), ``mboxo`` the same with the ">From " quoting that an mbox
server sends as it is, ``mboxo-blank`` that plus the blank line before the next "From " (which
solid-pop3d counts in the message). A server that rewrites messages on delivery (Cyrus adds
headers) is compared with its spool files instead (``--files``: the newest ``--count`` files of
the folder, its own ``cyrus.*`` index files left out).
It prints one line and exits 1 when anything differs. Nothing here talks to a POP3 server.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import smtplib
import sys
from collections import Counter
from pathlib import Path

WORDS = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa", "lambda", "mu", "nu",
         "xi", "omicron", "pi", "rho"]
MBOX_SEPARATOR = b"From sender@example.org Wed Dec  2 05:00:00 2026\n"


def message(index: int, rng: random.Random) -> bytes:
    """One message with LF line ends; the traps depend on ``index`` (see the module docstring)."""
    headers = [f"Return-Path: <s{index}@example.org>", f"From: Sender {index} <s{index}@example.org>",
               "To: user@example.com", f"Date: Wed, 02 Dec 2026 05:{index % 60:02d}:00 +0000",
               f"Message-ID: <m{index}.poplark-test@example.org>", f"X-Seq: {index}"]
    if index % 11 == 0:  # raw UTF-8 in headers: no RFC 2047 encoding (RFC 6532 style)
        headers[1] = f"From: José Grüße 你好 {index} <s{index}@example.org>"
        headers.append(f"Subject: Grüße aus Köln {index} — 你好世界")
    else:
        headers.append(f"Subject: test message {index}")
    size = rng.randint(1024, 50 * 1024)
    body: list[str] = []
    total = 0
    while total < size:
        line = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 14)))
        roll = rng.random()
        if index % 7 == 0 and roll < 0.05:
            line = "." + line
        elif index % 7 == 0 and roll < 0.08:
            line = ".." + line
        elif index % 50 == 0 and roll < 0.1:
            line = "."
        elif index % 17 == 0 and roll < 0.05:
            line = "café naïve" + line
        elif index % 13 == 0 and roll < 0.04:
            line = "From the start " + line
        body.append(line)
        total += len(line) + 1
    if index % 50 == 0:
        body.insert(len(body) // 2, ".")
    if index % 7 == 0:
        body.insert(1, ".leading dot")
    if index % 13 == 0:
        body.insert(2, "From here on, a line that mbox must quote")
    encoding = "latin-1" if index % 17 == 0 else "utf-8"
    return "\n".join(headers).encode() + b"\n\n" + "\n".join(body).encode(encoding) + b"\n"


def messages(count: int, seed: int) -> list[bytes]:
    rng = random.Random(seed)
    out = [message(index, rng) for index in range(count)]
    if count > 701:
        out[701] = out[700]  # byte-identical neighbours
    if count > 901:
        head = out[900].split(b"\n\n", 1)[0]
        out[901] = head + b"\n\nA different body, shorter than the other one.\nsecond line\n"
    return out


def quote_from(text: bytes) -> bytes:
    """mboxo quoting: a line that starts with "From " gets a ">" in front."""
    return b"\n".join(b">" + line if line.startswith(b"From ") else line for line in text.split(b"\n"))


def wire_form(text: bytes, kind: str) -> bytes:
    """The message as a server of this kind sends it in a RETR reply (unstuffed, CRLF)."""
    if kind in ("mboxo", "mboxo-blank"):
        text = quote_from(text)
    if kind == "mboxo-blank":
        text += b"\n"
    return text.replace(b"\n", b"\r\n")


def write_maildir(texts: list[bytes], root: Path) -> None:
    for sub in ("new", "cur", "tmp"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    for index, text in enumerate(texts):
        (root / "new" / f"1764650000.M{index:06d}P1.poplarktest,S={len(text)}").write_bytes(text)


def write_mbox(texts: list[bytes], path: Path) -> None:
    with path.open("wb") as mbox:
        for text in texts:
            mbox.write(MBOX_SEPARATOR + quote_from(text) + b"\n")


def deliver_lmtp(texts: list[bytes], where: str, recipient: str) -> None:
    host, _, port = where.rpartition(":")
    client = smtplib.LMTP(where) if where.startswith("/") else smtplib.LMTP(host, int(port))
    client.ehlo("localhost")
    options = ["BODY=8BITMIME"] if client.has_extn("8bitmime") else []
    for text in texts:
        client.sendmail("sender@example.org", [recipient], text, mail_options=options)
    client.quit()


def digests(blobs: list[bytes]) -> Counter[str]:
    return Counter(hashlib.sha256(blob).hexdigest() for blob in blobs)


def newest_files(directory: Path, count: int) -> list[bytes]:
    # Cyrus keeps its index beside the messages (cyrus.index, cyrus.cache, ...).
    files = sorted((entry for entry in directory.iterdir() if entry.is_file() and not entry.name.startswith("cyrus.")),
                   key=os.path.getmtime)
    return [entry.read_bytes() for entry in files[-count:]]


def check(exported: Path, expected: list[bytes]) -> int:
    stored = [entry.read_bytes() for entry in exported.iterdir() if entry.is_file()]
    got, want = digests(stored), digests(expected)
    missing, extra = sum((want - got).values()), sum((got - want).values())
    print(f"stored {len(stored)}, expected {len(expected)}, byte-exact: {got == want}"
          + ("" if got == want else f" (missing {missing}, not expected {extra})"))
    return 0 if got == want else 1


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--count", type=int, default=1500)
    parser.add_argument("--seed", type=int, default=12)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("maildir").add_argument("directory", type=Path)
    commands.add_parser("mbox").add_argument("file", type=Path)
    lmtp = commands.add_parser("lmtp")
    lmtp.add_argument("where", help="a unix socket path, or HOST:PORT")
    lmtp.add_argument("recipient")
    check_parser = commands.add_parser("check")
    check_parser.add_argument("exported", type=Path, help="a folder written by poplark export --format eml")
    form = check_parser.add_mutually_exclusive_group(required=True)
    form.add_argument("--wire", choices=["crlf", "mboxo", "mboxo-blank"])
    form.add_argument("--files", type=Path, help="the server's spool folder: compare with its newest files")
    arguments = parser.parse_args(argv)
    texts = messages(arguments.count, arguments.seed)
    if arguments.command == "maildir":
        write_maildir(texts, arguments.directory)
    elif arguments.command == "mbox":
        write_mbox(texts, arguments.file)
    elif arguments.command == "lmtp":
        deliver_lmtp(texts, arguments.where, arguments.recipient)
    elif arguments.files is not None:
        return check(arguments.exported, newest_files(arguments.files, arguments.count))
    else:
        return check(arguments.exported, [wire_form(text, arguments.wire) for text in texts])
    print(f"{len(texts)} messages, {sum(map(len, texts))} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

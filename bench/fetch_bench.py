"""Fetch benchmark: ``poplark fetch`` against a bare pipelined client and mpop, on a private Dovecot.

Run from the repository root::

    .venv/bin/python bench/fetch_bench.py                 # 5,000 messages, 340 MB, 3 runs
    .venv/bin/python bench/fetch_bench.py --quick         # smoke run: 500 messages, 30 MB, 1 run

What it does, in one process run:

1. Generates a deterministic mailbox (``random.Random(seed)``): mixed sizes (many 2-20 KB text
   messages, some 100 KB-1 MB and a few 2-5 MB with base64 attachments), realistic headers, some
   RFC 2047 Chinese subjects, LF line endings as an MDA stores them, lines that start with ".".
2. Starts a private Dovecot (``tests/fakes/dovecot.py``) with test certificates and three users:
   ``keep`` (the mailbox, delivered once and left on the server), ``delete`` (the same mailbox,
   delivered again before every delete-mode run) and ``delay`` (a small mailbox for the
   round-trip test).
3. On loopback, for plain text and implicit TLS, in keep mode and in delete mode, times:
   ``poplark fetch`` as a subprocess into a fresh profile (plus, in keep mode, a second no-op
   fetch and the bare start-up cost ``poplark account list``); a bare pipelined socket client
   written here (the practical limit); and mpop when it is installed.
4. Through a proxy that adds 10 ms in each direction (20 ms round trip), times a full fetch of
   ``--delay-messages`` small messages by poplark, the bare client, the bare client without
   pipelining, and mpop.
5. Prints medians over ``--runs`` (no run is dropped) with the ratios poplark/mpop and
   poplark/bare, and writes everything to ``bench/results/fetch-<date>.json``.

Fairness: every timed session sees the same server state. After each delivery an untimed session
lets Dovecot build its index (a real server has one); in keep mode an untimed full fetch first
marks every message seen, so no timed client pays for Dovecot's flag updates at QUIT. Client
order is rotated from run to run. Poplark and mpop are timed as whole processes (start-up
included); the bare client runs inside this process and is timed from connect to QUIT's reply.

Benchmarks report; they assert nothing about timings. A client that fails or fetches the wrong
number of messages is reported under "anomalies" and left out of the medians.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import email.utils
import hashlib
import io
import json
import math
import multiprocessing
import os
import platform
import pstats
import random
import re
import shutil
import signal
import socket
import sqlite3
import ssl
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from types import TracebackType
from typing import Any, Self

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from tests.fakes.certs import make_test_certificates  # noqa: E402
from tests.fakes.dovecot import PrivateDovecot, wire_size  # noqa: E402

HOST = "127.0.0.1"
KIB = 1024
MIB = 1024 * 1024
MB = 1_000_000

#: Dovecot users: the keep-mode mailbox, the delete-mode mailbox, the small round-trip mailbox.
KEEP_USER = "keep"
DELETE_USER = "delete"
DELAY_USER = "delay"
USERS = {KEEP_USER: "keep-secret", DELETE_USER: "delete-secret", DELAY_USER: "delay-secret"}
ACCOUNT_NAME = "bench"

SECURITIES = ("plain", "tls")
MODES = ("keep", "delete")

#: Bounded waits: a full fetch of 340 MB takes seconds; these only stop a hung run.
FETCH_TIMEOUT_SECONDS = 900.0
SHORT_COMMAND_TIMEOUT_SECONDS = 60.0
SOCKET_TIMEOUT_SECONDS = 60.0
PROXY_IDLE_TIMEOUT_SECONDS = 300.0

#: The bare client keeps up to this many commands in flight and refills at half.
DEFAULT_BARE_WINDOW = 1000
#: 10 ms each way, 20 ms round trip.
DEFAULT_ONE_WAY_DELAY_SECONDS = 0.010

# -- mailbox generation ---------------------------------------------------------------------------

SMALL_RANGE = (2 * KIB, 20 * KIB)
MEDIUM_RANGE = (100 * KIB, 1 * MIB)
LARGE_RANGE = (2 * MIB, 5 * MIB)
MEDIUM_SHARE = 0.08
LARGE_SHARE = 0.01
#: Messages at least this big carry a base64 attachment; smaller ones are plain text.
ATTACHMENT_THRESHOLD = 64 * KIB
DELAY_MESSAGE_RANGE = (4 * KIB, 6 * KIB)
TINY_MESSAGE_RANGE = (512, 4 * KIB)
CHINESE_SHARE = 0.2
MAILBOX_SEED = 20240611
DELAY_MAILBOX_SEED = 20240612

FIRST_NAMES = ("Alice", "Bob", "Carol", "David", "Erin", "Frank", "Grace", "Heidi", "Ivan", "Judy",
               "Mallory", "Niaj", "Olivia", "Peggy", "Rupert", "Sybil", "Trent", "Victor", "Walter")
LAST_NAMES = ("Smith", "Chen", "Wang", "Li", "Zhang", "Liu", "Müller", "Garcia", "Brown", "Tanaka",
              "Novak", "Rossi", "Kowalski", "Johnson", "Nguyen", "Silva")
CHINESE_NAMES = ("张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄强", "周杰", "吴婷")
DOMAINS = ("example.com", "example.org", "mail.example.net", "qq.example.cn", "163.example.cn",
           "lists.example.org", "shop.example.com", "corp.example.net")
ENGLISH_SUBJECTS = ("Quarterly report", "Meeting notes for Monday", "Re: project schedule",
                    "Invoice {n}", "Your order {n} has shipped", "Fwd: budget review",
                    "Weekly newsletter #{n}", "Re: Re: holiday plans", "Build {n} failed",
                    "Photos from the trip", "Contract draft v{n}", "Reminder: deadline on Friday")
CHINESE_SUBJECTS = ("会议通知：下周一项目评审", "季度报告已上传，请查收", "关于年度预算的讨论",
                    "您的订单已发货", "周末聚餐安排", "回复：合同草稿第{n}版", "部门例会纪要",
                    "请确认出差行程", "系统维护通知", "新年快乐，万事如意")
#: What the first search after each fetch looks for (one of WORDS).
SEARCH_WORD = "invoice"
WORDS = ("the", "report", "meeting", "budget", "project", "schedule", "review", "please", "find", "attached",
         "regards", "thanks", "update", "status", "team", "deadline", "customer", "invoice", "payment", "order",
         "shipment", "draft", "contract", "agenda", "minutes", "next", "week", "Monday", "Friday", "server",
         "release", "version", "build", "test", "results", "question", "answer", "proposal", "details",
         "figures", "summary", "quarter", "revenue", "cost", "plan", "office", "travel", "hotel", "flight",
         "booking", "confirm", "available", "tomorrow", "morning", "afternoon", "call")
CHINESE_CHARACTERS = ("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动"
                      "同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高"
                      "自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政")


@dataclass(frozen=True)
class Mailbox:
    """Message files as an MDA stores them (LF line endings)."""

    messages: list[bytes]

    @property
    def file_bytes(self) -> int:
        return sum(len(message) for message in self.messages)

    @property
    def wire_bytes(self) -> int:
        """What a client receives after dot-unstuffing (Dovecot sends LF as CRLF)."""
        return sum(wire_size(message) for message in self.messages)

    def describe(self) -> dict[str, Any]:
        sizes = sorted(len(message) for message in self.messages)
        buckets = {
            "under_20_kib": sum(1 for size in sizes if size < 20 * KIB),
            "20_kib_to_100_kib": sum(1 for size in sizes if 20 * KIB <= size < 100 * KIB),
            "100_kib_to_2_mib": sum(1 for size in sizes if 100 * KIB <= size < 2 * MIB),
            "2_mib_and_over": sum(1 for size in sizes if size >= 2 * MIB),
        }
        return {
            "messages": len(sizes),
            "file_bytes": self.file_bytes,
            "wire_bytes": self.wire_bytes,
            "smallest_bytes": sizes[0] if sizes else 0,
            "median_bytes": int(statistics.median(sizes)) if sizes else 0,
            "largest_bytes": sizes[-1] if sizes else 0,
            "size_buckets": buckets,
            "lines_starting_with_dot": sum(message.count(b"\n.") for message in self.messages),
        }


def log_uniform(rng: random.Random, low: int, high: int) -> int:
    """A size between low and high, evenly spread on a log scale (small sizes are common)."""
    return int(math.exp(rng.uniform(math.log(low), math.log(high))))


def plan_sizes(rng: random.Random, count: int, total_bytes: int) -> list[int]:
    """Sizes for ``count`` messages adding up to about ``total_bytes``.

    Small messages keep their 2-20 KB spread; the medium and large ones are scaled together so
    the total comes out right (with the default 5,000 messages and 340 MB the factor is ~0.9).
    """
    large_count = max(1, round(count * LARGE_SHARE)) if count >= 20 else 0
    medium_count = round(count * MEDIUM_SHARE)
    small_count = count - large_count - medium_count
    small = [log_uniform(rng, *SMALL_RANGE) for _ in range(small_count)]
    big = [log_uniform(rng, *MEDIUM_RANGE) for _ in range(medium_count)]
    big += [int(rng.uniform(*LARGE_RANGE)) for _ in range(large_count)]
    if big:
        factor = max(0.05, (total_bytes - sum(small)) / sum(big))
        big = [max(ATTACHMENT_THRESHOLD, int(size * factor)) for size in big]
    sizes = small + big
    rng.shuffle(sizes)
    return sizes


def make_english_lines(rng: random.Random, count: int) -> list[bytes]:
    """Body lines of about 60-76 characters, with the awkward cases a POP3 client must handle."""
    lines: list[bytes] = []
    for _ in range(count):
        width = rng.randint(60, 76)
        line = rng.choice(WORDS)
        while len(line) < width - 12:
            line += " " + rng.choice(WORDS)
        roll = rng.random()
        if roll < 0.03:
            line = "." + line[:75]  # must be dot-stuffed on the wire
        elif roll < 0.035:
            line = "."  # a lone dot: looks like the terminator unless stuffed
        elif roll < 0.04:
            line = ".." + line[:74]
        elif roll < 0.10:
            line = ""
        elif roll < 0.15:
            line = "> " + line[:74]
        lines.append(line.encode("utf-8") + b"\n")
    return lines


def make_chinese_lines(rng: random.Random, count: int) -> list[bytes]:
    """UTF-8 lines of 20-25 Chinese characters (60-75 bytes)."""
    lines = []
    for _ in range(count):
        text = "".join(rng.choice(CHINESE_CHARACTERS) for _ in range(rng.randint(20, 25)))
        lines.append(("。" + text if rng.random() < 0.05 else text).encode("utf-8") + b"\n")
    return lines


def encoded_words(text: str, charset: str) -> str:
    """RFC 2047 "B" encoded words, folded onto continuation lines, for a non-ASCII header."""
    pieces = [text[start:start + 12] for start in range(0, len(text), 12)]
    words = [f"=?{charset}?B?{base64.b64encode(piece.encode(charset)).decode('ascii')}?="
             for piece in pieces]
    return "\n ".join(words)


@dataclass
class MessageFactory:
    """Builds one message file of about a given size; every choice comes from ``rng``."""

    rng: random.Random
    english_lines: list[bytes] = field(default_factory=list)
    chinese_lines: list[bytes] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.english_lines = make_english_lines(self.rng, 4096)
        self.chinese_lines = make_chinese_lines(self.rng, 1024)

    def build(self, index: int, size: int) -> bytes:
        chinese = self.rng.random() < CHINESE_SHARE
        boundary = f"=_poplark_bench_{index}_{self.rng.getrandbits(32):08x}"
        if size >= ATTACHMENT_THRESHOLD:
            content_type = f'Content-Type: multipart/mixed; boundary="{boundary}"\n'
        else:
            content_type = "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n"
        head = self._headers(index, chinese) + content_type + "\n"
        parts = [head.encode("utf-8")]
        if size >= ATTACHMENT_THRESHOLD:
            self._multipart_body(parts, index, size, boundary, chinese)
        else:
            self._text_lines(parts, size, chinese)
        return b"".join(parts)

    def _headers(self, index: int, chinese: bool) -> str:
        rng = self.rng
        domain = rng.choice(DOMAINS)
        if chinese:
            display = encoded_words(rng.choice(CHINESE_NAMES), "utf-8")
            subject_text = rng.choice(CHINESE_SUBJECTS).format(n=rng.randint(1, 9))
            subject = encoded_words(subject_text, rng.choice(("utf-8", "utf-8", "gb2312")))
        else:
            display = f'"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"'
            display = display if display.isascii() else encoded_words(display.strip('"'), "utf-8")
            subject = rng.choice(ENGLISH_SUBJECTS).format(n=rng.randint(100, 99999))
        sender = f"user{rng.randint(1, 500)}@{domain}"
        sent = datetime(2024, 6, 1, 9, 0, tzinfo=timezone(timedelta(hours=8))) - timedelta(
            minutes=index * 7 + rng.randint(0, 6))
        date = email.utils.format_datetime(sent)
        queue_id = f"{rng.getrandbits(40):010X}"
        return (
            f"Return-Path: <{sender}>\n"
            "Delivered-To: alice@example.com\n"
            f"Received: from mail{rng.randint(1, 9)}.{domain} (mail.{domain} [198.51.100.{rng.randint(1, 254)}])\n"
            f"\tby mx.example.com (Postfix) with ESMTPS id {queue_id}\n"
            f"\tfor <alice@example.com>; {date}\n"
            f"From: {display} <{sender}>\n"
            "To: Alice Example <alice@example.com>\n"
            f"Subject: {subject}\n"
            f"Date: {date}\n"
            f"Message-ID: <{index}.{rng.getrandbits(48):012x}@{domain}>\n"
            "MIME-Version: 1.0\n"
        )

    def _text_lines(self, parts: list[bytes], size: int, chinese: bool) -> None:
        """Append body lines until the message reaches ``size`` bytes."""
        pool = self.chinese_lines if chinese else self.english_lines
        current = sum(len(part) for part in parts)
        while current < size:
            line = self.rng.choice(pool)
            parts.append(line)
            current += len(line)

    def _multipart_body(self, parts: list[bytes], index: int, size: int, boundary: str, chinese: bool) -> None:
        parts.append(b"This is a multi-part message in MIME format.\n\n")
        parts.append(f"--{boundary}\nContent-Type: text/plain; charset=utf-8\n"
                     "Content-Transfer-Encoding: 8bit\n\n".encode("ascii"))
        self._text_lines(parts, sum(len(part) for part in parts) + self.rng.randint(500, 3000), chinese)
        name = f"report-{index}.{self.rng.choice(('pdf', 'zip', 'jpg', 'docx'))}"
        parts.append(f"\n--{boundary}\nContent-Type: application/octet-stream; name=\"{name}\"\n"
                     f"Content-Disposition: attachment; filename=\"{name}\"\n"
                     "Content-Transfer-Encoding: base64\n\n".encode("ascii"))
        closing = f"\n--{boundary}--\n".encode("ascii")
        remaining = size - sum(len(part) for part in parts) - len(closing)
        # base64 turns 57 bytes into a 76-character line plus LF.
        raw_size = max(57, remaining * 57 // 77)
        parts.append(base64.encodebytes(self.rng.randbytes(raw_size)).rstrip(b"\n"))
        parts.append(closing)


def generate_mailbox(count: int, total_bytes: int, seed: int) -> Mailbox:
    rng = random.Random(seed)
    factory = MessageFactory(rng)
    sizes = plan_sizes(rng, count, total_bytes)
    return Mailbox([factory.build(index, size) for index, size in enumerate(sizes, start=1)])


def generate_tiny_mailbox(count: int, seed: int) -> Mailbox:
    """``count`` plain messages of 0.5-4 KB: where the cost per message, not per byte, decides."""
    rng = random.Random(seed)
    factory = MessageFactory(rng)
    return Mailbox([factory.build(index, rng.randint(*TINY_MESSAGE_RANGE)) for index in range(1, count + 1)])


def big_messages(count: int, size: int, seed: int) -> list[bytes]:
    """``count`` messages of about ``size`` bytes, each one base64 attachment (for peak memory)."""
    rng = random.Random(seed)
    raw_size = size * 57 // 77
    return [(f"From: Big Sender <big@example.com>\nTo: alice@example.com\nSubject: big {index}\n"
             f"Message-ID: <big-{index}@example.com>\nMIME-Version: 1.0\n"
             "Content-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\n").encode("ascii")
            + base64.encodebytes(rng.randbytes(raw_size)) for index in range(1, count + 1)]


def generate_small_mailbox(count: int, seed: int) -> Mailbox:
    rng = random.Random(seed)
    factory = MessageFactory(rng)
    sizes = [rng.randint(*DELAY_MESSAGE_RANGE) for _ in range(count)]
    return Mailbox([factory.build(index, size) for index, size in enumerate(sizes, start=1)])


# -- the bare client ------------------------------------------------------------------------------

TERMINATOR = b"\r\n.\r\n"
RECEIVE_SIZE = 256 * KIB


class BenchError(RuntimeError):
    """A client failed or did something unexpected; the run is reported as an anomaly."""


@dataclass(frozen=True)
class FetchOutcome:
    seconds: float
    messages: int
    received_bytes: int | None = None


class BareSession:
    """The least a POP3 client can do: send commands, find where each reply ends, keep nothing.

    Replies are scanned in one growing buffer with an offset, so many small replies in one read
    cost no copying; a large reply is dropped as it streams, keeping only the last four bytes
    that may begin the terminator.
    """

    def __init__(self, connection: socket.socket) -> None:
        self.connection = connection
        self.buffer = bytearray()
        self.start = 0
        self.received_bytes = 0
        self.receive_space = memoryview(bytearray(RECEIVE_SIZE))

    def _receive(self) -> None:
        if self.start:
            del self.buffer[: self.start]
            self.start = 0
        size = self.connection.recv_into(self.receive_space)
        if size == 0:
            raise BenchError("the server closed the connection")
        self.buffer += self.receive_space[:size]
        self.received_bytes += size

    def send(self, data: bytes) -> None:
        self.connection.sendall(data)

    def read_line(self) -> bytes:
        while (end := self.buffer.find(b"\r\n", self.start)) < 0:
            self._receive()
        line = bytes(self.buffer[self.start:end])
        self.start = end + 2
        return line

    def expect_ok(self, what: str) -> bytes:
        line = self.read_line()
        if not line.startswith(b"+OK"):
            raise BenchError(f"{what}: the server answered {line[:100]!r}")
        return line

    def command(self, line: str) -> bytes:
        self.send(line.encode("ascii") + b"\r\n")
        return self.expect_ok(line.split(" ", 1)[0])

    def read_listing(self, what: str) -> list[bytes]:
        """A multi-line reply whose lines are wanted (UIDL, LIST)."""
        self.expect_ok(what)
        lines = []
        while (line := self.read_line()) != b".":
            lines.append(line)
        return lines

    def skip_multiline_reply(self, what: str) -> None:
        """Consume one multi-line reply, looking only for its terminator."""
        while (line_end := self.buffer.find(b"\r\n", self.start)) < 0:
            self._receive()
        if not self.buffer.startswith(b"+OK", self.start):
            raise BenchError(f"{what}: the server answered {bytes(self.buffer[self.start:line_end])[:100]!r}")
        # Search from the status line's CRLF: an empty body ends "+OK\r\n.\r\n".
        search_from = line_end
        while (terminator := self.buffer.find(TERMINATOR, search_from)) < 0:
            self.start = max(search_from, len(self.buffer) - (len(TERMINATOR) - 1))
            self._receive()
            search_from = self.start
        self.start = terminator + len(TERMINATOR)

    def run_windowed(self, commands: list[bytes], window: int, *, multiline: bool, what: str) -> int:
        """Send ``commands`` keeping at most ``window`` unanswered, refilling at half; count replies."""
        sent = answered = 0
        refill_at = window // 2
        while answered < len(commands):
            if sent < len(commands) and sent - answered <= refill_at:
                batch_end = min(len(commands), answered + window)
                self.send(b"".join(commands[sent:batch_end]))
                sent = batch_end
            if multiline:
                self.skip_multiline_reply(what)
            else:
                self.expect_ok(what)
            answered += 1
        return answered


def bare_fetch(port: int, user: str, *, tls_context: ssl.SSLContext | None, delete: bool,
               pipelined: bool = True, window: int = DEFAULT_BARE_WINDOW, retrieve: bool = True) -> FetchOutcome:
    """Log in with USER/PASS, UIDL and LIST, RETR everything (DELE in delete mode), QUIT.

    ``retrieve=False`` only lists: the untimed session that lets Dovecot build its index.
    """
    started = time.perf_counter()
    raw = socket.create_connection((HOST, port), timeout=SOCKET_TIMEOUT_SECONDS)
    raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    connection = raw
    try:
        if tls_context is not None:
            connection = tls_context.wrap_socket(raw, server_hostname=HOST)
        session = BareSession(connection)
        session.expect_ok("greeting")
        session.command(f"USER {user}")
        session.command(f"PASS {USERS[user]}")
        if pipelined:
            session.send(b"UIDL\r\nLIST\r\n")
            uids = session.read_listing("UIDL")
            sizes = session.read_listing("LIST")
        else:
            session.send(b"UIDL\r\n")
            uids = session.read_listing("UIDL")
            session.send(b"LIST\r\n")
            sizes = session.read_listing("LIST")
        numbers = [int(line.split()[0]) for line in sizes]
        if len(uids) != len(numbers):
            raise BenchError(f"UIDL listed {len(uids)} messages, LIST {len(numbers)}")
        effective_window = window if pipelined else 1
        retrieved = 0
        if retrieve:
            retrieved = session.run_windowed([b"RETR %d\r\n" % number for number in numbers], effective_window,
                                             multiline=True, what="RETR")
            if delete:
                session.run_windowed([b"DELE %d\r\n" % number for number in numbers], effective_window,
                                     multiline=False, what="DELE")
        session.command("QUIT")
    finally:
        connection.close()
    return FetchOutcome(time.perf_counter() - started, retrieved, session.received_bytes)


# -- the delay proxy ------------------------------------------------------------------------------

class DelayedPipe:
    """One direction of a relayed connection: every chunk leaves ``delay`` seconds after it arrived.

    A reader thread stamps each chunk with its due time; a sender thread forwards chunks in order
    when they are due. No bandwidth limit: chunks queue without bound.
    """

    def __init__(self, source: socket.socket, target: socket.socket, delay: float,
                 finished: Callable[[], None]) -> None:
        self.source = source
        self.target = target
        self.delay = delay
        self.finished = finished
        self.queue: deque[tuple[float, bytes]] = deque()
        self.ready = threading.Condition()

    def start(self) -> None:
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._send, daemon=True).start()

    def _enqueue(self, chunk: bytes) -> None:
        with self.ready:
            self.queue.append((time.monotonic() + self.delay, chunk))
            self.ready.notify()

    def _read(self) -> None:
        try:
            while chunk := self.source.recv(64 * KIB):
                self._enqueue(chunk)
        except OSError:
            pass
        self._enqueue(b"")  # end of stream, forwarded as a half-close when due

    def _send(self) -> None:
        try:
            while True:
                with self.ready:
                    while not self.queue:
                        self.ready.wait()
                    due, chunk = self.queue.popleft()
                pause = due - time.monotonic()
                if pause > 0:
                    time.sleep(pause)
                if not chunk:
                    self.target.shutdown(socket.SHUT_WR)
                    return
                self.target.sendall(chunk)
        except OSError:
            pass
        finally:
            self.finished()


def relay_with_delay(client: socket.socket, target_port: int, delay: float) -> None:
    """Connect to the target and relay both directions; close both sockets when both are done."""
    try:
        server = socket.create_connection((HOST, target_port), timeout=SOCKET_TIMEOUT_SECONDS)
    except OSError:
        client.close()
        return
    for connection in (client, server):
        connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        connection.settimeout(PROXY_IDLE_TIMEOUT_SECONDS)
    remaining = [2]
    lock = threading.Lock()

    def one_direction_finished() -> None:
        with lock:
            remaining[0] -= 1
            if remaining[0] == 0:
                client.close()
                server.close()

    DelayedPipe(client, server, delay, one_direction_finished).start()
    DelayedPipe(server, client, delay, one_direction_finished).start()


def serve_delay_proxy(listener: socket.socket, target_port: int, delay: float) -> None:
    """Runs in the proxy's own process until it is terminated."""
    while True:
        client, _ = listener.accept()
        relay_with_delay(client, target_port, delay)


class DelayProxy:
    """A TCP relay on 127.0.0.1 in a separate process, adding ``delay`` seconds each way.

    A process of its own keeps the relay's threads from competing with the bare client, which
    runs in this process, for the interpreter lock.
    """

    def __init__(self, target_port: int, delay: float) -> None:
        self.listener = socket.create_server((HOST, 0))
        self.port: int = self.listener.getsockname()[1]
        context = multiprocessing.get_context("fork")
        self.process = context.Process(target=serve_delay_proxy, args=(self.listener, target_port, delay),
                                       daemon=True, name="delay-proxy")

    def __enter__(self) -> Self:
        self.process.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.process.terminate()
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(timeout=5)
        self.listener.close()


# -- poplark and mpop as subprocesses --------------------------------------------------------------

@dataclass(frozen=True)
class Server:
    """Where and how a client connects."""

    port: int
    security: str  # "plain" or "tls"
    user: str
    keep: bool
    ca_file: Path


def run_timed(command: list[str], *, input_text: str | None = None,
              timeout: float = FETCH_TIMEOUT_SECONDS) -> tuple[float, subprocess.CompletedProcess[str]]:
    started = time.perf_counter()
    completed = subprocess.run(command, input=input_text, capture_output=True, text=True, timeout=timeout,
                               cwd=REPO_ROOT, check=False, stdin=None if input_text is not None else subprocess.DEVNULL)
    return time.perf_counter() - started, completed


def describe_failure(name: str, completed: subprocess.CompletedProcess[str]) -> str:
    output = (completed.stderr.strip() or completed.stdout.strip())[-800:]
    return f"{name} exited with status {completed.returncode}: {output}"


def poplark_command(profile: Path, *arguments: str) -> list[str]:
    return [sys.executable, "-m", "app", "--profile", str(profile), *arguments]


def poplark_add_account(profile: Path, server: Server) -> None:
    arguments = ["account", "add", ACCOUNT_NAME, "--host", HOST, "--port", str(server.port),
                 "--user", server.user, "--no-store-password"]
    if server.security == "tls":
        arguments += ["--security", "tls", "--ca-file", str(server.ca_file)]
    else:
        arguments += ["--security", "none", "--allow-insecure-auth"]
    if server.keep:
        arguments.append("--leave-on-server")
    _, completed = run_timed(poplark_command(profile, *arguments), timeout=SHORT_COMMAND_TIMEOUT_SECONDS)
    if completed.returncode != 0:
        raise BenchError(describe_failure("poplark account add", completed))


def poplark_fetch_command(profile: Path) -> list[str]:
    return poplark_command(profile, "fetch", ACCOUNT_NAME, "--password-stdin", "--quiet")


def poplark_fetch(profile: Path, server: Server) -> FetchOutcome:
    seconds, completed = run_timed(poplark_fetch_command(profile), input_text=USERS[server.user] + "\n")
    if completed.returncode != 0:
        raise BenchError(describe_failure("poplark fetch", completed))
    match = re.search(r"(\d+) new message", completed.stdout)
    if match is None:
        raise BenchError(f"poplark fetch printed no summary: {completed.stdout.strip()[:300]}")
    return FetchOutcome(seconds, int(match.group(1)))


def poplark_search(profile: Path) -> FetchOutcome:
    """``poplark search`` right after a fetch: it indexes what is still pending first (helping the
    indexer the fetch left in the background), so this is how long until the new mail is found."""
    seconds, completed = run_timed(poplark_command(profile, "search", SEARCH_WORD), timeout=FETCH_TIMEOUT_SECONDS)
    if completed.returncode != 0:
        raise BenchError(describe_failure("poplark search", completed))
    return FetchOutcome(seconds, 0)


def poplark_processes_of(profile: Path) -> list[int]:
    """Process ids of poplark commands still running on ``profile`` (Linux: /proc)."""
    marker = str(profile).encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command_line = (entry / "cmdline").read_bytes()
        except OSError:
            continue  # ended meanwhile, or not ours to read
        if marker in command_line.split(b"\0"):
            found.append(int(entry.name))
    return found


def wait_for_poplark_processes(profile: Path, timeout: float = FETCH_TIMEOUT_SECONDS) -> float:
    """Wait until no poplark process works on ``profile`` (the indexer a fetch leaves running), so
    that it takes no CPU from the next measurement; returns the seconds waited."""
    started = time.perf_counter()
    while poplark_processes_of(profile):
        if time.perf_counter() - started > timeout:
            raise BenchError(f"a poplark process still works on the profile after {timeout:.0f} s")
        time.sleep(0.02)
    return time.perf_counter() - started


def poplark_startup_seconds(profile: Path) -> float:
    """Wall time of ``poplark account list``: interpreter, imports and opening the store."""
    seconds, completed = run_timed(poplark_command(profile, "account", "list"),
                                   timeout=SHORT_COMMAND_TIMEOUT_SECONDS)
    if completed.returncode != 0:
        raise BenchError(describe_failure("poplark account list", completed))
    return seconds


def mpop_binary() -> str | None:
    return shutil.which("mpop")


def count_files(directory: Path) -> int:
    with contextlib.suppress(FileNotFoundError), os.scandir(directory) as entries:
        return sum(1 for entry in entries if entry.is_file(follow_symlinks=False))
    return 0


def write_mpop_config(directory: Path, server: Server) -> tuple[Path, Path]:
    """A configuration file for one account (the password is in it; mode 0600) and its maildir."""
    maildir = directory / "maildir"
    for subdirectory in ("cur", "new", "tmp"):
        (maildir / subdirectory).mkdir(parents=True, exist_ok=True)
    config = directory / "mpoprc"
    tls = "on" if server.security == "tls" else "off"
    config.write_text(
        f"account {ACCOUNT_NAME}\n"
        f"host {HOST}\n"
        f"port {server.port}\n"
        f"tls {tls}\n"
        "tls_starttls off\n"
        f"tls_trust_file {server.ca_file}\n"
        "auth user\n"
        f"user {server.user}\n"
        f"password {USERS[server.user]}\n"
        f"delivery maildir {maildir}\n"
        f"keep {'on' if server.keep else 'off'}\n"
        f"uidls_file {directory / 'uidls'}\n"
        "pipelining auto\n"
    )
    os.chmod(config, 0o600)
    return config, maildir


def mpop_fetch(directory: Path, server: Server) -> FetchOutcome:
    binary = mpop_binary()
    assert binary is not None
    config, maildir = write_mpop_config(directory, server)
    seconds, completed = run_timed([binary, "-C", str(config), "-q", ACCOUNT_NAME])
    if completed.returncode != 0:
        raise BenchError(describe_failure("mpop", completed))
    return FetchOutcome(seconds, count_files(maildir / "new") + count_files(maildir / "cur"))


# -- other work on the machine --------------------------------------------------------------------

CLOCK_TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")


def system_busy_seconds() -> float:
    """CPU time spent by everything on the machine since boot (all CPUs; idle and iowait excluded)."""
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields
    return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS_PER_SECOND


def process_cpu_seconds(process_id: int, *, reaped_children: bool) -> float:
    """utime + stime of a live process, plus the children it has reaped when asked (0 if gone)."""
    try:
        text = Path(f"/proc/{process_id}/stat").read_text()
    except OSError:
        return 0.0
    # After the parenthesised command name: field 3 (state) is index 0, utime (field 14) index 11.
    fields = text.rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])
    if reaped_children:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / CLOCK_TICKS_PER_SECOND


@dataclass
class ContentionMeter:
    """Estimates the CPU that processes other than the benchmark's used during a measurement.

    Everything busy on the machine minus this process and the children it reaped (poplark, mpop),
    the delay proxy and Dovecot (its master with the sessions it reaped, and its live processes).
    On a 2-CPU machine the clients and Dovecot already need both CPUs, so any other work slows
    the measurement down; the table shows this as "other CPU" (cores, averaged over the run).
    """

    dovecot: PrivateDovecot
    extra_process_ids: list[int] = field(default_factory=list)

    def snapshot(self) -> tuple[float, float]:
        times = os.times()
        own = times.user + times.system + times.children_user + times.children_system
        master = self.dovecot.master_pid
        for process_id in self.dovecot.process_ids():
            own += process_cpu_seconds(process_id, reaped_children=process_id == master)
        for process_id in self.extra_process_ids:
            own += process_cpu_seconds(process_id, reaped_children=True)
        return system_busy_seconds(), own

    @staticmethod
    def other_cores(before: tuple[float, float], after: tuple[float, float], wall_seconds: float) -> float:
        other = (after[0] - before[0]) - (after[1] - before[1])
        return max(0.0, other) / wall_seconds if wall_seconds > 0 else 0.0


# -- results ---------------------------------------------------------------------------------------

@dataclass
class Series:
    """All runs of one client in one situation."""

    section: str  # "loopback" or "delay"
    security: str
    mode: str
    client: str
    seconds: list[float] = field(default_factory=list)
    messages: list[int] = field(default_factory=list)
    other_cores: list[float] = field(default_factory=list)
    failures: int = 0

    @property
    def median(self) -> float | None:
        return statistics.median(self.seconds) if self.seconds else None

    @property
    def most_other_cores(self) -> float | None:
        return max(self.other_cores) if self.other_cores else None


CLIENT_LABELS = {
    "poplark": "poplark fetch (full)",
    "poplark-search": "first poplark search after it",
    "poplark-noop": "poplark fetch (no-op, 2nd run)",
    "poplark-startup": "poplark start-up (account list)",
    "bare": "bare pipelined client",
    "bare-unpipelined": "bare client, no pipelining",
    "mpop": "mpop",
}


@dataclass
class Results:
    meter: ContentionMeter
    series: dict[tuple[str, str, str, str], Series] = field(default_factory=dict)
    anomalies: list[str] = field(default_factory=list)
    #: Messages not yet indexed for search when each poplark full fetch returned.
    unindexed_at_return: list[int] = field(default_factory=list)
    #: Per full fetch: (not indexed at its return, seconds of the first search after it).
    searchable: list[tuple[int, float]] = field(default_factory=list)

    def get(self, section: str, security: str, mode: str, client: str) -> Series:
        key = (section, security, mode, client)
        if key not in self.series:
            self.series[key] = Series(section, security, mode, client)
        return self.series[key]

    def median(self, section: str, security: str, mode: str, client: str) -> float | None:
        series = self.series.get((section, security, mode, client))
        return series.median if series else None

    def record(self, section: str, server: Server, mode: str, client: str, expected: int,
               measure: Callable[[], FetchOutcome]) -> FetchOutcome | None:
        """Run one measurement; a failure or a wrong count becomes an anomaly, not a median entry."""
        series = self.get(section, server.security, mode, client)
        where = f"{section} {server.security} {mode} {client}"
        before = self.meter.snapshot()
        started = time.perf_counter()
        try:
            outcome = measure()
        except (BenchError, OSError, subprocess.TimeoutExpired) as error:
            series.failures += 1
            self.anomalies.append(f"{where}: {error}")
            log(f"  {where}: FAILED: {error}")
            return None
        if outcome.messages != expected:
            series.failures += 1
            self.anomalies.append(f"{where}: fetched {outcome.messages} messages, expected {expected}")
            log(f"  {where}: {outcome.seconds:.2f} s but {outcome.messages} messages (expected {expected})")
            return None
        other_cores = self.meter.other_cores(before, self.meter.snapshot(), time.perf_counter() - started)
        series.seconds.append(outcome.seconds)
        series.messages.append(outcome.messages)
        series.other_cores.append(other_cores)
        log(f"  {where}: {outcome.seconds:.3f} s ({outcome.messages} messages; other CPU {other_cores:.2f} cores)")
        return outcome


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


# -- the benchmark ---------------------------------------------------------------------------------

@dataclass
class Bench:
    """Everything a run needs: the server, the mailboxes, where scratch files go, the results."""

    options: argparse.Namespace
    dovecot: PrivateDovecot
    ca_file: Path
    scratch: Path
    mailbox: Mailbox
    small_mailbox: Mailbox
    results: Results = field(init=False)
    tiny_mailboxes: dict[int, Mailbox] = field(default_factory=dict)
    memory: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.results = Results(ContentionMeter(self.dovecot))

    def server(self, security: str, user: str, keep: bool, port: int | None = None) -> Server:
        default_port = self.dovecot.pop3s_port if security == "tls" else self.dovecot.pop3_port
        return Server(port or default_port, security, user, keep, self.ca_file)

    def tls_context(self, server: Server) -> ssl.SSLContext | None:
        if server.security != "tls":
            return None
        return ssl.create_default_context(cafile=str(self.ca_file))

    @contextlib.contextmanager
    def scratch_directory(self, prefix: str) -> Iterator[Path]:
        directory = Path(tempfile.mkdtemp(prefix=prefix, dir=self.scratch))
        try:
            yield directory
        finally:
            shutil.rmtree(directory, ignore_errors=True)

    def clients(self, run_index: int, names: list[str]) -> list[str]:
        """The clients in this run's order: rotated each run, so none always goes first."""
        available = [name for name in names if name != "mpop" or mpop_binary()]
        shift = run_index % len(available)
        return available[shift:] + available[:shift]

    # -- mailbox state

    def deliver_delete_mailbox(self) -> None:
        """A fresh copy for one delete-mode session, already indexed by Dovecot."""
        if self.dovecot.message_count_on_server(DELETE_USER):
            self.clear_mailbox(DELETE_USER)
        self.dovecot.deliver_many(DELETE_USER, self.mailbox.messages)
        bare_fetch(self.dovecot.pop3_port, DELETE_USER, tls_context=None, delete=False, retrieve=False)

    def clear_mailbox(self, user: str) -> None:
        maildir = self.dovecot.maildir(user)
        for subdirectory in ("new", "cur"):
            for path in (maildir / subdirectory).iterdir():
                path.unlink()

    def prepare_keep_mailbox(self, user: str, mailbox: Mailbox) -> None:
        """Deliver once, then fetch everything untimed so every message is indexed and seen."""
        self.dovecot.deliver_many(user, mailbox.messages)
        outcome = bare_fetch(self.dovecot.pop3_port, user, tls_context=None, delete=False)
        if outcome.messages != len(mailbox.messages):
            raise BenchError(f"warm-up fetched {outcome.messages} of {len(mailbox.messages)} messages")

    def prepare(self) -> None:
        """Deliver the keep-mode mailboxes, then run poplark once untimed.

        The untimed fetch (TLS, the smallest mailbox) fills the bytecode cache and the page
        cache, so the first timed run pays no more than the later ones.
        """
        warm_up_user = None
        if not self.options.skip_loopback:
            log(f"preparing the keep-mode mailbox ({len(self.mailbox.messages)} messages)")
            self.prepare_keep_mailbox(KEEP_USER, self.mailbox)
            warm_up_user = KEEP_USER
        if self.options.delay_messages:
            log(f"preparing the small mailbox ({len(self.small_mailbox.messages)} messages)")
            self.prepare_keep_mailbox(DELAY_USER, self.small_mailbox)
            warm_up_user = DELAY_USER
        if warm_up_user is not None:
            server = self.server("tls", warm_up_user, keep=True)
            with self.scratch_directory("poplark-warm-up-") as profile:
                poplark_add_account(profile, server)
                poplark_fetch(profile, server)
                wait_for_poplark_processes(profile)
                poplark_startup_seconds(profile)

    # -- one client, one session

    def measure_client(self, section: str, client: str, server: Server, expected: int) -> None:
        mode = "keep" if server.keep else "delete"
        record = self.results.record
        if client == "poplark":
            with self.scratch_directory("poplark-profile-") as profile:
                poplark_add_account(profile, server)
                full = record(section, server, mode, "poplark", expected, lambda: poplark_fetch(profile, server))
                if full is not None:
                    self.check_searchable(profile, section, server, mode)
                if server.keep and section != "delay" and full is not None:
                    record(section, server, mode, "poplark-noop", 0, lambda: poplark_fetch(profile, server))
                    record(section, server, mode, "poplark-startup", 0,
                           lambda: FetchOutcome(poplark_startup_seconds(profile), 0))
        elif client in ("bare", "bare-unpipelined"):
            pipelined = client == "bare"
            record(section, server, mode, client, expected, lambda: bare_fetch(
                server.port, server.user, tls_context=self.tls_context(server), delete=not server.keep,
                pipelined=pipelined, window=self.options.bare_window))
        elif client == "mpop":
            with self.scratch_directory("mpop-") as directory:
                record(section, server, mode, "mpop", expected, lambda: mpop_fetch(directory, server))
        else:
            raise ValueError(f"unknown client {client!r}")

    def check_searchable(self, profile: Path, section: str, server: Server, mode: str) -> None:
        """The target: the mail is searchable when ``poplark fetch`` returns, or the first ``poplark
        search`` after it answers in under a second. Counts what is not indexed at the return, times
        that search (run at once), then waits for the indexer the fetch left in the background, so
        that the next measurement runs on an idle machine."""
        where = f"{section} {server.security} {mode}"
        database_path = profile / "poplark.sqlite3"
        with contextlib.closing(sqlite3.connect(database_path)) as database:
            pending = database.execute("SELECT count(*) FROM messages WHERE indexed = 0").fetchone()[0]
        self.results.unindexed_at_return.append(pending)
        search = self.results.record(section, server, mode, "poplark-search", 0, lambda: poplark_search(profile))
        try:
            waited = wait_for_poplark_processes(profile)
        except BenchError as error:
            self.results.anomalies.append(f"{where}: {error}")
            return
        log(f"  {where}: {pending} messages not indexed at the return; background indexer done {waited:.2f} s "
            "after the search")
        if search is not None:
            self.results.searchable.append((pending, search.seconds))
        with contextlib.closing(sqlite3.connect(database_path)) as database:
            left = database.execute("SELECT count(*) FROM messages WHERE indexed = 0").fetchone()[0]
        if left:
            self.results.anomalies.append(f"{where}: {left} messages still not indexed after the first search")

    def run_small(self, counts: list[int]) -> None:
        """Mailboxes of many small messages (keep mode, plain): poplark, its no-op check and mpop."""
        for count in counts:
            mailbox = generate_tiny_mailbox(count, self.options.seed + 2)
            self.tiny_mailboxes[count] = mailbox
            log(f"small: {count} messages of 0.5-4 KB ({mailbox.file_bytes / MB:.1f} MB)")
            self.clear_mailbox(DELETE_USER)
            self.prepare_keep_mailbox(DELETE_USER, mailbox)
            server = self.server("plain", DELETE_USER, keep=True)
            for run_index in range(self.options.runs):
                log(f"small-{count} run {run_index + 1}/{self.options.runs}")
                for client in self.clients(run_index, ["poplark", "mpop"]):
                    self.measure_client(f"small-{count}", client, server, count)
            self.check_server_count(DELETE_USER, count, f"small-{count} plain keep")
        self.clear_mailbox(DELETE_USER)

    def run_memory(self, count: int, size: int) -> None:
        """Peak RSS of one poplark fetch of ``count`` messages of ``size`` bytes (untimed)."""
        log(f"memory: {count} messages of {size / MB:.0f} MB")
        self.clear_mailbox(DELETE_USER)
        self.dovecot.deliver_many(DELETE_USER, big_messages(count, size, self.options.seed + 3))
        server = self.server("plain", DELETE_USER, keep=True)
        with self.scratch_directory("poplark-memory-") as profile:
            poplark_add_account(profile, server)
            # The wrapper's own interpreter is not the fetch: RUSAGE_CHILDREN is the fetch's peak.
            wrapper = [sys.executable, "-c", "import resource, subprocess, sys; "
                       "code = subprocess.run(sys.argv[1:]).returncode; "
                       "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); "
                       "sys.exit(code)", *poplark_fetch_command(profile)]
            seconds, completed = run_timed(wrapper, input_text=USERS[server.user] + "\n")
            wait_for_poplark_processes(profile)
        if completed.returncode != 0:
            self.results.anomalies.append(describe_failure("memory: poplark fetch", completed))
            return
        peak_kib = int(completed.stderr.strip().splitlines()[-1])
        self.memory = {"messages": count, "message_mb": round(size / MB, 1), "seconds": round(seconds, 2),
                       "peak_rss_mb": round(peak_kib * 1024 / MB, 1)}
        log(f"  peak RSS {self.memory['peak_rss_mb']} MB")
        self.clear_mailbox(DELETE_USER)

    def check_server_count(self, user: str, expected: int, where: str) -> None:
        found = self.dovecot.message_count_on_server(user)
        if found != expected:
            self.results.anomalies.append(f"{where}: {found} messages left on the server, expected {expected}")
            log(f"  {where}: {found} messages on the server, expected {expected}")

    # -- sections

    def run_loopback(self) -> None:
        count = len(self.mailbox.messages)
        for run_index in range(self.options.runs):
            log(f"loopback run {run_index + 1}/{self.options.runs}")
            for security in SECURITIES:
                keep_server = self.server(security, KEEP_USER, keep=True)
                for client in self.clients(run_index, ["poplark", "bare", "mpop"]):
                    self.measure_client("loopback", client, keep_server, count)
                self.check_server_count(KEEP_USER, count, f"loopback {security} keep")
                delete_server = self.server(security, DELETE_USER, keep=False)
                for client in self.clients(run_index, ["poplark", "bare", "mpop"]):
                    self.deliver_delete_mailbox()
                    self.measure_client("loopback", client, delete_server, count)
                    self.check_server_count(DELETE_USER, 0, f"loopback {security} delete {client}")

    def run_delay(self) -> None:
        count = len(self.small_mailbox.messages)
        delay = self.options.one_way_delay_ms / 1000
        log(f"delay: {count} small messages through a {2 * self.options.one_way_delay_ms:g} ms round-trip proxy")
        with DelayProxy(self.dovecot.pop3_port, delay) as proxy:
            assert proxy.process.pid is not None
            self.results.meter.extra_process_ids.append(proxy.process.pid)
            server = self.server("plain", DELAY_USER, keep=True, port=proxy.port)
            for run_index in range(self.options.runs):
                log(f"delay run {run_index + 1}/{self.options.runs}")
                for client in self.clients(run_index, ["poplark", "bare", "mpop", "bare-unpipelined"]):
                    self.measure_client("delay", client, server, count)
        self.check_server_count(DELAY_USER, count, "delay plain keep")

    def run_cprofile(self, output: Path) -> str:
        """Profile one poplark full fetch (TLS, keep mode) and the no-op fetch after it.

        The full fetch goes to ``output``, the no-op to ``<output stem>.noop.prof``; returns the
        top 15 functions of each by cumulative and by own time.
        """
        server = self.server("tls", KEEP_USER, keep=True)
        summary = io.StringIO()
        with self.scratch_directory("poplark-cprofile-") as profile:
            poplark_add_account(profile, server)
            for name, path in (("full fetch", output), ("no-op fetch", output.with_suffix(".noop.prof"))):
                command = [sys.executable, "-m", "cProfile", "-o", str(path), *poplark_fetch_command(profile)[1:]]
                seconds, completed = run_timed(command, input_text=USERS[server.user] + "\n")
                wait_for_poplark_processes(profile)
                if completed.returncode != 0:
                    raise BenchError(describe_failure(f"poplark {name} under cProfile", completed))
                summary.write(f"\n=== cProfile of poplark {name} (tls, keep, {len(self.mailbox.messages)} messages on "
                              f"the server): {seconds:.2f} s wall under the profiler; {completed.stdout.strip()}\n")
                for order in ("cumulative", "tottime"):
                    summary.write(f"\n--- {name}: top 15 by {order} ---\n")
                    stats = pstats.Stats(str(path), stream=summary)
                    stats.strip_dirs().sort_stats(order).print_stats(15)
        return summary.getvalue()


# -- reporting -------------------------------------------------------------------------------------

def command_output(command: list[str]) -> str:
    try:
        completed = subprocess.run(command, capture_output=True, text=True, timeout=30, check=False,
                                   stdin=subprocess.DEVNULL, cwd=REPO_ROOT)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return completed.stdout.strip()


#: What ``poplark fetch`` runs; the GUI under app/ui does not matter here.
FETCH_CODE_PATHS = ("app/core", "app/cli.py", "app/main.py", "app/__main__.py", "app/__init__.py")


def fetch_code_fingerprint() -> str:
    """A digest of the fetch path's source as it is on disk: tells whether the code moved mid-run."""
    digest = hashlib.sha256()
    for top in FETCH_CODE_PATHS:
        path = REPO_ROOT / top
        for source in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            with contextlib.suppress(OSError):
                digest.update(str(source.relative_to(REPO_ROOT)).encode() + b"\0" + source.read_bytes())
    return digest.hexdigest()[:16]


def machine_info(scratch: Path) -> dict[str, Any]:
    cpu_model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    memory_gib = None
    with contextlib.suppress(OSError, ValueError, IndexError):
        first = Path("/proc/meminfo").read_text().splitlines()[0]
        memory_gib = round(int(first.split()[1]) / MIB, 1)
    dovecot = shutil.which("dovecot") or "/usr/sbin/dovecot"
    mpop = mpop_binary()
    git_status = command_output(["git", "status", "--porcelain", "--", *FETCH_CODE_PATHS])
    return {
        "nproc": os.cpu_count(),
        # Other work on this machine skews timings: a load near nproc means the clients competed.
        "load_average_1_5_15_min_at_end": [round(value, 2) for value in os.getloadavg()],
        "cpu_model": cpu_model,
        "memory_gib": memory_gib,
        "kernel": platform.release(),
        "python": sys.version.split()[0],
        "openssl": ssl.OPENSSL_VERSION,
        "dovecot_version": command_output([dovecot, "--version"]),
        "mpop_version": command_output([mpop, "--version"]).splitlines()[0] if mpop else None,
        "scratch_directory": str(scratch),
        "scratch_filesystem": command_output(["stat", "-f", "-c", "%T", str(scratch)]),
        "poplark_commit": command_output(["git", "rev-parse", "--short", "HEAD"]),
        "fetch_code_modified_since_commit": bool(git_status),
        "fetch_code_fingerprint": fetch_code_fingerprint(),
    }


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or not denominator:
        return None
    return numerator / denominator


def format_seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def format_ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}x"


def small_sections(results: Results) -> list[str]:
    return sorted({key[0] for key in results.series if key[0].startswith("small-")},
                  key=lambda name: int(name.split("-")[1]))


def ratios(results: Results) -> list[dict[str, Any]]:
    rows = []
    sections = [("loopback", SECURITIES, MODES), ("delay", ("plain",), ("keep",))]
    sections += [(name, ("plain",), ("keep",)) for name in small_sections(results)]
    for section, securities, modes in sections:
        for security in securities:
            for mode in modes:
                poplark = results.median(section, security, mode, "poplark")
                rows.append({
                    "section": section, "security": security, "mode": mode,
                    "poplark_over_mpop": ratio(poplark, results.median(section, security, mode, "mpop")),
                    "poplark_over_bare": ratio(poplark, results.median(section, security, mode, "bare")),
                })
    return rows


def targets(bench: Bench, ratio_rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The targets of issue 12, each True, False or None (not measured in this run)."""
    results = bench.results
    loopback = [row["poplark_over_mpop"] for row in ratio_rows
                if row["section"] == "loopback" and row["poplark_over_mpop"] is not None]
    small = [row["poplark_over_mpop"] for row in ratio_rows
             if row["section"].startswith("small-") and row["poplark_over_mpop"] is not None]
    delay = next((row["poplark_over_mpop"] for row in ratio_rows if row["section"] == "delay"), None)
    noop = [results.median("loopback", security, "keep", "poplark-noop") for security in SECURITIES]
    noop_known = [value for value in noop if value is not None]
    noop_20000 = results.median("small-20000", "plain", "keep", "poplark-noop")
    return {
        "loopback_at_most_1.0x_mpop": all(value <= 1.0 for value in loopback) if loopback else None,
        "searchable_at_return_or_first_search_under_1_s": (
            all(pending == 0 or seconds < 1.0 for pending, seconds in results.searchable)
            if results.searchable else None),
        "delay_at_most_0.5x_mpop": delay <= 0.5 if delay is not None else None,
        "small_messages_at_most_1.0x_mpop": all(value <= 1.0 for value in small) if small else None,
        "noop_5000_under_0.15_s": all(value < 0.15 for value in noop_known) if noop_known else None,
        "noop_20000_under_0.25_s": noop_20000 < 0.25 if noop_20000 is not None else None,
        "peak_rss_under_150_mb": (bench.memory["peak_rss_mb"] < 150) if bench.memory else None,
    }


def series_columns(series: Series, wire_bytes: int | None) -> str:
    """median, MB/s, every run, failures and the most CPU other processes took during a run."""
    throughput = f"{wire_bytes / MB / series.median:.0f}" if wire_bytes and series.median else ""
    every_run = " ".join(f"{value:.2f}" for value in series.seconds)
    other = "-" if series.most_other_cores is None else f"{series.most_other_cores:.2f}"
    return (f"{format_seconds(series.median):>9}{throughput:>6}  {every_run:<22}{series.failures:>7}"
            f"{other:>11}")


COLUMN_TITLES = f"{'median s':>9}{'MB/s':>6}  {'each run, s':<22}{'failed':>7}{'other CPU':>11}"


def render_table(bench: Bench, ratio_rows: list[dict[str, Any]], target_flags: dict[str, Any]) -> str:
    results = bench.results
    mailbox = bench.mailbox
    lines = [
        f"Loopback: {len(mailbox.messages)} messages, {mailbox.file_bytes / MB:.1f} MB on disk, "
        f"{mailbox.wire_bytes / MB:.1f} MB on the wire; median of {bench.options.runs} run(s)",
        "",
        f"{'security':<9}{'mode':<8}{'client':<33}{COLUMN_TITLES}",
    ]
    for security in SECURITIES:
        for mode in MODES:
            for client in ("poplark", "poplark-search", "poplark-noop", "poplark-startup", "bare", "mpop"):
                series = results.series.get(("loopback", security, mode, client))
                if series is not None:
                    wire_bytes = mailbox.wire_bytes if client in ("poplark", "bare", "mpop") else None
                    lines.append(f"{security:<9}{mode:<8}{CLIENT_LABELS[client]:<33}"
                                 f"{series_columns(series, wire_bytes)}")
            row = next((item for item in ratio_rows
                        if (item["section"], item["security"], item["mode"]) == ("loopback", security, mode)), None)
            if row is not None:
                lines.append(f"{'':<17}poplark / mpop {format_ratio(row['poplark_over_mpop'])}, "
                             f"poplark / bare {format_ratio(row['poplark_over_bare'])}")
            lines.append("")
    small = bench.small_mailbox
    lines += [
        f"Delay: {len(small.messages)} messages of ~5 KB ({small.wire_bytes / MB:.1f} MB), plain, keep mode, "
        f"{2 * bench.options.one_way_delay_ms:g} ms round trip; median of {bench.options.runs} run(s)",
        "",
        f"{'client':<33}{COLUMN_TITLES}",
    ]
    for client in ("poplark", "poplark-search", "bare", "mpop", "bare-unpipelined"):
        series = results.series.get(("delay", "plain", "keep", client))
        if series is not None:
            lines.append(f"{CLIENT_LABELS[client]:<33}{series_columns(series, None)}")
    row = next((item for item in ratio_rows if item["section"] == "delay"), None)
    if row is not None:
        lines.append(f"poplark / mpop {format_ratio(row['poplark_over_mpop'])}, "
                     f"poplark / bare {format_ratio(row['poplark_over_bare'])}")
    for section in small_sections(results):
        tiny = bench.tiny_mailboxes[int(section.split("-")[1])]
        lines += ["", f"Small messages: {len(tiny.messages)} of 0.5-4 KB ({tiny.wire_bytes / MB:.1f} MB on the wire), "
                  f"plain, keep mode; median of {bench.options.runs} run(s)", "", f"{'client':<33}{COLUMN_TITLES}"]
        for client in ("poplark", "poplark-search", "poplark-noop", "poplark-startup", "mpop"):
            series = results.series.get((section, "plain", "keep", client))
            if series is not None:
                wire_bytes = tiny.wire_bytes if client in ("poplark", "mpop") else None
                lines.append(f"{CLIENT_LABELS[client]:<33}{series_columns(series, wire_bytes)}")
        row = next((item for item in ratio_rows if item["section"] == section), None)
        if row is not None:
            lines.append(f"poplark / mpop {format_ratio(row['poplark_over_mpop'])}")
    if bench.memory:
        lines += ["", f"Memory: one poplark fetch of {bench.memory['messages']} messages of "
                  f"{bench.memory['message_mb']} MB: peak RSS {bench.memory['peak_rss_mb']} MB "
                  f"({bench.memory['seconds']} s)"]
    lines += [
        "",
        "other CPU: the most CPU (in cores, averaged over one run) that processes other than the benchmark's",
        "used during a run of that row; on a 2-CPU machine anything above ~0.2 slowed that run down. In",
        "poplark's full fetch and first search rows it includes the fetch's own indexer child, which the",
        "fetch no longer waits for (so it is not counted among the benchmark's children).",
        "Targets: " + ", ".join(f"{name}: {value}" for name, value in target_flags.items()),
        f"Not indexed for search when a poplark fetch returned: {sum(results.unindexed_at_return)} messages "
        f"over {len(results.unindexed_at_return)} full fetches (most {max(results.unindexed_at_return, default=0)}); "
        "the first search after each indexed them first (its row)",
    ]
    if results.anomalies:
        lines += ["", "Anomalies:"] + [f"  - {item}" for item in results.anomalies]
    return "\n".join(lines)


def results_document(bench: Bench, ratio_rows: list[dict[str, Any]], target_flags: dict[str, Any],
                     started: datetime, elapsed: float) -> dict[str, Any]:
    options = bench.options
    return {
        "benchmark": "fetch",
        "started_at": started.isoformat(timespec="seconds"),
        "elapsed_seconds": round(elapsed, 1),
        "command": " ".join([".venv/bin/python", "bench/fetch_bench.py", *sys.argv[1:]]),
        "machine": machine_info(options.scratch),
        "parameters": {
            "messages": options.messages, "total_mb": options.total_mb, "runs": options.runs,
            "delay_messages": options.delay_messages, "one_way_delay_ms": options.one_way_delay_ms,
            "bare_window": options.bare_window, "seed": options.seed, "quick": options.quick,
            "small_counts": options.small_counts, "big_messages": options.big_messages, "big_mb": options.big_mb,
        },
        "mailbox": bench.mailbox.describe(),
        "delay_mailbox": bench.small_mailbox.describe(),
        "small_mailboxes": {str(count): mailbox.describe() for count, mailbox in bench.tiny_mailboxes.items()},
        "memory": bench.memory,
        "unindexed_at_return": bench.results.unindexed_at_return,
        "first_search_after_fetch": [{"unindexed_at_return": pending, "search_seconds": round(seconds, 4)}
                                     for pending, seconds in bench.results.searchable],
        "series": [
            {
                "section": series.section, "security": series.security, "mode": series.mode,
                "client": series.client, "label": CLIENT_LABELS[series.client],
                "median_seconds": series.median, "seconds": [round(value, 4) for value in series.seconds],
                "messages": series.messages, "failures": series.failures,
                "other_cores": [round(value, 3) for value in series.other_cores],
            }
            for series in bench.results.series.values()
        ],
        "ratios": ratio_rows,
        "targets": target_flags,
        "anomalies": bench.results.anomalies,
    }


# -- entry point -----------------------------------------------------------------------------------

def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=5000, help="messages in the mailbox (default 5000)")
    parser.add_argument("--total-mb", type=float, default=340.0, help="mailbox size in MB of 10^6 bytes (default 340)")
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement; medians are reported (default 3)")
    parser.add_argument("--delay-messages", type=int, default=1000,
                        help="~5 KB messages for the 20 ms round-trip test (default 1000; 0 skips it)")
    parser.add_argument("--one-way-delay-ms", type=float, default=DEFAULT_ONE_WAY_DELAY_SECONDS * 1000,
                        help="delay the proxy adds in each direction (default 10)")
    parser.add_argument("--bare-window", type=int, default=DEFAULT_BARE_WINDOW,
                        help="commands in flight for the bare pipelined client (default 1000)")
    parser.add_argument("--seed", type=int, default=MAILBOX_SEED, help="mailbox generator seed")
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: 500 messages, 30 MB, 1 run, 200 delay messages")
    parser.add_argument("--scratch", type=Path, default=Path(tempfile.gettempdir()),
                        help="where client profiles and mpop maildirs go (default: the temp dir, /tmp)")
    parser.add_argument("--output", type=Path, help="JSON results file (default bench/results/fetch-<date>.json)")
    parser.add_argument("--cprofile", type=Path, metavar="FILE.prof",
                        help="also profile one poplark full fetch (tls, keep) with cProfile into this file")
    parser.add_argument("--skip-loopback", action="store_true", help="only run the delay test")
    parser.add_argument("--small-counts", default="20000", metavar="N,N,...",
                        help="mailboxes of 0.5-4 KB messages to time (default 20000; e.g. 2000,20000,100000 "
                             "for how the cost grows; empty skips)")
    parser.add_argument("--big-messages", type=int, default=8, metavar="N",
                        help="messages of --big-mb MB fetched once for peak memory (default 8; 0 skips)")
    parser.add_argument("--big-mb", type=float, default=20.0, help="size of those messages (default 20)")
    options = parser.parse_args(argv)
    if options.quick:
        options.messages, options.total_mb, options.runs, options.delay_messages = 500, 30.0, 1, 200
        options.small_counts, options.big_messages = "2000", 2
    if options.messages < 1 or options.runs < 1 or options.bare_window < 1:
        parser.error("--messages, --runs and --bare-window must be at least 1")
    return options


def use_private_bytecode_cache(directory: Path) -> None:
    """Let the poplark subprocesses cache bytecode, as an installed app does, outside the repository.

    This machine's environment sets PYTHONDONTWRITEBYTECODE=1, which would make every poplark
    process compile what has no cached bytecode yet. The variables only matter to the Python
    subprocesses started from now on, not to this interpreter.
    """
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ["PYTHONPYCACHEPREFIX"] = str(directory)


def default_output_path(options: argparse.Namespace, started: datetime) -> Path:
    suffix = "-quick" if options.quick else ""
    return REPO_ROOT / "bench" / "results" / f"fetch-{started:%Y-%m-%d}{suffix}.json"


def main(argv: list[str] | None = None) -> int:
    options = parse_arguments(argv)
    # `kill` as well as Ctrl-C: the finally blocks stop Dovecot and remove the temporary files.
    signal.signal(signal.SIGTERM, lambda number, frame: sys.exit(128 + number))
    started = datetime.now(UTC)
    clock = time.perf_counter()
    fingerprint_at_start = fetch_code_fingerprint()
    log(f"generating {options.messages} messages (~{options.total_mb:g} MB) and {options.delay_messages} small ones")
    mailbox = generate_mailbox(options.messages, int(options.total_mb * MB), options.seed)
    small_mailbox = generate_small_mailbox(options.delay_messages, options.seed + 1)
    if not mpop_binary():
        log("mpop is not installed: its columns stay empty")
    with tempfile.TemporaryDirectory(prefix="poplark-bench-") as temporary:
        base = Path(temporary)
        certificates = make_test_certificates(base / "certs")
        dovecot = PrivateDovecot(base / "dovecot", cert_chain_pem=certificates.server_cert_chain_pem,
                                 key_pem=certificates.server_key_pem, users=USERS)
        options.scratch.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix="poplark-bench-clients-", dir=options.scratch))
        use_private_bytecode_cache(scratch / "pycache")
        try:
            dovecot.start()
            bench = Bench(options, dovecot, certificates.ca_pem, scratch, mailbox, small_mailbox)
            bench.prepare()
            if not options.skip_loopback:
                bench.run_loopback()
            if options.delay_messages:
                bench.run_delay()
            small_counts = [int(count) for count in options.small_counts.split(",") if count.strip()]
            if small_counts:
                bench.run_small(small_counts)
            if options.big_messages:
                bench.run_memory(options.big_messages, int(options.big_mb * MB))
            profile_summary = bench.run_cprofile(options.cprofile) if options.cprofile else None
        finally:
            dovecot.stop()
            shutil.rmtree(scratch, ignore_errors=True)
    if fetch_code_fingerprint() != fingerprint_at_start:
        bench.results.anomalies.append(
            "the fetch code (app/core, app/cli.py) changed on disk while the benchmark ran, so runs may have "
            f"measured different code (fingerprint at start: {fingerprint_at_start})")
    ratio_rows = ratios(bench.results)
    target_flags = targets(bench, ratio_rows)
    print(render_table(bench, ratio_rows, target_flags))
    if profile_summary:
        print()
        print(profile_summary)
    output = options.output or default_output_path(options, started)
    output.parent.mkdir(parents=True, exist_ok=True)
    document = results_document(bench, ratio_rows, target_flags, started, time.perf_counter() - clock)
    output.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    log(f"results written to {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

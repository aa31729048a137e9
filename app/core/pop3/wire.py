"""The command stream of one POP3 session: lines out, status lines and bodies in, all traced.

:class:`Wire` sits between :class:`~app.core.pop3.connection.Connection` (bytes, timeouts) and
the client's commands. It records every line in the protocol log (secrets redacted, bodies as
byte counts), keeps count of the replies still owed for pipelined commands, and knows whether the
stream is still in step: after a read failed midway nobody knows where the next reply starts, and
the only safe end is to close without QUIT (architecture.md, invariant 2).
"""

from __future__ import annotations

import logging
from collections import deque

from app.core.errors import (
    Cancelled,
    ConnectError,
    MessageTooLarge,
    OutOfStep,
    PipelineStalled,
    ProtocolError,
    ServerTimeout,
)
from app.core.pop3.connection import Connection
from app.core.pop3.responses import Status, error_for, parse_status
from app.core.protocol_log import REDACTED, ProtocolLog, redact_command

log = logging.getLogger("poplark.pop3")

#: RFC 2449 section 4: a command line, CRLF included, is at most 255 octets. RFC 5034 section 4
#: says an AUTH initial response that would break this goes on a continuation line instead.
MAX_COMMAND_OCTETS = 255


class Wire:
    """One connection's command stream. A new one per connection, so no state outlives a link."""

    def __init__(self, connection: Connection, protocol_log: ProtocolLog) -> None:
        self.connection = connection
        self.protocol_log = protocol_log
        #: One entry per command sent and not yet answered: True when its reply is multi-line.
        self.pending: deque[bool] = deque()
        #: False once a read failed midway: the stream position is unknown, so only closing is
        #: safe. A cancel is not such a failure: it is only raised between socket reads, and
        #: what was read so far stays in the buffer.
        self.in_step = True
        #: True between a +OK to a multi-line command and the end of its body.
        self.body_pending = False

    @property
    def _conn(self) -> Connection:
        if self.connection.closed:
            raise ConnectError("not connected to the server")
        return self.connection

    def send_line(self, line: str, *, secret: bool = False) -> None:
        """Send one line. The caller counts the reply it expects (``pending``) itself."""
        # ``secret``: the line holds a password, digest or SASL response. The trace redacts it;
        # a SASL continuation line is secret as a whole (its first word is the secret itself).
        self.protocol_log.sent(line, secret=secret)
        if log.isEnabledFor(logging.DEBUG):
            shown = redact_command(line)
            log.debug("C: %s", REDACTED if secret and shown == line else shown)
        encoded = line.encode("utf-8") + b"\r\n"
        if len(encoded) > MAX_COMMAND_OCTETS and not secret:
            raise ProtocolError(f"command too long for POP3: {line[:40]}...")
        self._conn.send(encoded)

    def send_batch(self, commands: list[tuple[str, bool]]) -> None:
        """Send (command, multi-line reply?) pairs in one write: the pipelined form."""
        log.debug("C: %s (+%d pipelined)", commands[0][0] if commands else "", max(0, len(commands) - 1))
        lines = [line for line, _ in commands]
        self.protocol_log.sent_batch(lines)
        self._conn.send("".join(line + "\r\n" for line in lines).encode("ascii"))
        self.pending.extend(multiline for _, multiline in commands)

    def command(self, line: str, *, multiline: bool = False, secret: bool = False) -> Status:
        """Send one command and read its status line (not its body)."""
        self.send_line(line, secret=secret)
        self.pending.append(multiline)
        return self.read_status(in_flight=0)

    def command_ok(self, line: str, *, multiline: bool = False) -> Status:
        """:meth:`command`, with a -ERR raised as the vocabulary's error for that verb."""
        status = self.command(line, multiline=multiline)
        if not status.ok:
            raise error_for(status, during=line.split(" ", 1)[0])
        return status

    def read_raw_line(self) -> bytes:
        """One line as received (a SASL challenge or a status line), traced, not parsed."""
        try:
            line = self._conn.read_line()
            self.protocol_log.received(line)
            return line
        except Cancelled:
            raise
        except BaseException:
            self.in_step = False
            raise

    def read_status(self, *, in_flight: int, pipelined: bool = False) -> Status:
        """The next status line; ``in_flight``: replies still owed after this one (pipelining).

        ``pipelined``: this reply answers a command sent in a pipelined batch, so silence counts
        against pipelining even when it is the last reply owed: a command the server dropped
        anywhere in the batch leaves exactly that silence at the end.
        """
        try:
            line = self._conn.read_line()
            self.protocol_log.received(line)
            status = parse_status(line)
        except ServerTimeout as error:
            self.in_step = False
            stopped_mid_line = bool(self.connection.buffer)
            if (in_flight or pipelined) and not stopped_mid_line:
                # A server that silently drops pipelined commands looks exactly like this, and so
                # does a link that stalled between two replies. With part of a reply line
                # received, it can only be the link: a plain ServerTimeout.
                owed = in_flight + 1
                raise PipelineStalled(f"{error.message} with {owed} pipelined command{'s' if owed > 1 else ''}"
                                      " in flight") from error
            raise
        except ProtocolError as error:
            self.in_step = False
            if in_flight or pipelined:
                raise OutOfStep(f"{error.message} while pipelining") from error
            raise
        except Cancelled:
            raise
        except BaseException:
            self.in_step = False
            raise
        multiline = self.pending.popleft() if self.pending else False
        self.body_pending = multiline and status.ok
        if log.isEnabledFor(logging.DEBUG):  # not formatted for nothing: two status lines a message
            log.debug("S: %s", line[:200].rstrip(b"\r\n").decode("latin-1"))
        return status

    def read_body(self, max_bytes: int, *, drain_oversized: bool = False) -> bytes:
        """The multi-line body after a +OK, dot-unstuffed; the trace gets its length only."""
        try:
            body = self._conn.read_body(max_bytes, drain_oversized=drain_oversized)
        except MessageTooLarge:
            self.body_pending = False
            self.protocol_log.note(f"reply over the limit of {max_bytes} bytes, drained")
            raise  # the body was drained: the stream is still in step
        except Cancelled:
            raise  # the partial body stays buffered; abort() can finish reading it
        except BaseException:
            self.in_step = False
            raise
        self.body_pending = False
        self.protocol_log.body(len(body))
        return body

    def check_nothing_left(self) -> None:
        """After a pipelined run every reply is read: anything buffered is one reply too many."""
        if self._conn.buffer:
            self.in_step = False
            raise OutOfStep("the server sent more replies than commands while pipelining")

"""Pipelined commands are traced in one step per batch, with the same entries as one at a time."""

from __future__ import annotations

from app.core.protocol_log import MAX_ENTRIES, REDACTED, ProtocolLog


def texts(log: ProtocolLog) -> list[str]:
    """The trace's lines without their clock: what was recorded, in order."""
    return [line.split(" ", 1)[1] for line in log.lines()[1:] if not line.startswith("#")]


def test_a_batch_is_traced_line_by_line_with_secrets_redacted() -> None:
    log = ProtocolLog("pop.example.com:110")
    log.sent_batch(["RETR 1", "LIST 1", "PASS hunter2", "apop me 0123abcd"])
    assert texts(log) == ["C: RETR 1", "C: LIST 1", f"C: PASS {REDACTED}", f"C: apop me {REDACTED}"]
    assert "hunter2" not in "\n".join(log.lines())


def test_batches_past_the_limit_keep_and_count_what_lines_one_at_a_time_would() -> None:
    batched, single = ProtocolLog("a"), ProtocolLog("a")
    commands = [f"RETR {number}" for number in range(MAX_ENTRIES + 700)]
    for start in range(0, len(commands), 300):
        batched.sent_batch(commands[start:start + 300])
    for command in commands:
        single.sent(command)
    assert batched.dropped == single.dropped == 700
    assert texts(batched) == texts(single)
    assert texts(batched)[-1] == f"C: RETR {MAX_ENTRIES + 699}"
    assert batched.lines()[1] == single.lines()[1] == "# (700 earlier entries were dropped to bound the log's size)"

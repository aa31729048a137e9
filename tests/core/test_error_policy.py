"""The one error policy: every error of the vocabulary has its answer, and the CLI follows it."""

from __future__ import annotations

import pytest

from app import cli
from app.core import errors
from app.core.error_policy import Recovery, recovery_for
from app.core.store.recovery import StoreMovedAside, StoreTooNew
from tests.conftest import error_vocabulary

#: Every class of the vocabulary, with the answer a user should get. A new class fails
#: test_every_error_class_has_an_answer until it is added here (and, if needed, to POLICY).
EXPECTED: dict[type[BaseException], Recovery] = {
    errors.Cancelled: Recovery.SILENT,
    errors.AuthError: Recovery.ASK_USER,
    errors.TokenRejected: Recovery.ASK_USER,
    errors.SignInAgain: Recovery.ASK_USER,
    errors.CredentialsError: Recovery.ASK_USER,
    errors.NoSecureStorage: Recovery.ASK_USER,
    errors.TlsError: Recovery.ASK_USER,
    errors.StartTlsUnavailable: Recovery.ASK_USER,
    errors.NotTlsPort: Recovery.ASK_USER,
    errors.TlsPortWithoutTls: Recovery.ASK_USER,
    errors.ConfigError: Recovery.ASK_USER,
    errors.PermanentServerError: Recovery.ASK_USER,
    errors.MessageTooLarge: Recovery.ASK_USER,
    errors.MailboxBusy: Recovery.RETRY_SOON,
    errors.TemporaryServerError: Recovery.RETRY_SOON,
    errors.ConnectError: Recovery.RETRY_SOON,
    errors.ServerTimeout: Recovery.RETRY_SOON,
    errors.PipelineStalled: Recovery.RETRY_SOON,
    errors.ProtocolError: Recovery.RETRY_SOON,
    errors.OutOfStep: Recovery.RETRY_SOON,
    errors.FetchInProgress: Recovery.RETRY_SOON,
    errors.StoreBusy: Recovery.RETRY_SOON,
    errors.StoreError: Recovery.KEEP_SCHEDULE,
    errors.StoreFull: Recovery.KEEP_SCHEDULE,
    errors.StoreReadOnly: Recovery.KEEP_SCHEDULE,
    errors.StoreChanged: Recovery.KEEP_SCHEDULE,
    errors.StoreDamaged: Recovery.KEEP_SCHEDULE,
    errors.StoreIOError: Recovery.KEEP_SCHEDULE,
    errors.PoplarkError: Recovery.KEEP_SCHEDULE,
}


def _instance(kind: type[BaseException]) -> BaseException:
    return kind() if kind is errors.Cancelled else kind("something happened")


def test_every_error_class_has_an_answer() -> None:
    assert error_vocabulary() <= set(EXPECTED)


@pytest.mark.parametrize("kind", list(EXPECTED), ids=lambda kind: kind.__name__)
def test_each_error_gets_its_answer_and_the_cli_exit_code_follows(kind: type[BaseException]) -> None:
    error = _instance(kind)
    recovery = recovery_for(error)
    assert recovery is EXPECTED[kind]
    assert isinstance(error, errors.PoplarkError)
    expected_exit = {Recovery.SILENT: cli.EXIT_CANCELLED,
                     Recovery.RETRY_SOON: cli.EXIT_TEMPORARY}.get(recovery, cli.EXIT_FAILED)
    assert cli.exit_code_for(error) == expected_exit


def test_store_opening_errors_and_foreign_exceptions_keep_the_schedule() -> None:
    moved = StoreMovedAside("moved", original=__file__, moved_to=__file__, reason="damaged")  # type: ignore[arg-type]
    assert recovery_for(moved) is Recovery.KEEP_SCHEDULE
    assert recovery_for(StoreTooNew("newer", version=99)) is Recovery.KEEP_SCHEDULE
    assert recovery_for(RuntimeError("a bug")) is Recovery.KEEP_SCHEDULE

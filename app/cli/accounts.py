"""``poplark account add|list|remove|test``, and the password a command needs."""

from __future__ import annotations

import argparse
import dataclasses
import getpass
import sys
from pathlib import Path

from app.cli.download_options import command_edit, describe_download, download_settings
from app.cli.oauth import describe_auth, keep_client_secret, oauth2_settings
from app.cli.presenter import EXIT_OK, describe_error, exit_code_for, format_fingerprint, report_failure
from app.core import credentials
from app.core.accounts import forget_secrets, save_account
from app.core.errors import ConfigError, CredentialsError, TlsError, TlsPortWithoutTls
from app.core.model import Account, AuthMethod, LeaveMode, Security, ServerPolicy, SmtpSettings
from app.core.pop3.auth import Secret
from app.core.pop3.capabilities import Capabilities
from app.core.store import Profile, Store


def read_password(from_stdin: bool, prompt: str) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        # The trailing newline ends the line; it is not part of the password.
        password = line[:-1] if line.endswith("\n") else line
    elif not sys.stdin.isatty():
        raise ConfigError("no terminal to ask for the password: use --password-stdin")
    else:
        password = getpass.getpass(prompt)
    if not password:
        raise ConfigError("the password is empty: nothing was saved")
    return password


def _account_from_arguments(arguments: argparse.Namespace) -> Account:
    if arguments.leave_on_server:
        policy = ServerPolicy(LeaveMode.KEEP_FOREVER)
    elif arguments.delete_after_days is not None:
        policy = ServerPolicy(LeaveMode.DELETE_AFTER_DAYS, delete_after_days=arguments.delete_after_days)
    elif arguments.delete_when_deleted_locally:
        policy = ServerPolicy(LeaveMode.DELETE_WHEN_DELETED_LOCALLY)
    else:
        policy = ServerPolicy(LeaveMode.DELETE_AFTER_DOWNLOAD)
    if arguments.max_message_mb is not None:
        policy = ServerPolicy(policy.leave_mode, policy.delete_after_days,
                              max_message_bytes=int(arguments.max_message_mb * 1024 * 1024))
    ca_file = str(Path(arguments.ca_file).resolve()) if arguments.ca_file else None
    smtp = _smtp_from_arguments(arguments)
    return Account(
        name=arguments.name, host=arguments.host, port=arguments.port,
        security=Security(arguments.security), user=arguments.user, email=arguments.email,
        policy=policy, ca_file=ca_file, allow_insecure_auth=arguments.allow_insecure_auth,
        use_apop=arguments.apop, pipelining=not arguments.no_pipelining,
        timeout_seconds=arguments.timeout, remember_password=not arguments.no_store_password, smtp=smtp,
        **oauth2_settings(arguments), **download_settings(arguments))  # type: ignore[arg-type]


def _smtp_from_arguments(arguments: argparse.Namespace) -> SmtpSettings | None:
    """--smtp-* options, else the provider's preset for --email (or the user name, if an address)."""
    separate = bool(arguments.smtp_password_stdin)
    if arguments.smtp_host:
        security = Security(arguments.smtp_security or Security.TLS.value)
        return SmtpSettings(host=arguments.smtp_host, port=arguments.smtp_port, security=security,
                            user=arguments.smtp_user or "", separate_password=separate)
    from app.core.providers import provider_for_address  # the table: not part of `poplark fetch`'s start-up

    provider = provider_for_address(arguments.email or arguments.user)
    preset = provider.smtp_settings() if provider is not None else None
    if preset is None:
        if arguments.smtp_port or arguments.smtp_security or arguments.smtp_user or separate:
            raise ConfigError("--smtp-port, --smtp-security, --smtp-user and --smtp-password-stdin need "
                              "--smtp-host (no preset is known for this address)")
        return None
    return dataclasses.replace(
        preset, port=arguments.smtp_port or preset.port,
        security=Security(arguments.smtp_security) if arguments.smtp_security else preset.security,
        user=arguments.smtp_user or "", separate_password=separate)


def command_account(store: Store, profile: Profile, arguments: argparse.Namespace) -> int:
    action = arguments.account_command
    if action == "add":
        try:
            account = _account_from_arguments(arguments)
        except ValueError as error:
            raise ConfigError(str(error)) from error
        password: str | None = None  # OAuth2: the sign-in comes next ('poplark account authorize')
        if account.auth is not AuthMethod.OAUTH2 and account.remember_password:
            # Check the keyring before asking: a password typed for nothing is a poor welcome.
            if not credentials.secure_storage_available():
                raise CredentialsError(credentials.NO_KEYRING_ADVICE.replace(
                    "pass it for this run with --password-stdin",
                    "add the account with --no-store-password and give the password at each fetch "
                    "with --password-stdin"))
            password = read_password(arguments.password_stdin, f"Password for {account.user}@{account.host}: ")
        # Else none now: given with --password-stdin at each fetch instead.
        smtp_password = None
        if account.smtp is not None and account.smtp.separate_password and account.remember_password:
            smtp_password = read_password(True, "")
        saved = save_account(store, account, password, smtp_secret=smtp_password)
        keep_client_secret(saved, arguments)
        print(f"added account {saved.name} ({saved.user} at {saved.host}:{saved.effective_port}, "
              f"{saved.security.value}, {_describe_policy(saved.policy)}, {describe_download(saved)}; "
              f"{_describe_smtp(saved)})"
              f"{describe_auth(saved)}")
        return EXIT_OK
    if action == "authorize":
        from app.cli.oauth import command_authorize

        return command_authorize(store, arguments)
    if action == "edit":
        return command_edit(store, arguments)
    if action == "smtp":
        return _set_smtp(store, store.account(arguments.name), arguments)
    if action == "list":
        for account in store.accounts():
            print(f"{account.name}\t{account.user}@{account.host}:{account.effective_port}\t"
                  f"{account.security.value}\t{_describe_policy(account.policy)}\t{describe_download(account)}\t"
                  f"{_describe_smtp(account)}")
        return EXIT_OK
    if action == "remove":
        account = store.account(arguments.name)
        store.remove_account(account.name)
        forget_secrets(account)
        print(f"removed account {account.name} and its messages")
        return EXIT_OK
    if action == "discover":
        from app.cli import discovering  # only this command needs dnspython

        return discovering.run(arguments.address, arguments.json)
    if action == "test":
        if arguments.smtp:
            return _test_smtp(store.account(arguments.name), arguments.password_stdin)
        return _test_account(store, store.account(arguments.name), arguments.password_stdin)
    raise ConfigError(f"unknown account action {action!r}")


def _set_smtp(store: Store, account: Account, arguments: argparse.Namespace) -> int:
    """``account smtp NAME``: give an existing account (one from before sending, say) its SMTP server."""
    arguments.email, arguments.user = account.email, account.user
    smtp = _smtp_from_arguments(arguments)
    if smtp is None:
        raise ConfigError(f"no SMTP preset is known for {account.email or account.user}: give --smtp-host "
                          "(and --smtp-port, --smtp-security if they differ from 465 with SSL/TLS)")
    updated = dataclasses.replace(account, smtp=smtp)
    smtp_password = None
    if smtp.separate_password and account.remember_password:
        smtp_password = read_password(True, "")
    save_account(store, updated, None, previous=account, smtp_secret=smtp_password)
    print(f"{account.name} {_describe_smtp(updated)}")
    return EXIT_OK


def _describe_smtp(account: Account) -> str:
    if account.smtp is None:
        return "no SMTP server: cannot send"
    return f"sends via {account.smtp.host}:{account.smtp.effective_port} {account.smtp.security.value}"


def _describe_policy(policy: ServerPolicy) -> str:
    text = {
        LeaveMode.DELETE_AFTER_DOWNLOAD: "delete from server after download",
        LeaveMode.KEEP_FOREVER: "leave on server",
        LeaveMode.DELETE_AFTER_DAYS: f"leave on server for {policy.delete_after_days} days",
        LeaveMode.DELETE_WHEN_DELETED_LOCALLY: "leave on server until deleted here",
    }[policy.leave_mode]
    if policy.max_message_bytes:
        text += f", skip messages over {policy.max_message_bytes / 1048576:.1f} MB"
    return text


def password_for(account: Account, from_stdin: bool) -> str:
    """The POP3 password: from standard input, typed now, or from the keyring."""
    return _secret_for(account, account.credential_key, from_stdin, f"Password for {account.user}@{account.host}: ",
                       f"no password is stored for {account.name}: remove and add the account again, or give "
                       "it for this run with --password-stdin")


def smtp_password_for(account: Account, from_stdin: bool) -> str:
    """The SMTP password: its own keyring entry when set apart, else the account's password."""
    return _secret_for(account, account.smtp_credential_key, from_stdin, f"SMTP password for {account.smtp_user}: ",
                       f"no SMTP password is stored for {account.name}: give it for this run with "
                       "--password-stdin, or add the account again")


def _secret_for(account: Account, key: str, from_stdin: bool, prompt: str, missing: str) -> str:
    if from_stdin:
        return read_password(True, "")
    if not account.remember_password:
        return read_password(False, prompt)
    password = credentials.load_password(key)
    if password is None:
        raise CredentialsError(missing)
    return password


def _test_smtp(account: Account, password_from_stdin: bool) -> int:
    """``account test NAME --smtp``: connect, TLS, what the server announces, whether login works."""
    from app.core.send.check import check_smtp

    if account.smtp is None:
        raise ConfigError(f"{account.name} has no SMTP server: set one with 'poplark account smtp {account.name}'")
    smtp = account.smtp
    secret: str | Secret
    if account.auth is AuthMethod.OAUTH2:
        from app.cli.oauth import token_source

        secret = token_source(account).token()
    else:
        secret = smtp_password_for(account, password_from_stdin)
    report = check_smtp(account, secret)
    print(f"SMTP server: {smtp.host}:{smtp.effective_port} ({smtp.security.value})")
    if report.error is not None and not report.reachable:
        print("Reachable: no")
        return report_failure(report.error)
    print("Reachable: yes")
    if isinstance(report.error, TlsError):
        print(f"TLS: FAILED: {report.error}")
        if report.rejected_certificate_sha256:
            print(f"     certificate SHA-256 fingerprint: {format_fingerprint(report.rejected_certificate_sha256)}")
        return report_failure(report.error)
    print(f"Greeting: {report.greeting}")
    if report.tls is not None:
        pinned = " (trusted by pin)" if report.tls.pinned else ""
        print(f"TLS: {report.tls.version}, {report.tls.cipher}{pinned}")
        print(f"Certificate SHA-256: {format_fingerprint(report.tls.fingerprint_sha256)}")
    else:
        print("TLS: none (the connection is not encrypted)")
    print(f"Largest message: {f'{report.size_limit:,} bytes' if report.size_limit else 'not announced'}")
    print("Extensions: " + ", ".join(report.extensions))
    if report.login_ok:
        print(f"Login: OK ({account.smtp_user})")
        return EXIT_OK
    assert report.error is not None
    print(f"Login: FAILED: {describe_error(report.error)}")
    return exit_code_for(report.error)


def _test_account(store: Store, account: Account, password_from_stdin: bool) -> int:
    from app.core.connection_test import run_connection_test

    secret: str | Secret
    if account.auth is AuthMethod.OAUTH2:
        from app.cli.oauth import token_source

        secret = token_source(account).token()
    else:
        secret = password_for(account, password_from_stdin)
    report = run_connection_test(account, secret)
    print(f"Server: {account.host}:{account.effective_port} ({account.security.value})")
    if report.error is not None and not report.reachable:
        print("Reachable: no")
        return report_failure(report.error)
    print("Reachable: yes")
    if isinstance(report.error, TlsPortWithoutTls):
        print("Greeting: none")  # it connected; the server waits for a TLS handshake
        return report_failure(report.error)
    if isinstance(report.error, TlsError):
        print(f"TLS: FAILED: {report.error}")
        if report.rejected_certificate_sha256:
            print(f"     certificate SHA-256 fingerprint: {format_fingerprint(report.rejected_certificate_sha256)}")
        return report_failure(report.error)
    print(f"Greeting: {report.greeting}")
    if report.tls is not None:
        pinned = " (trusted by pin)" if report.tls.pinned else ""
        print(f"TLS: {report.tls.version}, {report.tls.cipher}{pinned}")
        print(f"Certificate: {report.tls.subject}; issued by {report.tls.issuer}; expires {report.tls.not_after}")
        print(f"Certificate SHA-256: {format_fingerprint(report.tls.fingerprint_sha256)}")
    else:
        print("TLS: none (the connection is not encrypted)")
    _print_capabilities(report.capabilities)
    if report.login_ok:
        print(f"Login: OK ({report.mechanism})")
        print(f"Mailbox: {report.message_count} message(s), {report.mailbox_bytes} bytes")
        return EXIT_OK
    assert report.error is not None
    print(f"Login: FAILED: {describe_error(report.error)}")
    return exit_code_for(report.error)


def _print_capabilities(capabilities: Capabilities) -> None:
    if not capabilities.known:
        print("Capabilities: not reported (the server does not support CAPA)")
        return
    print("Capabilities: " + ", ".join(sorted(capabilities.names)))
    print(f"  UIDL: {'yes' if capabilities.has('UIDL') else 'no'}; TOP: {'yes' if capabilities.has('TOP') else 'no'};"
          f" PIPELINING: {'yes' if capabilities.pipelining else 'no'}")
    print(f"  SASL: {' '.join(capabilities.sasl_mechanisms) or 'none'}")
    if capabilities.login_delay is not None:
        print(f"  LOGIN-DELAY: {capabilities.login_delay} s (checks will not be more frequent)")
    if capabilities.expire_days is not None:
        expire = "never" if capabilities.expire_days < 0 else f"{capabilities.expire_days} day(s)"
        print(f"  EXPIRE: {expire}")
    if capabilities.implementation:
        print(f"  Implementation: {capabilities.implementation}")

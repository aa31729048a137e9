"""The size warning's limit (the provider's, from the account's address or hosts) and the outbox's
count per account that the folder pane shows beside each Outbox."""

from __future__ import annotations

from pathlib import Path

from app.core.compose.build import build_message
from app.core.compose.draft import Draft
from app.core.compose.limits import COMMON_LIMIT_MB, MEGABYTE, size_limit
from app.core.model import Account, SmtpSettings
from app.core.store import Store


def test_the_limit_follows_the_provider_of_the_address_or_the_hosts() -> None:
    qq = size_limit(Account(name="qq", host="pop.qq.com", user="u", email="someone@qq.com"))
    assert qq.bytes == 50 * MEGABYTE and qq.provider is not None and qq.provider.id == "qq"
    # A custom domain on Gmail's servers: the SMTP host says who takes the mail.
    gmail = size_limit(Account(name="work", host="pop.gmail.com", user="u", email="me@example.org",
                               smtp=SmtpSettings(host="smtp.gmail.com")))
    assert gmail.bytes == 25 * MEGABYTE and gmail.provider is not None and gmail.provider.id == "gmail"
    outlook = size_limit(Account(name="o", host="outlook.office365.com", user="u", email="a@hotmail.com"))
    assert outlook.bytes == 20 * MEGABYTE


def test_an_unknown_provider_gets_the_common_limit_and_no_name() -> None:
    unknown = size_limit(Account(name="corp", host="mail.example.org", user="u", email="me@example.org"))
    assert unknown.bytes == COMMON_LIMIT_MB * MEGABYTE and unknown.provider is None


def test_outbox_counts_per_account(tmp_path: Path) -> None:
    with Store(tmp_path / "store.sqlite3") as store:
        work = store.add_account(Account(name="work", host="pop.example.org", user="w", email="w@example.org"))
        home = store.add_account(Account(name="home", host="pop.example.org", user="h", email="h@example.org"))
        assert store.outbox_counts() == {}
        for account, count in ((work, 2), (home, 1)):
            assert account.id is not None
            for number in range(count):
                built = build_message(Draft(from_address=account.email, to=["bob@example.com"], subject=f"{number}"))
                store.queue(account.id, built.raw, built.sender, built.recipients)
        assert store.outbox_counts() == {work.id: 2, home.id: 1}

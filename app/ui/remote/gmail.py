"""Gmail's POP3 quirks in the remote mailbox (issue 18), for accounts on the provider table's Gmail
server: a session lists only about 250 messages, and the next ones once those were downloaded;
``recent:`` before the user name lists the last 30 days of mail instead, whatever another program
already downloaded (Google's POP help, "Recent mode")."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from app.core.model import Account
from app.core.providers import load_providers

#: About how many messages Gmail lists in one POP3 session.
GMAIL_SESSION_LIMIT = 250
RECENT_PREFIX = "recent:"


def is_gmail(account: Account) -> bool:
    """Whether the account's server is the provider table's Gmail POP3 server."""
    host = account.host.strip().lower()
    return any(provider.id == "gmail" and provider.host == host for provider in load_providers())


def gmail_note(account: Account, listed: int) -> str:
    """What to tell a Gmail user about what the listing may leave out ("" for other servers)."""
    if not is_gmail(account):
        return ""
    translate = QCoreApplication.translate
    if account.user.startswith(RECENT_PREFIX):
        return translate("RemoteMailbox", "Gmail lists the mail of the last 30 days here ({0} message(s)), because "
                                          "the user name starts with recent:.").format(listed)
    text = translate("RemoteMailbox", "Gmail lists at most about {0} messages per session: {1} listed.").format(
        GMAIL_SESSION_LIMIT, listed)
    if listed >= GMAIL_SESSION_LIMIT * 9 // 10:
        text += " " + translate(
            "RemoteMailbox", "There may be more: download these (mark and Execute), then press List Again for the "
                             "next ones. To see the last 30 days of mail instead, put recent: before the user name "
                             "in the account settings (recent:{0}).").format(account.user)
    return text

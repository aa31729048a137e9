"""How large a message the account's provider takes, for the warning before sending a big one.

The SMTP server's own SIZE is known only once connected (and the sender refuses a message over it
before MAIL FROM: :meth:`app.core.send.smtp.SmtpSession.send`); the compose window warns earlier,
while the user can still remove an attachment, from the limits providers publish for a whole
message (attachments grow by a third in base64, so the built message is what is compared).
"""

from __future__ import annotations

from dataclasses import dataclass

from app.core.model import Account
from app.core.providers import Provider, load_providers, provider_for_address

MEGABYTE = 1024 * 1024
#: Published limits of a whole message, by provider id (app/resources/providers.json).
PROVIDER_LIMITS_MB = {
    "qq": 50, "163": 50, "126": 50, "yeah": 50, "sina": 50, "sohu": 50, "aliyun": 50, "139": 50,
    "gmail": 25, "outlook": 20, "yahoo": 25, "icloud": 20, "gmx": 50,
}
#: For a provider the table does not know: what most providers accept.
COMMON_LIMIT_MB = 25


@dataclass(frozen=True)
class SizeLimit:
    bytes: int
    #: The provider it comes from (its name as the table gives it), or None for the common limit.
    provider: Provider | None


def size_limit(account: Account, providers: tuple[Provider, ...] | None = None) -> SizeLimit:
    """The largest message the account's provider is known to take (by its address, else its
    SMTP or POP3 host's domain)."""
    candidates = [account.email]
    if account.smtp is not None:
        candidates.append("user@" + account.smtp.host.split(".", 1)[-1])
    candidates.append("user@" + account.host.split(".", 1)[-1])
    for address in candidates:
        provider = provider_for_address(address, providers if providers is not None else load_providers())
        if provider is not None and provider.id in PROVIDER_LIMITS_MB:
            return SizeLimit(PROVIDER_LIMITS_MB[provider.id] * MEGABYTE, provider)
    return SizeLimit(COMMON_LIMIT_MB * MEGABYTE, None)


__all__ = ["COMMON_LIMIT_MB", "MEGABYTE", "PROVIDER_LIMITS_MB", "SizeLimit", "size_limit"]

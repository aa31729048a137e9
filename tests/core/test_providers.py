"""Provider presets: the shipped table is valid and lookups work by domain."""

from __future__ import annotations

import pytest

from app.core.model import Security
from app.core.providers import load_providers, provider_for_address


@pytest.mark.parametrize(("address", "host", "needs_code"), [
    ("12345@qq.com", "pop.qq.com", True),
    ("someone@Foxmail.com", "pop.qq.com", True),
    ("li.lei@163.com", "pop.163.com", True),
    ("han@126.com", "pop.126.com", True),
    ("x@yeah.net", "pop.yeah.net", True),
    ("me@gmail.com", "pop.gmail.com", False),
    ("me@hotmail.com", "outlook.office365.com", False),
])
def test_lookup_by_domain(address: str, host: str, needs_code: bool) -> None:
    provider = provider_for_address(address)
    assert provider is not None
    assert (provider.host, provider.port, provider.security) == (host, 995, Security.TLS)
    assert ("authorization code" in provider.note) is needs_code
    assert ("授权码" in provider.note_for("zh_CN")) is needs_code


def test_unknown_or_incomplete_addresses() -> None:
    assert provider_for_address("me@company.example") is None
    assert provider_for_address("no-at-sign") is None
    assert provider_for_address("trailing@") is None


def test_table_is_consistent() -> None:
    providers = load_providers()
    assert len(providers) >= 15
    domains = [domain for provider in providers for domain in provider.domains]
    assert len(domains) == len(set(domains)), "a domain is listed twice"
    for provider in providers:
        assert provider.note and provider.note_zh
        assert provider.host or not provider.pop3


def test_icloud_says_it_has_no_pop3() -> None:
    provider = provider_for_address("me@icloud.com")
    assert provider is not None and not provider.pop3


@pytest.mark.parametrize(("address", "host", "port", "security"), [
    ("12345@qq.com", "smtp.qq.com", 465, Security.TLS),
    ("li.lei@163.com", "smtp.163.com", 465, Security.TLS),
    ("han@126.com", "smtp.126.com", 465, Security.TLS),
    ("x@yeah.net", "smtp.yeah.net", 465, Security.TLS),
    ("x@sina.com", "smtp.sina.com", 465, Security.TLS),
    ("x@sohu.com", "smtp.sohu.com", 465, Security.TLS),
    ("x@aliyun.com", "smtp.aliyun.com", 465, Security.TLS),
    ("x@139.com", "smtp.139.com", 465, Security.TLS),
    ("me@gmail.com", "smtp.gmail.com", 465, Security.TLS),
    ("me@hotmail.com", "smtp-mail.outlook.com", 587, Security.STARTTLS),
])
def test_smtp_presets(address: str, host: str, port: int, security: Security) -> None:
    provider = provider_for_address(address)
    assert provider is not None
    smtp = provider.smtp_settings()
    assert smtp is not None
    assert (smtp.host, smtp.effective_port, smtp.security) == (host, port, security)


def test_every_provider_with_pop3_can_send() -> None:
    for provider in load_providers():
        assert (provider.smtp_settings() is not None) is provider.pop3, provider.id

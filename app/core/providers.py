"""Server presets by mail domain, from ``resources/providers.json``.

Typing an address fills in host, port and security (POP3, and SMTP for sending); the user can
still change them. Each preset carries the provider's note in English and Chinese (QQ and 163 need
an authorization code, for example), because that is the first thing that goes wrong for new users.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from app.core.model import Security, SmtpSettings


@dataclass(frozen=True)
class Provider:
    id: str
    name: str
    name_zh: str
    domains: tuple[str, ...]
    host: str
    port: int
    security: Security
    note: str
    note_zh: str
    #: False for providers that offer no POP3 at all (iCloud).
    pop3: bool = True
    #: The SMTP submission server ("" when the table has none for this provider).
    smtp_host: str = ""
    smtp_port: int = 0
    smtp_security: Security = Security.TLS
    #: The web mail to open for the authorization code's steps (QQ, 163, 126); "" for the others.
    settings_url: str = ""

    def smtp_settings(self) -> SmtpSettings | None:
        """The provider's SMTP server as account settings, or None when the table has none."""
        if not self.smtp_host:
            return None
        return SmtpSettings(host=self.smtp_host, port=self.smtp_port, security=self.smtp_security)

    def note_for(self, language: str) -> str:
        return self.note_zh if language.lower().startswith("zh") else self.note


def resources_directory() -> Path:
    """``app/resources``: package data, so an installed wheel has it too (read through
    importlib.resources); inside a PyInstaller bundle, ``resources`` beside the executable's data."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle, "resources")  # PyInstaller's data folder: the package data of a bundle
    # Imported here: importlib.resources brings tempfile, shutil and random, which the command
    # line's start-up (poplark fetch from cron) has no use for.
    import importlib.resources

    # Wheels install unzipped, so the package's files are real paths (Qt needs file names for icons).
    return Path(str(importlib.resources.files("app") / "resources"))


@cache
def load_providers(path: Path | None = None) -> tuple[Provider, ...]:
    import json

    source = path or resources_directory() / "providers.json"
    data = json.loads(source.read_text("utf-8"))
    return tuple(
        Provider(id=entry["id"], name=entry["name"], name_zh=entry.get("name_zh", entry["name"]),
                 domains=tuple(domain.lower() for domain in entry["domains"]), host=entry["host"],
                 port=int(entry["port"]), security=Security(entry["security"]), note=entry.get("note", ""),
                 note_zh=entry.get("note_zh", entry.get("note", "")), pop3=bool(entry.get("pop3", True)),
                 smtp_host=entry.get("smtp_host", ""), smtp_port=int(entry.get("smtp_port", 0)),
                 smtp_security=Security(entry.get("smtp_security", "tls")),
                 settings_url=entry.get("settings_url", ""))
        for entry in data["providers"])


def provider_for_address(address: str, providers: tuple[Provider, ...] | None = None) -> Provider | None:
    """The preset for the domain of ``address`` ("someone@qq.com" -> QQ Mail), or None."""
    _, at, domain = address.strip().rpartition("@")
    if not at or not domain:
        return None
    domain = domain.lower().rstrip(".")
    for provider in providers if providers is not None else load_providers():
        if domain in provider.domains:
            return provider
    return None


#: Mail domains whose POP3 servers take an authorization code (授权码), not the web password: QQ
#: (foxmail.com is QQ's too), NetEase's 163, 126 and yeah.net. A login refused there is nearly
#: always that.
AUTHORIZATION_CODE_DOMAINS = ("qq.com", "foxmail.com", "163.com", "126.com", "yeah.net")


def needs_authorization_code(host: str) -> bool:
    """Whether ``host`` (pop.qq.com, pop.163.com, ...) belongs to a provider that wants an
    authorization code instead of the password; other servers must not get that advice."""
    name = host.strip().lower().rstrip(".")
    return any(name == domain or name.endswith("." + domain) for domain in AUTHORIZATION_CODE_DOMAINS)

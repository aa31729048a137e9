"""Parsing of the CAPA reply (RFC 2449 section 5)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Capabilities:
    """What a server said it supports. ``known`` is False when CAPA itself failed."""

    known: bool = False
    names: frozenset[str] = frozenset()
    sasl_mechanisms: tuple[str, ...] = ()
    #: LOGIN-DELAY in seconds; None when not advertised.
    login_delay: int | None = None
    #: EXPIRE in days; -1 for NEVER; None when not advertised.
    expire_days: int | None = None
    implementation: str = ""
    raw_lines: tuple[str, ...] = field(default=(), compare=False)

    def has(self, name: str) -> bool:
        return name.upper() in self.names

    @property
    def pipelining(self) -> bool:
        return self.has("PIPELINING")

    @property
    def uidl(self) -> bool:
        # Servers without CAPA usually still support UIDL (it is in RFC 1939): try it then.
        return self.has("UIDL") or not self.known

    @property
    def top(self) -> bool:
        return self.has("TOP") or not self.known

    @property
    def stls(self) -> bool:
        return self.has("STLS")

    @property
    def user_command(self) -> bool:
        return self.has("USER") or not self.known


def parse_capabilities(lines: list[bytes]) -> Capabilities:
    """Build :class:`Capabilities` from the body lines of a ``+OK`` CAPA reply."""
    names: set[str] = set()
    sasl: tuple[str, ...] = ()
    login_delay: int | None = None
    expire: int | None = None
    implementation = ""
    raw: list[str] = []
    for line in lines:
        text = line.decode("ascii", "replace").strip()
        if not text:
            continue
        raw.append(text)
        parts = text.split()
        name = parts[0].upper()
        names.add(name)
        arguments = parts[1:]
        if name == "SASL":
            sasl = tuple(mechanism.upper() for mechanism in arguments)
        elif name == "LOGIN-DELAY" and arguments:
            login_delay = _int_or_none(arguments[0])
        elif name == "EXPIRE" and arguments:
            expire = -1 if arguments[0].upper() == "NEVER" else _int_or_none(arguments[0])
        elif name == "IMPLEMENTATION":
            implementation = " ".join(arguments)
    return Capabilities(
        known=True,
        names=frozenset(names),
        sasl_mechanisms=sasl,
        login_delay=login_delay,
        expire_days=expire,
        implementation=implementation,
        raw_lines=tuple(raw),
    )


def _int_or_none(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None

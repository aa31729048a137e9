"""The commands right after login, CAPA, LIST and UIDL, in one write: one round trip, not three.

RFC 2449 section 6.6 lets a client pipeline once the server has advertised PIPELINING. The
caller decides that (the pre-login CAPA, the account's setting, no recent break of pipelining)
and sends this batch only after the login reply: a command pipelined behind AUTH or PASS could
be taken as the answer to a SASL "+ " challenge.

The post-login CAPA is read first and the rest is judged exactly as in the one-by-one sequence:
without UIDL in it the UIDL reply is read and ignored (uids None: the fetch engine falls back to
keys from TOP, the remote mailbox says marks cannot be carried out), a permanent -ERR to UIDL
means "no UIDL", any other -ERR is raised as it would be (not for an empty mailbox, where the
engine would not have asked), and whether the RETRs that follow are pipelined is decided from
this CAPA, not the one before login.

A server that mishandles the batch cannot go unnoticed: a dropped command leaves a reply missing,
so the last read meets silence (:class:`PipelineStalled`); a CAPA reply that is a listing, or a
reply too many, is :class:`OutOfStep`. Either pauses pipelining for the account
(``app.core.fetch.session_start``, for the fetch engine and the remote mailbox alike).
"""

from __future__ import annotations

from typing import NamedTuple

from app.core.errors import OutOfStep, PermanentServerError
from app.core.pop3.capabilities import Capabilities, parse_capabilities
from app.core.pop3.listing import listing_sizes, listing_values
from app.core.pop3.responses import error_for
from app.core.pop3.wire import Wire

#: The batch: each command with "its reply is multi-line".
BATCH = [("CAPA", True), ("LIST", True), ("UIDL", True)]


class Listings(NamedTuple):
    """What the batch established besides the capabilities."""

    #: Message number -> size from LIST.
    sizes: dict[int, int]
    #: Message number -> UIDL; None when the server has no usable UIDL (use keys from TOP).
    uids: dict[int, str] | None


def capa_list_uidl(wire: Wire, *, max_capa_octets: int,
                   max_listing_octets: int) -> tuple[Capabilities, Listings]:
    """Send CAPA, LIST and UIDL in one write and read the three replies in order.

    Raises as the one-by-one sequence would (a LIST -ERR as the vocabulary's error for LIST, a
    malformed listing as ProtocolError), once all three replies are read, so the stream stays
    in step for the RSET and QUIT of the abort that follows.
    """
    wire.send_batch(BATCH)
    capa = wire.read_status(in_flight=2, pipelined=True)
    # As Pop3Client._capa: a -ERR means an RFC 1939-only server, carry on with the defaults.
    capabilities = (parse_capabilities(wire.read_body(max_capa_octets).split(b"\r\n")) if capa.ok
                    else Capabilities())
    if any(name.isdigit() for name in capabilities.names):
        # A capability is a keyword; "1 2048" is a LIST line: the CAPA reply went missing.
        wire.in_step = False
        raise OutOfStep("the reply to CAPA after login was a message listing: replies are out of step")
    listed = wire.read_status(in_flight=1, pipelined=True)
    list_body = wire.read_body(max_listing_octets) if listed.ok else b""
    uidl = wire.read_status(in_flight=0, pipelined=True)
    uidl_body = wire.read_body(max_listing_octets) if uidl.ok else b""
    wire.check_nothing_left()
    if not listed.ok:
        raise error_for(listed, during="LIST")
    sizes = listing_sizes(list_body)
    if not capabilities.uidl:
        return capabilities, Listings(sizes, None)
    if uidl.ok:
        return capabilities, Listings(sizes, listing_values(uidl_body, "UIDL") if sizes else {})
    error = error_for(uidl, during="UIDL")
    if isinstance(error, PermanentServerError):
        return capabilities, Listings(sizes, None)
    if not sizes:  # nothing to name: one by one, the engine sends no UIDL for an empty mailbox
        return capabilities, Listings(sizes, {})
    raise error


"""Finding the mail servers of a domain the provider table does not know, as Thunderbird does.

In order of trust: the provider table (:mod:`app.core.providers`), the domain's own autoconfig file
(:mod:`.autoconfig`, Mozilla's ISPDB format), its RFC 6186 SRV records (:mod:`.srv`), and last a
guess confirmed by connecting (:mod:`.probe`). :func:`.discover.discover` runs the network steps
in parallel with short timeouts, honours a cancel token, and returns the most trusted answer with
how it was found. No Qt: the account dialog runs it in a background job, and the CLI can too.
Everything that touches the network takes its resolver and URL bases as arguments, so tests
talk only to loopback.
"""

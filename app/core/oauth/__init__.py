"""OAuth2 sign-in (issue 17), for the command line and the GUI alike, without Qt.

``sasl``: the XOAUTH2 and OAUTHBEARER messages and their errors; ``providers``: the table of
authorization servers; ``tokens``: the refresh token in the keyring, the access token in memory;
``flows``: the browser (PKCE, loopback redirect) and device-code sign-ins; ``http``: the few
HTTPS requests they make, with the standard library.
"""

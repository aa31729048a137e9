"""The HTML safety decisions, without Qt: what a message may load and where it may navigate.

``tests/ui/test_html_view.py`` checks that the QtWebEngine view enforces them against a real
counting server; here every case of the decision tables is spelled out.
"""

from __future__ import annotations

import pytest

from app.core.message.html_policy import (
    SCHEME,
    Navigation,
    is_own_url,
    navigation_decision,
    new_token,
    request_allowed,
    rewrite_cid_urls,
)


@pytest.mark.parametrize(("scheme", "remote_allowed", "main_frame", "allowed"), [
    (SCHEME, False, False, True),          # the message's own parts
    (SCHEME, False, True, True),           # ... and its body, the one main-frame load
    ("data", False, False, True),          # inline data: URLs
    ("DATA", False, False, True),          # schemes are case-blind
    ("https", False, False, False),        # remote content: blocked until the user asks
    ("http", False, False, False),
    ("https", True, False, True),          # ... and then let through
    ("HTTP", True, False, True),
    ("https", True, True, False),          # never as a navigation of the main frame
    ("file", True, False, False),          # nothing else, ever
    ("ftp", True, False, False),
    ("ws", True, False, False),
    ("wss", True, False, False),
    ("blob", True, False, False),
    ("", True, False, False),
])
def test_which_requests_a_message_may_make(scheme: str, remote_allowed: bool, main_frame: bool,
                                           allowed: bool) -> None:
    assert request_allowed(scheme, remote_allowed=remote_allowed, main_frame=main_frame) is allowed


def test_an_own_url_names_the_scheme_and_this_message_token() -> None:
    token = new_token()
    assert is_own_url(SCHEME, token, token)
    assert not is_own_url(SCHEME, new_token(), token)  # an earlier message's page
    assert not is_own_url("https", token, token)
    assert not is_own_url(SCHEME, "", "")               # no message shown: nothing is ours


@pytest.mark.parametrize(("own_url", "clicked", "body_anchor", "main_frame", "expected_load", "decision"), [
    (True, False, False, True, True, Navigation.FOLLOW),        # the one load the view started
    (True, False, False, True, False, Navigation.REFUSE),       # a second load: refresh, form, redirect
    (True, False, False, False, True, Navigation.REFUSE),       # a frame
    (False, False, False, True, True, Navigation.REFUSE),       # somewhere else entirely
    (True, True, True, True, False, Navigation.FOLLOW),         # "back to top" inside the message
    (True, True, False, True, False, Navigation.OPEN_OUTSIDE),  # a link to our own body, no anchor
    (False, True, True, True, False, Navigation.OPEN_OUTSIDE),  # an anchor on another site
    (False, True, False, True, True, Navigation.OPEN_OUTSIDE),  # an ordinary link
])
def test_where_a_message_may_navigate(own_url: bool, clicked: bool, body_anchor: bool, main_frame: bool,
                                      expected_load: bool, decision: Navigation) -> None:
    assert navigation_decision(own_url=own_url, clicked=clicked, body_anchor=body_anchor,
                               main_frame=main_frame, expected_load=expected_load) is decision


def test_cid_references_point_at_this_message_only() -> None:
    html = rewrite_cid_urls('<img src="cid:logo@example.com"> text about cid:other', "token1")
    assert html == f'<img src="{SCHEME}://token1/cid/logo%40example.com"> text about cid:other'

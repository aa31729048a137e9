"""The account dialog: add or edit one account (POP3 and SMTP), test it, and keep its secret in the keyring.

The user types an address and the provider table fills in the server (only fields they have not
typed themselves), with the provider's note, because "QQ needs an authorization code" is the first
thing that goes wrong. Every field is checked as it changes and the OK button stays disabled until
the settings are valid. "Test connection" runs off the GUI thread and says in plain words what works
and what does not; an untrusted certificate can be trusted by its exact SHA-256 fingerprint for this
account only (a pin), never by ignoring errors.

One module per job:

========================  ================================================================
``dialog``                :class:`AccountDialog`: composes the parts, shows problems, saves
``form``                  the tabs of fields; filling them from and reading them into an Account
``smtp_section``          the Sending tab: the SMTP server, following the address as POP3 does
``sign_in``               password or "Sign in with Microsoft/Google" (OAuth2), with the client ID
``sign_in_flow``          the browser sign-in on a worker thread, cancellable (also the window's)
``auth_code``             QQ, 163, 126: the authorization code's guide; spaces dropped from the code
``presets``               typing an address fills in the provider's server and note
``certificates``          fingerprints as people compare them; the account's certificate pin
``tester``                "Test connection" off the GUI thread; tests still running at exit
``report``                the test's outcome in plain words (HTML)
``smtp_report``           the SMTP half of that report
``secret``                remembering the password in the keyring; what to say when that fails
``style``                 the translation context, colours and layout helpers they share
========================  ================================================================

Saving the account with its secret is :func:`app.core.accounts.save_account`, shared with the CLI.
"""

from app.ui.dialogs.account_dialog.certificates import format_fingerprint
from app.ui.dialogs.account_dialog.dialog import AccountDialog
from app.ui.dialogs.account_dialog.style import NOTE_STYLE, WARNING_COLOR, ui_language
from app.ui.dialogs.account_dialog.tester import unfinished_jobs

__all__ = ["NOTE_STYLE", "WARNING_COLOR", "AccountDialog", "format_fingerprint", "ui_language", "unfinished_jobs"]

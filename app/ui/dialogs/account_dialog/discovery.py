"""Autodiscovery in the account dialog: an address whose domain the provider table does not know
is looked up (:mod:`app.core.discovery`) in a background job, a moment after the user stops
typing, and what was found fills the server fields that still follow the address, with a note
that says where the answer came from and how sure it is.

A newer address cancels the search for the older one; closing the dialog cancels it and leaves the
job to end on its own (its steps have short timeouts), referenced until then as the connection
test's are. Tests point :attr:`ServerDiscovery.network` at loopback servers.
"""

from __future__ import annotations

import urllib.parse

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from app.core.cancel import CancelToken
from app.core.discovery.discover import DiscoveryNetwork, discover
from app.core.discovery.result import Confidence, Discovery, Source
from app.core.errors import Cancelled
from app.core.model import Security
from app.core.providers import provider_for_address
from app.ui.dialogs.account_dialog.form import ADDRESS_PATTERN, AccountForm
from app.ui.dialogs.account_dialog.presets import AddressAutoFill
from app.ui.dialogs.account_dialog.style import NOTE_STYLE, translate
from app.ui.workers.background import BackgroundJob, ProgressCallback

#: Wait this long after the last keystroke in the address before looking (ms).
DISCOVERY_DELAY_MS = 700
#: Where discovery looks unless told otherwise (the real world; tests replace it).
DEFAULT_NETWORK = DiscoveryNetwork()

#: Every search whose thread has not ended, whatever became of its dialog.
_running_jobs: set[BackgroundJob] = set()


def security_name(security: Security) -> str:
    return {Security.TLS: translate("AccountDialog", "SSL/TLS"),
            Security.STARTTLS: translate("AccountDialog", "STARTTLS"),
            Security.NONE: translate("AccountDialog", "no encryption")}[security]


def describe(found: Discovery | None, domain: str) -> str:
    """The note under the address: what was found, where, and how sure it is."""
    if found is None or found.incoming is None:
        return translate("AccountDialog", "No server settings were found for {0}. Enter the POP3 server your "
                                          "provider gives (often pop.{0}, port 995).").format(domain)
    server = found.incoming
    # The web server's name says enough under the address; the whole URL is in the log.
    where = urllib.parse.urlsplit(found.detail).hostname or found.detail if found.source is Source.AUTOCONFIG \
        else found.detail
    what = translate("AccountDialog", "{0}, port {1}, {2}").format(server.host, server.port,
                                                                 security_name(server.security))
    if found.source is Source.AUTOCONFIG and found.confidence is Confidence.HIGH:
        text = translate("AccountDialog", "Found in the settings file {0} publishes ({1}): {2}. Sure: the "
                                          "domain itself says so.").format(domain, where, what)
    elif found.source is Source.AUTOCONFIG:
        text = translate("AccountDialog", "Found in the settings file {0} publishes, read over an unencrypted "
                                          "connection ({1}): {2}. Probably right; Test connection checks it."
                         ).format(domain, where, what)
    elif found.source is Source.SRV:
        text = translate("AccountDialog", "Found in the DNS records of {0} ({1}): {2}. Probably right; Test "
                                          "connection checks it.").format(domain, found.detail, what)
    else:
        text = translate("AccountDialog", "Guessed: {0} answers as a POP3 server. Not sure: Test connection "
                                          "checks it, and your provider's help pages say for certain."
                         ).format(what)
    if server.security is Security.NONE:
        text += " " + translate("AccountDialog", "It offers no encryption: ask your provider for a secure "
                                                 "server before sending your password to it.")
    return text


class ServerDiscovery(QObject):
    """Looks up the servers of the typed address's domain when the provider table has none."""

    #: A search for the address still in the field has ended and its note is shown (the answer, or None).
    looked_up = Signal(object)

    def __init__(self, form: AccountForm, autofill: AddressAutoFill) -> None:
        super().__init__(form)
        self._form = form
        self._autofill = autofill
        self.network = DEFAULT_NETWORK
        self._job: BackgroundJob | None = None
        self._cancel: CancelToken | None = None
        self._address = ""  # the address being looked up
        #: The last answer shown (None: none yet, or nothing found).
        self.found: Discovery | None = None
        self.timer = QTimer(self)
        self.timer.setObjectName("discoveryTimer")
        self.timer.setSingleShot(True)
        self.timer.setInterval(DISCOVERY_DELAY_MS)
        self.timer.timeout.connect(self.start)
        form.address_edit.textEdited.connect(self._address_edited)

    def running(self) -> bool:
        return self._job is not None

    @Slot(str)
    def _address_edited(self, _text: str) -> None:
        self.release()
        self.found = None
        self.timer.start()

    @Slot()
    def start(self) -> None:
        """Look up the address now (if its domain is unknown and the user left the server to it)."""
        self.timer.stop()
        self.release()
        address = self._form.address_edit.text().strip()
        if (not ADDRESS_PATTERN.match(address) or provider_for_address(address) is not None
                or "host" in self._autofill.edited):
            return
        domain = address.rpartition("@")[2].lower()
        self._show(translate("AccountDialog", "Looking up the mail servers of {0}…").format(domain))
        cancel = self._cancel = CancelToken()
        network = self.network

        def look(_report: ProgressCallback) -> Discovery | None:
            return discover(address, network, cancel=cancel)

        # No parent, and referenced by the module until its thread ends: a dialog deleted while
        # the search runs must not take a running QThread with it (that aborts the process).
        job = self._job = BackgroundJob(look)
        self._address = address
        # Bound methods of this QObject: Qt drops the connections if the dialog goes first.
        job.succeeded.connect(self._found)
        job.failed.connect(self._failed)
        job.finished.connect(self._ended)
        _running_jobs.add(job)
        job.finished.connect(lambda: _running_jobs.discard(job))
        job.start()

    def _still_wanted(self, address: str) -> bool:
        return self._form.address_edit.text().strip() == address

    @Slot(object)
    def _found(self, found: Discovery | None) -> None:
        address = self._address
        if not self._still_wanted(address):
            return
        self.found = found
        if found is not None and found.incoming is not None:
            self._fill(found)
        # After filling: the hints that follow may change the height the dialog fits itself to.
        self._show(describe(found, address.rpartition("@")[2].lower()))
        self.looked_up.emit(found)

    def _fill(self, found: Discovery) -> None:
        assert found.incoming is not None
        server = found.incoming
        edited = self._autofill.edited
        with self._autofill.filling_fields():
            if "host" not in edited:
                self._form.host_edit.setText(server.host)
            if "security" not in edited:
                self._form.set_security(server.security)
            if "port" not in edited:
                self._form.port_spin.setValue(server.port)
            if found.user and "user" not in edited:
                self._form.user_edit.setText(found.user)
        self._autofill.touched.emit("host")  # the dialog re-checks the form

    @Slot(object)
    def _failed(self, error: object) -> None:
        address = self._address
        if isinstance(error, Cancelled) or not self._still_wanted(address):
            return
        self._show(describe(None, address.rpartition("@")[2].lower()))
        self.looked_up.emit(None)

    @Slot()
    def _ended(self) -> None:
        self._job = None
        self._cancel = None

    def _show(self, text: str) -> None:
        label = self._form.provider_note
        label.setStyleSheet(NOTE_STYLE)
        label.setText(text)
        label.setVisible(bool(text))
        self._autofill.note_changed.emit()
        # Once more when the fields filled meanwhile have laid themselves out: a fit computed in
        # the same turn still saw the note's old height (measured: two lines cut to one).
        QTimer.singleShot(0, self, self._autofill.note_changed.emit)

    def release(self) -> None:
        """Cancel a running search and let its job end on its own, referenced until then."""
        job, self._job = self._job, None
        if self._cancel is not None:
            self._cancel.cancel()
            self._cancel = None
        if job is None:
            return
        for signal in (job.succeeded, job.failed, job.finished):
            signal.disconnect()
        job.finished.connect(lambda: _running_jobs.discard(job))  # still referenced until then


def unfinished_jobs() -> list[BackgroundJob]:
    """Searches still running, for dialogs open or closed."""
    return list(_running_jobs)

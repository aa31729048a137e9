"""The account dialog: add or edit one POP3 account, test it, and save it with its secret.

It composes the parts of this package: the form (:mod:`.form`) with its provider presets
(:mod:`.presets`) and certificate pin (:mod:`.certificates`), the connection test (:mod:`.tester`,
reporting through :mod:`.report`) and the secret (:mod:`.secret`). What the dialog itself decides is
when a problem is shown (a field's hint appears once the user has been there, or once the address
is complete), when OK and "Test" are possible, and how tall the window must be for its wrapped text.
"""

from __future__ import annotations

import dataclasses
import itertools

from PySide6.QtCore import QTimer, Signal, Slot
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFileDialog, QMessageBox, QVBoxLayout, QWidget

from app.core.connection_test import ConnectionReport
from app.core.errors import PoplarkError
from app.core.model import Account, AuthMethod
from app.core.pop3.auth import Secret
from app.core.store import Store
from app.ui.dialogs.account_dialog.auth_code import authorization_code
from app.ui.dialogs.account_dialog.discovery import ServerDiscovery
from app.ui.dialogs.account_dialog.form import ADDRESS_PATTERN, AccountForm
from app.ui.dialogs.account_dialog.presets import AddressAutoFill
from app.ui.dialogs.account_dialog.report import failed_test_warning
from app.ui.dialogs.account_dialog.secret import AccountSecret, save_error_text
from app.ui.dialogs.account_dialog.smtp_report import failed_smtp_warning
from app.ui.dialogs.account_dialog.style import HINT_COLOR, wrapped_label
from app.ui.dialogs.account_dialog.tester import ConnectionTestPanel, TestSecrets

#: Fields that must be right before a connection test makes sense.
CONNECTION_FIELDS = frozenset({"host", "port", "user", "ca_file"})


class AccountDialog(QDialog):
    """Add an account (``account`` None) or edit one; after accept, :attr:`account` is saved.

    When no keyring is available, the typed secret is handed back as :attr:`session_password` for
    the caller to keep in memory for this session.
    """

    #: Emitted on the GUI thread when a test has ended and its report is shown (None: the test crashed).
    connection_tested = Signal(object)

    def __init__(self, store: Store, account: Account | None = None, parent: QWidget | None = None, *,
                 default_check_interval: int = Account.check_interval_minutes) -> None:
        super().__init__(parent)
        self.store = store
        self.account: Account | None = None
        self.session_password: str | None = None
        #: Not in :class:`Account` yet; read it here until the model has a field for it.
        self.check_at_startup = True if account is None else account.check_at_startup
        self._original = account
        self._other_names = {other.name for other in store.accounts()
                             if account is None or other.id != account.id}
        self._secret = AccountSecret(account)
        self._touched: set[str] = set()  # fields whose hint may show
        self._show_all_hints = account is not None
        self._fit_scheduled = False
        #: The settings of the last connection test that failed, and what to say about it.
        self._failed_test: tuple[dict[str, object], str] | None = None
        self._tested_settings: dict[str, object] = {}
        self.setWindowTitle(self.tr("Add account") if account is None else self.tr("Account settings"))
        self.setMinimumWidth(580)
        self._build()
        self._connect_signals()
        with self._autofill.filling_fields():
            if account is None:
                self.form.load_defaults(default_check_interval)
            else:
                self.form.load(account)
            self._secret.load_into(self.form)
        if account is not None:
            self._autofill.follow_loaded(account)
        self.form.update_dependent_widgets()
        self._validate()
        if account is None:
            self.address_edit.setFocus()  # the first thing to type; the rest fills in from it

    # -- building -------------------------------------------------------------------------------

    def _build(self) -> None:
        self.form = AccountForm()
        self._autofill = AddressAutoFill(self.form)
        self.server_discovery = ServerDiscovery(self.form, self._autofill)  # for domains the table lacks
        self.test_panel = ConnectionTestPanel()
        self.save_error = wrapped_label("saveError", f"color: {HINT_COLOR};")
        self.save_error.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.setObjectName("buttons")
        self._ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self._ok_button.setObjectName("okButton")
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        layout.addWidget(self.test_panel)
        layout.addWidget(self.save_error)
        layout.addWidget(self.buttons)
        self._expose_widgets()
        # Tab follows the form top to bottom (the widgets were made before their containers).
        chain: list[QWidget] = [self.tabs.tabBar(), *self.form.fields_in_tab_order(),
                                self.test_button, self.test_result, self.trust_button, *self.buttons.buttons()]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    def _expose_widgets(self) -> None:
        """The widgets callers and tests reach through the dialog, under the names they always had."""
        form, panel = self.form, self.test_panel
        self.tabs = form
        self.address_edit, self.display_name_edit, self.name_edit = (
            form.address_edit, form.display_name_edit, form.name_edit)
        self.host_edit, self.port_spin, self.security_combo = form.host_edit, form.port_spin, form.security_combo
        self.user_edit, self.password_edit = form.user_edit, form.password_edit
        self.remember_check, self.keyring_notice = form.remember_check, form.keyring_notice
        self.leave_check, self.leave_combo, self.days_spin = form.leave_check, form.leave_combo, form.days_spin
        self.ca_file_edit, self.forget_pin_button = form.ca_file_edit, form.forget_pin_button
        self.smtp, self.sign_in, self.auth_code_guide = form.smtp, form.sign_in, form.auth_code_guide
        self.test_button, self.test_busy = panel.test_button, panel.test_busy
        self.test_result, self.trust_button = panel.test_result, panel.trust_button

    def _connect_signals(self) -> None:
        form = self.form
        self._autofill.touched.connect(self._touch)
        self._autofill.note_changed.connect(self._schedule_fit)
        form.password_edit.textEdited.connect(lambda _text: self._touch("password"))
        form.ca_file_edit.textEdited.connect(lambda _text: self._touch("ca_file"))
        form.days_spin.valueChanged.connect(lambda _value: self._touch("days"))
        for signal in (form.display_name_edit.textChanged, form.name_edit.textChanged, form.user_edit.textChanged,
                       form.password_edit.textChanged, form.ca_file_edit.textChanged, form.port_spin.valueChanged,
                       form.security_combo.currentIndexChanged, form.remember_check.toggled,
                       form.leave_check.toggled, form.leave_combo.currentIndexChanged, form.size_check.toggled,
                       form.insecure_check.toggled):
            signal.connect(self._validate)
        form.ca_browse_button.clicked.connect(self._choose_ca_file)
        # After the autofill's own slot (connected first): the POP3 host is filled in by then.
        form.address_edit.textEdited.connect(self._follow_address)
        form.host_edit.textEdited.connect(lambda _text: self._follow_address())
        self.server_discovery.looked_up.connect(
            lambda found: self.smtp.follow_discovery(getattr(found, "outgoing", None)))
        self.sign_in.changed.connect(self._validate)
        self.sign_in.changed.connect(self._schedule_fit)
        for signal in (self.smtp.smtp_host_edit.textChanged, self.smtp.smtp_port_spin.valueChanged,
                       self.smtp.smtp_separate_check.toggled, self.smtp.smtp_password_edit.textChanged):
            signal.connect(self._validate)
        self.test_button.clicked.connect(self._start_test)
        self.test_panel.test_ended.connect(self._on_test_ended)
        self.test_panel.trust_requested.connect(self._trust_certificate)
        self.test_panel.report_shown.connect(self._schedule_fit)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

    # -- checking the fields --------------------------------------------------------------------

    def _touch(self, field_name: str) -> None:
        self._touched.add(field_name)
        if field_name == "address" and ADDRESS_PATTERN.match(self.address_edit.text().strip()):
            # The first step is done: from now on say what else is missing.
            self._show_all_hints = True
        self._validate()

    @Slot()
    def _follow_address(self) -> None:
        """SMTP, the sign-in and the authorization-code guide follow the address, as the server does."""
        address = self.address_edit.text().strip()
        if self.sender() is self.address_edit:
            self.smtp.follow_address(address)
        self.sign_in.login_hint = address
        self.sign_in.follow(address, self.host_edit.text())
        self.auth_code_guide.follow(address)
        self._validate()

    def _problems(self) -> dict[str, str]:
        """Field name -> what is wrong with it, for every field that is not acceptable."""
        remember = self.remember_check.isChecked()
        oauth2 = self.sign_in.oauth2()
        problems = self.form.problems(self._other_names, not oauth2 and self._secret.required(remember))
        problems.update(self.smtp.problems(self._secret.smtp_required(remember)))
        problems.update(self.sign_in.problems())
        return problems

    @Slot()
    def _validate(self) -> None:
        self.form.update_dependent_widgets()
        problems = self._problems()
        hints = {**self.form.hints, **self.smtp.hints, "client_id": self.sign_in.client_id_hint}
        for field_name, hint in hints.items():
            text = problems.get(field_name, "")
            hint.setText(text)
            hint.setVisible(bool(text) and (self._show_all_hints or field_name in self._touched))
        self._ok_button.setEnabled(not problems)
        # The disabled OK button says why, for a problem whose hint is not shown yet.
        self._ok_button.setToolTip(next(iter(problems.values()), ""))
        self.test_button.setEnabled(not self.test_panel.running and not CONNECTION_FIELDS & problems.keys())

    @Slot()
    def _choose_ca_file(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, self.tr("Choose a CA certificate"), self.ca_file_edit.text(),
            self.tr("Certificates (*.pem *.crt *.cer);;All files (*)"))
        if path:
            self.ca_file_edit.setText(path)
            self._touch("ca_file")

    def account_from_fields(self) -> Account:
        """The account as the fields describe it (not saved). Raises ValueError when invalid."""
        settings = self.form.settings()
        settings["remember_password"] = self._secret.remember_choice(self.remember_check.isChecked())
        if self._original is not None:
            # replace() keeps whatever the dialog does not show, including the id.
            return dataclasses.replace(self._original, **settings)  # type: ignore[arg-type]
        return Account(**settings)  # type: ignore[arg-type]

    # -- connection test ------------------------------------------------------------------------

    @Slot()
    def _start_test(self) -> None:
        if self.test_panel.running:
            return
        settings = self.form.connection_settings()
        try:
            # The test needs only the connection; a name keeps Account's own checks happy.
            account = Account(name=self.name_edit.text().strip() or str(settings["host"]), **settings)  # type: ignore[arg-type]
        except ValueError as error:
            self.test_panel.show_problem(self.tr("Cannot test yet:"), str(error))
            return
        self._tested_settings = settings
        self.test_panel.start(account, self._test_secrets())

    def _typed_secret(self) -> str:
        """The password as typed; an authorization code without the spaces it is shown with."""
        return authorization_code(self.host_edit.text(), self.password_edit.text())

    def _test_secrets(self) -> TestSecrets:
        if self.sign_in.oauth2():
            grant = self.sign_in.grant
            if grant is not None:
                return TestSecrets(typed=Secret.bearer_token(grant.access_token))
            original = self._original
            signed_in = original if original is not None and original.auth is AuthMethod.OAUTH2 else None
            return TestSecrets(signed_in=signed_in)
        typed = self._typed_secret() or None
        smtp_typed = self.smtp.smtp_password_edit.text() or None
        original = self._original
        smtp_key = None
        if smtp_typed is None and original is not None and self._secret.stored and original.smtp is not None \
                and original.smtp.separate_password:
            smtp_key = original.smtp_credential_key
        return TestSecrets(typed=typed, stored_key=self._secret.key_for_test(typed), smtp_typed=smtp_typed,
                           smtp_stored_key=smtp_key)

    @Slot(object)
    def _on_test_ended(self, report: object) -> None:
        warning = failed_test_warning(report) if isinstance(report, ConnectionReport) else None
        if warning is None and report is not None:
            warning = failed_smtp_warning(self.test_panel.last_smtp)  # receiving works, sending does not
        self._failed_test = (self._tested_settings, warning) if warning else None
        self._validate()
        self.connection_tested.emit(report)

    @Slot(str)
    def _trust_certificate(self, fingerprint: str) -> None:
        self.form.trust_certificate(fingerprint)
        self._start_test()

    # -- saving ---------------------------------------------------------------------------------

    def accept(self) -> None:
        if not self._ok_button.isEnabled() or not self._confirm_after_failed_test():
            return
        typed = self._typed_secret()
        oauth2 = self.sign_in.oauth2()
        try:
            saved = self._secret.save(self.store, self.account_from_fields(), typed,
                                      smtp_typed=self.smtp.smtp_password_edit.text(),
                                      client=self.sign_in.client() if oauth2 else None,
                                      grant=self.sign_in.grant if oauth2 else None)
        except ValueError as error:
            self._show_save_error(str(error))
            return
        except PoplarkError as error:
            self._show_save_error(save_error_text(error))
            return
        self.account = saved
        self.check_at_startup = self.form.startup_check.isChecked()
        self.session_password = self._secret.session_secret(saved, typed)
        super().accept()

    def _confirm_after_failed_test(self) -> bool:
        """Saving settings whose test just failed is allowed, after saying why it failed."""
        if self._failed_test is None or self._failed_test[0] != self.form.connection_settings():
            return True  # no test, a test that passed, or settings changed since
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Connection test failed"), self._failed_test[1],
                          QMessageBox.StandardButton.NoButton, self)
        box.setObjectName("failedTestQuestion")
        save = box.addButton(self.tr("Save Anyway"), QMessageBox.ButtonRole.AcceptRole)
        save.setObjectName("saveAnywayButton")
        back = box.addButton(self.tr("Back to the Settings"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(back)
        box.setEscapeButton(back)
        box.exec()
        confirmed = box.clickedButton() is save
        box.deleteLater()
        return confirmed

    def _show_save_error(self, text: str) -> None:
        self.save_error.setText(text)
        self.save_error.show()

    def done(self, result: int) -> None:
        self.test_panel.release()
        self.server_discovery.release()
        self.sign_in.release()
        super().done(result)

    # -- size -----------------------------------------------------------------------------------

    @Slot()
    def _schedule_fit(self) -> None:
        # After the queued layout requests of this change, when every nested layout knows its size.
        if not self._fit_scheduled:
            self._fit_scheduled = True
            QTimer.singleShot(0, self, self._fit_to_contents)

    @Slot()
    def _fit_to_contents(self) -> None:
        """Grow to the height the word-wrapped notes need at the current width.

        A window's minimum size comes from its layout's minimum sizes, which ignore height for
        width, and a tab page does not pass it on either: without this a long provider note or
        test report is squeezed into lines cut in half.
        """
        self._fit_scheduled = False
        for widget in self.findChildren(QWidget):
            nested = widget.layout()
            if nested is not None:
                nested.invalidate()  # cached heights from before the change
        layout = self.layout()
        if layout is None:
            return
        layout.invalidate()
        needed = layout.totalHeightForWidth(self.width()) if layout.hasHeightForWidth() else -1
        if needed <= 0:
            return
        self.setMinimumHeight(needed)
        if self.height() < needed:
            self.resize(self.width(), needed)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._schedule_fit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self._schedule_fit()

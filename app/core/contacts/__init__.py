"""The address book, without Qt: contacts and groups, the addresses seen in mail, completion
(with pinyin for Chinese names), address checks, and vCard/CSV import and export.

The tables are in :mod:`app.core.store.contacts` and :mod:`app.core.store.seen_addresses`; this
package decides what goes into them and reads them back. docs/architecture.md, "Address book".
"""

"""``poplark contacts list|add|remove|import|export|complete``: the address book, headless."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from app.cli.presenter import EXIT_FAILED, EXIT_OK
from app.core.contacts.model import Contact, ContactAddress
from app.core.errors import ConfigError
from app.core.store import Profile, Store


def add_contacts_parser(commands: Any) -> None:
    """The ``contacts`` command's grammar, added to the top-level subparsers."""
    contacts = commands.add_parser("contacts", help="the address book: list, add, remove, import, export, complete")
    actions = contacts.add_subparsers(dest="contacts_command", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="list contacts by name")
    listing.add_argument("--group", metavar="NAME", help="only the contacts in this group")
    listing.add_argument("--json", action="store_true", help="one JSON object per line")
    add = actions.add_parser("add", help="add a contact")
    add.add_argument("name", nargs="?", default="", help="the full name, e.g. 张三 or 'Alice Smith'")
    add.add_argument("--email", action="append", default=[], metavar="ADDR",
                     help="an address (repeat for more; the first is the primary one)")
    add.add_argument("--from-message", type=int, metavar="ID",
                     help="add the sender of stored message ID (see 'poplark list') instead")
    add.add_argument("--group", action="append", default=[], metavar="NAME", help="a group to put it in (repeatable)")
    add.add_argument("--note", default="")
    add.add_argument("--json", action="store_true", help="print the saved contact as JSON")
    remove = actions.add_parser("remove", help="remove contacts, by id or by address")
    remove.add_argument("which", nargs="+", metavar="ID|ADDR")
    importing = actions.add_parser("import", help="import contacts from a vCard or CSV file (merged, never doubled)")
    importing.add_argument("file", type=Path, metavar="FILE")
    importing.add_argument("--format", choices=["vcf", "csv"], help="default: from the file name or its content")
    importing.add_argument("--encoding", metavar="ENC",
                           help="the CSV file's encoding (default: detected; UTF-8 or GB18030/GBK)")
    importing.add_argument("--json", action="store_true", help="print the counts as JSON")
    export = actions.add_parser("export", help="export the address book as vCard or CSV ('-' for standard output)")
    export.add_argument("file", metavar="FILE")
    export.add_argument("--format", choices=["vcf", "csv"], help="default: from the file name, else vcf")
    export.add_argument("--encoding", metavar="ENC",
                        help="CSV only: e.g. gb18030 for Chinese Windows programs (default: UTF-8 with a BOM)")
    export.add_argument("--vcard-version", choices=["3.0", "4.0"], default="3.0")
    export.add_argument("--group", metavar="NAME", help="only the contacts in this group")
    complete = actions.add_parser("complete", help="suggest recipients for what was typed (names, pinyin, addresses)")
    complete.add_argument("text", metavar="TEXT")
    complete.add_argument("--limit", type=int, default=10)
    complete.add_argument("--json", action="store_true", help="one JSON object per line")


def _contact_json(contact: Contact) -> dict[str, Any]:
    return {"id": contact.id, "name": contact.name, "family_name": contact.family_name,
            "given_name": contact.given_name,
            "addresses": [{"address": entry.address, "label": entry.label} for entry in contact.addresses],
            "groups": list(contact.groups), "note": contact.note}


def command_contacts(store: Store, profile: Profile, arguments: argparse.Namespace) -> int:
    action = arguments.contacts_command
    handler = {"list": _list, "add": _add, "remove": _remove, "import": _import, "export": _export,
               "complete": _complete}[action]
    return handler(store, arguments)


def _list(store: Store, arguments: argparse.Namespace) -> int:
    for contact in store.contacts(group=arguments.group):
        if arguments.json:
            print(json.dumps(_contact_json(contact), ensure_ascii=False))
            continue
        addresses = ", ".join(entry.address for entry in contact.addresses)
        groups = ", ".join(contact.groups)
        print(f"{contact.id}\t{contact.display_name}\t{addresses}" + (f"\t[{groups}]" if groups else ""))
    return EXIT_OK


def _add(store: Store, arguments: argparse.Namespace) -> int:
    from app.core.contacts.addresses import is_valid_address

    if arguments.from_message is not None:
        return _add_sender(store, arguments)
    if not arguments.email:
        raise ConfigError("give the contact's address with --email ADDR (or --from-message ID)")
    invalid = [address for address in arguments.email if not is_valid_address(address.strip())]
    if invalid:
        raise ConfigError(f"{', '.join(invalid)}: not an e-mail address; write it as name@example.com "
                          "(nothing was saved)")
    saved = store.save_contact(Contact(
        name=arguments.name, addresses=tuple(ContactAddress(address) for address in arguments.email),
        groups=tuple(arguments.group), note=arguments.note))
    if arguments.json:
        print(json.dumps(_contact_json(saved), ensure_ascii=False))
    else:
        print(f"added contact {saved.id}: {saved.display_name} <{saved.primary_address}>")
    return EXIT_OK


def _add_sender(store: Store, arguments: argparse.Namespace) -> int:
    from app.core.contacts.from_message import add_sender

    if arguments.email or arguments.name or arguments.group or arguments.note:
        raise ConfigError("--from-message takes the name and address from the message: leave out the name, "
                          "--email, --group and --note (change the contact afterwards)")
    contact, added = add_sender(store, arguments.from_message)
    if arguments.json:
        print(json.dumps(_contact_json(contact), ensure_ascii=False))
    elif added:
        print(f"added contact {contact.id}: {contact.display_name} <{contact.primary_address}>")
    else:
        print(f"{contact.primary_address} is already contact {contact.id} ({contact.display_name}): nothing changed")
    return EXIT_OK


def _remove(store: Store, arguments: argparse.Namespace) -> int:
    ids: list[int] = []
    missing: list[str] = []
    for which in arguments.which:
        found = [int(which)] if which.isdigit() else [contact.id for contact in store.contacts_with_address(which)
                                                      if contact.id is not None]
        if which.isdigit() and not store.contacts(ids=found):
            found = []
        ids += found
        if not found:
            missing.append(which)
    removed = store.remove_contacts(dict.fromkeys(ids))
    print(f"removed {removed} contact(s)")
    if missing:
        print(f"poplark: no contact has the id or address {', '.join(missing)} (see 'poplark contacts list')",
              file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def _import(store: Store, arguments: argparse.Namespace) -> int:
    from app.core.contacts.exchange import ContactFormat, guess_format, import_contacts, read_contacts

    try:
        data = arguments.file.read_bytes()
    except OSError as error:
        raise ConfigError(f"cannot read {arguments.file}: {error.strerror or error}; check the file name") from error
    file_format = ContactFormat(arguments.format) if arguments.format else guess_format(arguments.file, data)
    contacts = read_contacts(data, file_format, arguments.encoding)
    result = import_contacts(store, contacts)
    if arguments.json:
        print(json.dumps({"read": len(contacts), "added": result.added, "merged": result.merged,
                          "unchanged": result.unchanged}))
    else:
        print(f"read {len(contacts)} contact(s) from {arguments.file}: {result.added} added, "
              f"{result.merged} merged into existing contacts, {result.unchanged} already there")
    return EXIT_OK


def _export(store: Store, arguments: argparse.Namespace) -> int:
    from app.core.contacts.exchange import ContactFormat, encode_contacts

    to_stdout = arguments.file == "-"
    path = Path(arguments.file)
    if arguments.format:
        file_format = ContactFormat(arguments.format)
    else:
        file_format = ContactFormat.CSV if path.suffix.lower() == ".csv" else ContactFormat.VCARD
    if arguments.encoding and file_format is ContactFormat.VCARD:
        raise ConfigError("--encoding is for CSV; vCard files are always UTF-8 (leave it out, or give --format csv)")
    contacts = store.contacts(group=arguments.group)
    data = encode_contacts(contacts, file_format, encoding=arguments.encoding, vcard_version=arguments.vcard_version)
    if to_stdout:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return EXIT_OK
    try:
        path.write_bytes(data)
    except OSError as error:
        raise ConfigError(f"cannot write {path}: {error.strerror or error}; choose another place") from error
    print(f"exported {len(contacts)} contact(s) to {path}")
    return EXIT_OK


def _complete(store: Store, arguments: argparse.Namespace) -> int:
    from app.core.contacts.completion import complete
    from app.core.contacts.harvest import harvest_all

    harvest_all(store)  # no background indexer here: read the mail not read for addresses yet
    for suggestion in complete(store, arguments.text, arguments.limit):
        if arguments.json:
            print(json.dumps({"kind": suggestion.kind.value, "name": suggestion.name, "address": suggestion.address,
                              "text": suggestion.text, "contact_id": suggestion.contact_id,
                              "members": suggestion.members, "times_seen": suggestion.times_seen},
                             ensure_ascii=False))
        else:
            print(f"{suggestion.text}\t{suggestion.kind.value}")
    return EXIT_OK

"""``poplark tag ID... NAME`` (``--remove``, ``--list``) and the quick filter's options of
``poplark list`` (``--tag``, ``--unread``, ``--flagged``, ``--has-attachment``).

Filtering is the store's (:mod:`app.core.store.quick_filter`): the same SQL as the window's filter bar.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from typing import Any

from app.cli.presenter import EXIT_OK
from app.core.errors import ConfigError
from app.core.model import Folder, MessageSummary
from app.core.store import Profile, Store
from app.core.store.quick_filter import QuickFilter
from app.core.store.tags import Tag

#: Summaries read per query while listing filtered ids (as iter_messages pages them).
_PAGE = 500


def add_tag_parser(commands: Any) -> None:
    """The ``tag`` command's grammar, added to the top-level subparsers."""
    tag = commands.add_parser("tag", help="tag messages (or --remove a tag, --list the tags)",
                              description="Tag messages: poplark tag ID... NAME, e.g. poplark tag 12 13 Work")
    tag.add_argument("items", nargs="*", metavar="ID... NAME", help="message ids (see 'poplark list'), then a tag")
    tag.add_argument("--remove", action="store_true", help="take the tag off these messages instead")
    tag.add_argument("--list", action="store_true", help="list the tags, in order (the window's keys 1-9)")
    tag.add_argument("--json", action="store_true", help="with --list: one JSON object per tag and line")


def add_list_filters(listing: argparse.ArgumentParser) -> None:
    """``poplark list``'s filters; combined, a message must match all of them."""
    listing.add_argument("--tag", metavar="NAME", help="only messages with this tag (see 'poplark tag --list')")
    listing.add_argument("--unread", action="store_true", help="only unread messages")
    listing.add_argument("--flagged", action="store_true", help="only flagged messages")
    listing.add_argument("--has-attachment", action="store_true", help="only messages with attachments")


def _tag_named(store: Store, name: str) -> Tag:
    tag = store.tag_by_name(name)
    if tag is None:
        known = ", ".join(tag.name for tag in store.tags()) or "none"
        raise ConfigError(f"there is no tag named {name!r} (tags: {known}); "
                          "a new one is made in the window's Message > Tag > Manage Tags")
    return tag


def quick_filter(store: Store, arguments: argparse.Namespace) -> QuickFilter:
    """The filter ``poplark list``'s options ask for (empty when none was given)."""
    tag_name = getattr(arguments, "tag", None)
    return QuickFilter(unread=bool(getattr(arguments, "unread", False)),
                       flagged=bool(getattr(arguments, "flagged", False)),
                       has_attachment=bool(getattr(arguments, "has_attachment", False)),
                       tag_id=None if tag_name is None else _tag_named(store, tag_name).id)


def filtered_messages(store: Store, account_id: int | None, quick: QuickFilter,
                      folder: str = Folder.INBOX) -> Iterator[MessageSummary]:
    """The messages of a folder that pass ``quick``, newest first, read a page at a time."""
    ids = store.message_ids(account_id, folder, quick=quick)
    for start in range(0, len(ids), _PAGE):
        page = ids[start:start + _PAGE]
        found = store.summaries(page)
        yield from (found[message_id] for message_id in page if message_id in found)


def command_tag(store: Store, profile: Profile, arguments: argparse.Namespace) -> int:
    if arguments.list:
        for tag in store.tags():
            if arguments.json:
                print(json.dumps({"id": tag.id, "name": tag.name, "colour": tag.colour, "position": tag.position,
                                  "messages": store.tagged_count(tag.id)}, ensure_ascii=False))
            else:
                print(f"{tag.position + 1:>3} {tag.colour} {tag.name} ({store.tagged_count(tag.id)})")
        return EXIT_OK
    if len(arguments.items) < 2:
        raise ConfigError("name the messages and the tag: poplark tag ID... NAME (e.g. poplark tag 12 13 Work)")
    *id_texts, name = arguments.items
    try:
        ids = [int(text) for text in id_texts]
    except ValueError as error:
        raise ConfigError(f"message ids are numbers (see 'poplark list'): {error}") from error
    tag = _tag_named(store, name)
    found = store.summaries(ids)
    missing = [message_id for message_id in ids if message_id not in found]
    if missing:
        raise ConfigError(f"no message has the id {', '.join(map(str, missing))} (see 'poplark list'); "
                          "nothing was changed")
    if arguments.remove:
        store.remove_tag(ids, tag.id)
        print(f"removed the tag {tag.name} from {len(ids)} message(s)")
    else:
        store.add_tag(ids, tag.id)
        print(f"tagged {len(ids)} message(s) {tag.name}")
    return EXIT_OK

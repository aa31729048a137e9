"""Tags: coloured labels on messages (Important, Work, Personal, To do, Later and the user's own).

A tag belongs to the message, not to its folder: ``message_tags`` is keyed by the message id, so a
move between folders keeps the tags and deleting the message for good removes them (a foreign key
with ON DELETE CASCADE). The five defaults are created by the migration in English and carry a
``default_key``; the window shows their names translated until the user renames them (renaming
clears the key). ``position`` orders the tags: the number keys 1-9 toggle the tag at that place.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Sequence

from app.core.errors import ConfigError
from app.core.store.base import StoreBase

#: A colour as the window and the command line write it: "#rrggbb".
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")

#: Message ids per statement: well under SQLite's historic limit of 999 variables.
_CHUNK = 500


@dataclasses.dataclass(frozen=True, slots=True)
class Tag:
    """One tag: its name as stored, its colour ("#rrggbb"), its place in the order."""

    id: int
    name: str
    colour: str
    position: int
    #: "important", "work", "personal", "todo" or "later" for an unrenamed default tag, else None:
    #: the window translates the names of those only.
    default_key: str | None = None


def _checked_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise ConfigError("a tag needs a name")
    return cleaned


def _checked_colour(colour: str) -> str:
    if not _COLOUR.fullmatch(colour.strip()):
        raise ConfigError(f"the colour {colour!r} is not of the form #rrggbb (for example #ff0000)")
    return colour.strip().lower()


class TagTable(StoreBase):
    """The tags and which messages carry them."""

    def tags(self) -> list[Tag]:
        """Every tag, in the user's order."""
        rows = self._execute("SELECT id, name, colour, position, default_key FROM tags ORDER BY position, id")
        return [Tag(int(row[0]), str(row[1]), str(row[2]), int(row[3]), row[4]) for row in rows]

    def tag_by_name(self, name: str) -> Tag | None:
        """The tag of this name (without case, spaces collapsed), or None."""
        wanted = " ".join(name.split()).casefold()
        return next((tag for tag in self.tags() if tag.name.casefold() == wanted), None)

    def create_tag(self, name: str, colour: str) -> int:
        """Add a tag at the end of the order; its id. A name already taken is a ConfigError."""
        name, colour = _checked_name(name), _checked_colour(colour)
        self._begin()
        try:
            self._refuse_taken(name, None)
            cursor = self._execute("INSERT INTO tags (name, colour, position) VALUES"
                                   " (?, ?, (SELECT coalesce(max(position), -1) + 1 FROM tags))", (name, colour))
            self.commit()
        except BaseException:
            self.rollback()
            raise
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def rename_tag(self, tag_id: int, name: str) -> None:
        """Give a tag a new name (a default one is then shown as written, no longer translated)."""
        name = _checked_name(name)
        self._begin()
        try:
            self._refuse_taken(name, tag_id)
            self._change(tag_id, "name = ?, default_key = NULL", name)
            self.commit()
        except BaseException:
            self.rollback()
            raise

    def recolour_tag(self, tag_id: int, colour: str) -> None:
        self._begin()
        try:
            self._change(tag_id, "colour = ?", _checked_colour(colour))
            self.commit()
        except BaseException:
            self.rollback()
            raise

    def delete_tag(self, tag_id: int) -> None:
        """Remove a tag from every message and from the list of tags."""
        self._begin()
        try:
            if not self._execute("DELETE FROM tags WHERE id = ?", (tag_id,)).rowcount:
                raise ConfigError(f"there is no tag {tag_id} (see 'poplark tag --list')")
            self.commit()
        except BaseException:
            self.rollback()
            raise

    def reorder_tags(self, tag_ids: Sequence[int]) -> None:
        """Put the tags in this order (those not named keep their order, after these)."""
        order = list(dict.fromkeys(tag_ids)) + [tag.id for tag in self.tags() if tag.id not in tag_ids]
        self._begin()
        try:
            for position, tag_id in enumerate(order):
                self._execute("UPDATE tags SET position = ? WHERE id = ?", (position, tag_id))
            self.commit()
        except BaseException:
            self.rollback()
            raise

    def add_tag(self, ids: Sequence[int], tag_id: int) -> None:
        """Tag these messages (those already tagged, or no longer stored, are left as they are)."""
        self._write_tags(ids, tag_id, "INSERT OR IGNORE INTO message_tags (message_id, tag_id)"
                                      " SELECT id, ? FROM messages WHERE id IN (SELECT value FROM json_each(?))")

    def remove_tag(self, ids: Sequence[int], tag_id: int) -> None:
        self._write_tags(ids, tag_id, "DELETE FROM message_tags WHERE tag_id = ?"
                                      " AND message_id IN (SELECT value FROM json_each(?))")

    def clear_tags(self, ids: Sequence[int]) -> None:
        """Remove every tag from these messages (the 0 key)."""
        self._begin()
        try:
            for start in range(0, len(ids), _CHUNK):
                self._execute("DELETE FROM message_tags WHERE message_id IN (SELECT value FROM json_each(?))",
                              (_json_ids(ids[start:start + _CHUNK]),))
            self.commit()
        except BaseException:
            self.rollback()
            raise

    def tags_of(self, ids: Sequence[int]) -> dict[int, list[int]]:
        """The tag ids of each of these messages that has any, in the tags' order (one query per 500)."""
        found: dict[int, list[int]] = {}
        for start in range(0, len(ids), _CHUNK):
            rows = self._execute(
                "SELECT mt.message_id, mt.tag_id FROM message_tags mt JOIN tags t ON t.id = mt.tag_id"
                " WHERE mt.message_id IN (SELECT value FROM json_each(?)) ORDER BY t.position, t.id",
                (_json_ids(ids[start:start + _CHUNK]),))
            for message_id, tag_id in rows:
                found.setdefault(int(message_id), []).append(int(tag_id))
        return found

    def tagged_count(self, tag_id: int) -> int:
        """How many messages carry the tag (what deleting it would touch)."""
        return int(self._execute("SELECT count(*) FROM message_tags WHERE tag_id = ?", (tag_id,)).fetchone()[0])

    # -- internals ----------------------------------------------------------------------------

    def _write_tags(self, ids: Sequence[int], tag_id: int, sql: str) -> None:
        self._begin()
        try:
            if self._execute("SELECT 1 FROM tags WHERE id = ?", (tag_id,)).fetchone() is None:
                raise ConfigError(f"there is no tag {tag_id} (see 'poplark tag --list')")
            for start in range(0, len(ids), _CHUNK):
                self._execute(sql, (tag_id, _json_ids(ids[start:start + _CHUNK])))
            self.commit()
        except BaseException:
            self.rollback()
            raise

    def _change(self, tag_id: int, assignments: str, value: str) -> None:
        if not self._execute(f"UPDATE tags SET {assignments} WHERE id = ?", (value, tag_id)).rowcount:
            raise ConfigError(f"there is no tag {tag_id} (see 'poplark tag --list')")

    def _refuse_taken(self, name: str, tag_id: int | None) -> None:
        for other_id, other_name in self._execute("SELECT id, name FROM tags"):
            if other_id != tag_id and str(other_name).casefold() == name.casefold():
                raise ConfigError(f"there is already a tag named {other_name!r}")


def _json_ids(ids: Sequence[int]) -> str:
    return json.dumps([int(message_id) for message_id in ids])

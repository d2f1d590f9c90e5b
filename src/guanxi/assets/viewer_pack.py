"""The offline viewer every guanxi-archive carries: `index.html` and `viewer/**` next to the JSON
Lines files, readable from disk with no server and no network.

A page opened from `file://` cannot `fetch()`, so the data travels as script files, each one
call `GX.load({...})` with its JSON made safe to embed in a script. The pack streams: records
are written to the open data file as they arrive, so however long the history, it holds one
open file and the small things (profile, people, friends, conversations with their counts).

- `viewer/data/index.js`: profile, the manifest's summary, people, friends, blocks, the
  conversations (each with its message count, last message and chunk list) and the names of
  the media, moments and interactions chunks;
- `viewer/data/messages-<conversation>-<n>.js`: at most `chunk` messages of one conversation,
  in seq order (the viewer adds a `<script>` for one when a chat is opened or scrolled back);
- `viewer/data/media-<n>.js`, `moments-<n>.js`, `interactions-<n>.js`: those records, chunked.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, BinaryIO

import orjson

CHUNK_MESSAGES = 2000
CHUNK_MEDIA = 2000
CHUNK_MOMENTS = 200
CHUNK_INTERACTIONS = 1000
PREVIEW_CHARS = 200  # of the last message's text, shown in the chat list
STATIC = ("viewer.js", "viewer.css", "icon.svg")  # copied to viewer/; index.html to the root
DATA = "viewer/data"
_IN_MEMORY = ("profile", "manifest", "people", "friends", "blocks")
_UNSAFE = (
    (b"<", b"\\u003c"),  # no "</script>" or "<!--" can end or change the script
    ("\u2028".encode(), b"\\u2028"),  # line terminators in older JavaScript
    ("\u2029".encode(), b"\\u2029"),
)


def script_json(value: Any) -> bytes:
    """`value` as JSON (UTF-8) that can sit inside a script: `<`, U+2028 and U+2029 escaped
    (they only occur inside strings, where the escapes mean the same)."""
    try:
        raw = orjson.dumps(value)
    except (TypeError, orjson.JSONEncodeError):  # a lone surrogate, an int beyond 64 bits
        raw = json.dumps(value, ensure_ascii=True, separators=(",", ":")).encode()
    for bad, good in _UNSAFE:
        raw = raw.replace(bad, good)
    return raw


def data_script(value: dict[str, Any]) -> bytes:
    """A whole data file: `GX.load(<json>);`."""
    return b"GX.load(" + script_json(value) + b");\n"


class _ChunkFile:
    """One data file being written: `GX.load({"file": name, …head, "items": [` … `]});`."""

    def __init__(self, folder: Path, name: str) -> None:
        self.name = name
        self.count = 0
        self.first: Any = None
        self.last: Any = None
        self._out: BinaryIO = (folder / f"{name}.js").open("wb")
        self._out.write(b'GX.load({"file":' + script_json(name) + b',"items":[')

    def write(self, record: dict[str, Any], position: Any) -> None:
        if self.count:
            self._out.write(b",\n")
        self._out.write(script_json(record))
        self.count += 1
        self.first = position if self.first is None else self.first
        self.last = position

    def close(self) -> dict[str, Any]:
        self._out.write(b"]});\n")
        self._out.close()
        return {"file": self.name, "count": self.count, "first": self.first, "last": self.last}


@dataclass(kw_only=True)
class _Series:
    """Records of one kind in files `<prefix>-0.js`, `<prefix>-1.js`, … of at most `limit`
    each; at most one of them open at a time."""

    folder: Path
    prefix: str
    limit: int
    position: str | None  # the record key a chunk's first/last name (seq, created_at)
    chunks: list[dict[str, Any]] = field(default_factory=list)
    count: int = 0
    _open: _ChunkFile | None = None

    def write(self, record: dict[str, Any]) -> None:
        if self._open is None or self._open.count >= self.limit:
            self.flush()
            self._open = _ChunkFile(self.folder, f"{self.prefix}-{len(self.chunks)}")
        self._open.write(record, record.get(self.position) if self.position else None)
        self.count += 1

    def flush(self) -> None:
        if self._open is not None:
            self.chunks.append(self._open.close())
            self._open = None


@dataclass(kw_only=True)
class _Conversation:
    record: dict[str, Any] | None = None
    messages: _Series
    last: dict[str, Any] | None = None

    def summary(self, id_: Any) -> dict[str, Any]:
        record = self.record or {"id": id_, "kind": "group", "name": "", "members": []}
        extra = {"messages": self.messages.count, "chunks": self.messages.chunks}
        return {**record, **extra, "last": self.last}


def _preview(message: dict[str, Any]) -> dict[str, Any]:
    text = message.get("text") or ""
    return {
        "seq": message.get("seq"),
        "sender": message.get("sender"),
        "kind": message.get("kind"),
        "text": text[:PREVIEW_CHARS],
        "created_at": message.get("created_at"),
        "recalled": message.get("recalled_at") is not None,
    }


def _file_key(conversation: Any, ordinal: int) -> str:
    """A conversation's part of its chunk names: its id when that is a plain number."""
    text = str(conversation)
    return text if re.fullmatch(r"[0-9]{1,20}", text) else f"k{ordinal}"


class ViewerPack:
    """`add` every record the exporter writes (collection = its file stem), then `close`."""

    def __init__(self, root: Path, *, chunk: int = CHUNK_MESSAGES) -> None:
        self.root = root
        self._data = root / DATA
        self._data.mkdir(parents=True, exist_ok=True)
        self._chunk = chunk
        self._kept: dict[str, list[dict[str, Any]]] = {name: [] for name in _IN_MEMORY}
        self._conversations: dict[Any, _Conversation] = {}
        self._current: _Conversation | None = None
        self._series = {
            "media": self._new_series("media", CHUNK_MEDIA, None),
            "moments": self._new_series("moments", CHUNK_MOMENTS, "created_at"),
            "interactions": self._new_series("interactions", CHUNK_INTERACTIONS, "created_at"),
        }
        self._closed = False

    def _new_series(self, prefix: str, limit: int, position: str | None) -> _Series:
        return _Series(folder=self._data, prefix=prefix, limit=limit, position=position)

    def add(self, collection: str, record: dict[str, Any]) -> None:
        if self._closed:
            raise RuntimeError("the viewer pack is closed")
        if collection == "messages":
            self._add_message(record)
        elif collection == "conversations":
            self._conversation(record["id"]).record = record
        elif collection in self._series:
            self._series[collection].write(record)
        elif collection in self._kept:
            self._kept[collection].append(record)
        else:
            raise ValueError(f"the viewer does not know the collection {collection!r}")

    def _conversation(self, id_: Any) -> _Conversation:
        found = self._conversations.get(id_)
        if found is None:
            prefix = f"messages-{_file_key(id_, len(self._conversations))}"
            found = _Conversation(messages=self._new_series(prefix, self._chunk, "seq"))
            self._conversations[id_] = found
        return found

    def _add_message(self, message: dict[str, Any]) -> None:
        conversation = self._conversation(message["conversation"])
        if conversation is not self._current:
            if self._current is not None:
                self._current.messages.flush()
            self._current = conversation
        conversation.messages.write(message)
        conversation.last = _preview(message)

    def close(self) -> list[str]:
        """Finishes every data file and writes the index and the static files; returns the
        paths written, relative to `root` (forward slashes)."""
        if self._closed:
            raise RuntimeError("the viewer pack is closed")
        self._closed = True
        for series in [*self._series.values()] + [c.messages for c in self._conversations.values()]:
            series.flush()
        (self._data / "index.js").write_bytes(data_script(self._index()))
        self._copy_static()
        return sorted(
            path.relative_to(self.root).as_posix()
            for path in [self.root / "index.html", *(self.root / "viewer").rglob("*")]
            if path.is_file()
        )

    def _index(self) -> dict[str, Any]:
        kept = self._kept
        manifest = {k: v for k, v in (kept["manifest"] or [{}])[-1].items() if k != "files"}
        return {
            "file": "index",
            "profile": kept["profile"][-1] if kept["profile"] else None,
            "manifest": manifest,
            "people": kept["people"],
            "friends": kept["friends"],
            "blocks": kept["blocks"],
            "conversations": [c.summary(id_) for id_, c in self._conversations.items()],
            **{name: series.chunks for name, series in self._series.items()},
        }

    def _copy_static(self) -> None:
        source = resources.files("guanxi.assets").joinpath("viewer")
        targets = {"index.html": self.root / "index.html"}
        targets.update({name: self.root / "viewer" / name for name in STATIC})
        for name, target in targets.items():
            with (source / name).open("rb") as src, target.open("wb") as dst:
                shutil.copyfileobj(src, dst)

"""ViewerPack, the offline viewer's writer, without a browser: the data files it writes (script
files a file:// page can load), how it chunks messages, that what it embeds cannot end the
script, and that its memory does not grow with the history it streams."""

from __future__ import annotations

import gc
import json
import tracemalloc
import weakref
from pathlib import Path
from typing import Any

import pytest

from guanxi.assets.viewer_pack import ViewerPack, data_script, script_json

ME = "ana"
EVIL = "</script><script>alert(1)</script><!-- \u2028\u2029 <img src=x onerror=alert(1)>"


class Record(dict[str, Any]):
    """A dict that can be weakly referenced: to see whether the pack keeps it."""


def read(path: Path) -> dict[str, Any]:
    """A data file's payload: the file is exactly `GX.load(<json>);`."""
    text = path.read_text("utf-8")
    assert text.startswith("GX.load(") and text.endswith(");\n"), text[:80]
    payload: dict[str, Any] = json.loads(text[len("GX.load(") : -len(");\n")])
    return payload


def message(conversation: int, seq: int, text: str = "hi", **extra: Any) -> Record:
    return Record(
        conversation=conversation,
        seq=seq,
        sender=ME if seq % 2 else "bo",
        kind="text",
        text=text,
        created_at=1_700_000_000_000 + seq * 1000,
        reply_to_seq=None,
        mentions=[],
        media=None,
        edited_at=None,
        edit_count=0,
        recalled_at=None,
        reactions=[],
        **extra,
    )


def conversation(id_: int, kind: str = "direct") -> dict[str, Any]:
    members = [
        {"handle": h, "role": "member", "joined_at": 0, "left_at": None, "last_read_seq": None}
        for h in (ME, "bo")
    ]
    return {
        "id": id_,
        "kind": kind,
        "name": "",
        "announcement": "",
        "created_at": 1_600_000_000_000,
        "owner": None,
        "members": members,
        "window": {"after_seq": 0, "through_seq": None},
    }


def data(root: Path) -> Path:
    return root / "viewer" / "data"


def test_messages_are_chunked_per_conversation_in_seq_order(tmp_path: Path) -> None:
    pack = ViewerPack(tmp_path, chunk=2000)
    pack.add(
        "profile",
        {"handle": ME, "display_name": "Ana", "bio": "", "created_at": 0, "moments_visible": "all"},
    )
    for id_ in (7, 9):
        pack.add("conversations", conversation(id_))
    for seq in range(1, 4501):
        pack.add("messages", message(7, seq))
    for seq in range(1, 11):
        pack.add("messages", message(9, seq, text=f"last {seq}"))
    written = pack.close()

    index = read(data(tmp_path) / "index.js")
    first, second = index["conversations"]
    assert [c["count"] for c in first["chunks"]] == [2000, 2000, 500]
    assert [(c["first"], c["last"]) for c in first["chunks"]] == [
        (1, 2000),
        (2001, 4000),
        (4001, 4500),
    ]
    assert first["messages"] == 4500 and second["messages"] == 10
    assert second["last"]["text"] == "last 10" and second["last"]["recalled"] is False
    chunk = read(data(tmp_path) / "messages-7-1.js")
    assert chunk["file"] == "messages-7-1"
    assert [m["seq"] for m in chunk["items"]] == list(range(2001, 4001))
    assert read(data(tmp_path) / "messages-9-0.js")["items"][0] == message(9, 1, text="last 1")
    assert {"index.html", "viewer/viewer.js", "viewer/viewer.css", "viewer/data/index.js"} <= set(
        written
    )
    assert all((tmp_path / path).is_file() for path in written)


def test_a_conversation_whose_messages_come_back_later_continues_its_chunks(tmp_path: Path) -> None:
    pack = ViewerPack(tmp_path, chunk=3)
    for conv, seq in [(1, 1), (1, 2), (2, 1), (1, 3)]:
        pack.add("messages", message(conv, seq))
    pack.close()
    chunks = read(data(tmp_path) / "index.js")["conversations"][0]["chunks"]
    assert [(c["file"], c["count"]) for c in chunks] == [("messages-1-0", 2), ("messages-1-1", 1)]


def test_nothing_in_a_record_can_end_the_script_it_is_embedded_in(tmp_path: Path) -> None:
    pack = ViewerPack(tmp_path)
    pack.add("messages", message(1, 1, text=EVIL))
    pack.add(
        "moments",
        {"id": 1, "text": EVIL, "created_at": 5, "media": [], "likes": [], "comments": []},
    )
    pack.close()
    for name in ("messages-1-0.js", "moments-0.js", "index.js"):
        raw = (data(tmp_path) / name).read_bytes()
        assert b"<" not in raw and "\u2028".encode() not in raw and "\u2029".encode() not in raw
    assert read(data(tmp_path) / "messages-1-0.js")["items"][0]["text"] == EVIL
    assert read(data(tmp_path) / "index.js")["conversations"][0]["last"]["text"] == EVIL


def test_script_json_survives_what_orjson_refuses() -> None:
    odd = {"text": "lone \ud800 surrogate <b>", "big": 2**70}
    raw = script_json(odd)
    assert b"<" not in raw and json.loads(raw) == odd
    assert data_script({"file": "x"}) == b'GX.load({"file":"x"});\n'


def test_fifty_thousand_messages_stream_through_without_being_kept(tmp_path: Path) -> None:
    """The pack writes each message to the open chunk file and keeps none of the records it was
    given (only counts and a short preview of each conversation's last message): memory does
    not grow with the history."""
    pack = ViewerPack(tmp_path, chunk=2000)
    alive: list[weakref.ref[Record]] = []
    tracemalloc.start()
    try:
        for seq in range(1, 50_001):
            record = message(1 + seq // 10_000, seq, text="中文 and text " * 4)
            pack.add("messages", record)
            if seq % 1000 == 0:
                alive.append(weakref.ref(record))
            if seq == 5_000:
                early, _ = tracemalloc.get_traced_memory()
        late, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    del record
    gc.collect()
    assert [ref for ref in alive if ref() is not None] == []
    assert late - early < 200_000, (early, late)  # bytes: 45,000 more messages cost nothing kept
    assert peak < 2_000_000, peak
    pack.close()
    conversations = read(data(tmp_path) / "index.js")["conversations"]
    assert sum(c["messages"] for c in conversations) == 50_000
    assert sum(len(c["chunks"]) for c in conversations) == len(
        list(data(tmp_path).glob("messages-*.js"))
    )
    assert max(c["count"] for conv in conversations for c in conv["chunks"]) == 2000


def test_the_index_carries_people_friends_conversations_and_the_other_chunks(
    tmp_path: Path,
) -> None:
    pack = ViewerPack(tmp_path)
    pack.add(
        "people",
        {"handle": "bo", "display_name": "Bo", "is_placeholder": False, "is_deleted": False},
    )
    pack.add(
        "friends", {"handle": "bo", "role": "family", "remark": "Bro", "tags": ["home"], "since": 1}
    )
    pack.add("blocks", {"handle": "cy", "blocked_at": 2})
    pack.add("conversations", conversation(3, "group"))
    for n in range(450):
        pack.add(
            "moments",
            {"id": n, "text": "", "created_at": n, "media": [], "likes": [], "comments": []},
        )
    sha = "ab" * 32
    pack.add("media", {"sha256": sha, "kind": "image", "mime": "image/png", "path": f"media/{sha}"})
    pack.add(
        "interactions",
        {
            "kind": "like",
            "moment": {"author": "bo", "created_at": 1, "text": ""},
            "text": "",
            "created_at": 3,
        },
    )
    pack.add(
        "manifest",
        {"format": "guanxi-archive", "version": 1, "exported_at": 9, "files": {"a": "b"}},
    )
    pack.close()
    index = read(data(tmp_path) / "index.js")
    assert index["people"][0]["display_name"] == "Bo" and index["friends"][0]["remark"] == "Bro"
    assert index["blocks"] == [{"handle": "cy", "blocked_at": 2}]
    assert index["conversations"][0]["messages"] == 0 and index["conversations"][0]["last"] is None
    assert [(c["count"], c["first"], c["last"]) for c in index["moments"]] == [
        (200, 0, 199),
        (200, 200, 399),
        (50, 400, 449),
    ]
    assert read(data(tmp_path) / "media-0.js")["items"][0]["sha256"] == sha
    assert index["interactions"][0]["count"] == 1
    assert index["manifest"] == {"format": "guanxi-archive", "version": 1, "exported_at": 9}


def test_the_page_has_a_strict_policy_and_no_inline_code(tmp_path: Path) -> None:
    ViewerPack(tmp_path).close()
    html = (tmp_path / "index.html").read_text("utf-8")
    assert "default-src 'none'" in html and "unsafe" not in html
    assert "<script>" not in html and "<style" not in html and " style=" not in html
    assert "http" not in html.replace('http-equiv="Content-Security-Policy"', "")
    lines = (tmp_path / "viewer" / "viewer.js").read_text("utf-8").splitlines()
    script = "\n".join(line for line in lines if not line.lstrip().startswith("//"))
    assert "innerHTML" not in script and "eval(" not in script and "fetch(" not in script


def test_the_pack_refuses_what_it_does_not_know_and_use_after_close(tmp_path: Path) -> None:
    pack = ViewerPack(tmp_path)
    with pytest.raises(ValueError, match="schemas"):
        pack.add("schemas", {})
    pack.close()
    with pytest.raises(RuntimeError):
        pack.add("people", {})
    with pytest.raises(RuntimeError):
        pack.close()

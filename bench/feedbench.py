#!/usr/bin/env python3
"""Issue 3's benchmarks against guanxi: the moments feed, and uploads while chat traffic runs.

Part "feed":   one viewer with F friends (default 500). Each friend sends the viewer a friend
               request, the viewer accepts, and the friend tags the viewer "close" (i % 3 == 0),
               "work" (i % 3 == 1) or not at all. Each friend posts 3 moments: audience "all",
               "only" ["close"], "except" ["work"]; every 10th friend attaches one photo, uploaded
               once and reused on all three. Non-friends post B background moments (default
               5,000), shuffled in among the friends' posts, none of which the viewer may see.
               A full walk of the feed checks that it holds exactly the moments the viewer may
               see. Then GET /moments/feed is timed: walks of W pages (first page without a
               cursor, then by next_cursor, limit 20), R requests in all, sequential and with C
               concurrent walkers. Then B more background moments are posted (newer than every
               friend's) and the same is measured again.
Part "upload": 2P chat users in P direct chats; each sender sends closed-loop messages over raw
               HTTP/1.1 (one in flight per chat), each receiver holds an events WebSocket.
               Three phases: chat alone (S seconds), uploads alone, chat during uploads. The
               uploads are N noise JPEGs (~1.3 MB, made with Pillow, all different) and N WAV
               voice notes (~1 MB, stdlib `wave`, noise) with U concurrent uploaders.

Without --url it starts a fresh `guanxi serve` (fresh temporary data folder, 127.0.0.1, a free
port), as bench/msgbench.py does, and reuses that file's measurement code (percentiles, /proc
readings of the server's CPU and RSS, the host's other-process CPU, the raw HTTP client, the
WebSocket receivers). One JSON per part lands in bench/results/feedbench-<date>/.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import io
import json
import os
import random
import secrets
import sys
import time
import wave
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import orjson
from PIL import Image

from guanxi.client import GuanxiClient

sys.path.insert(0, str(Path(__file__).resolve().parent))
from msgbench import (  # a sibling file, not a package
    API,
    HERE,
    Http1,
    Json,
    Meter,
    Plan,
    RssSampler,
    Sender,
    Server,
    Tracker,
    User,
    assert_loopback,
    befriend_and_open,
    calibrate,
    gather_limited,
    lat_summary,
    latencies,
    now_ns,
    proc_snapshot,
    run_and_exit,
    server_version,
    source_note,
    start_receivers,
    stop_receivers,
)


# --------------------------------------------------------------------------- raw HTTP
class Raw(Http1):
    """msgbench's raw keep-alive client, with any method, body and content type."""

    async def request(
        self,
        method: str,
        path: str,
        token: str,
        body: bytes = b"",
        content_type: str = "application/json",
    ) -> tuple[int, bytes]:
        head = (
            f"{method} {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            f"Authorization: Bearer {token}\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode()
        while True:
            reused = bool(self.idle)
            conn = self.idle.pop() if reused else await self._open()
            reader, writer = conn
            try:
                writer.write(head + body)
                await writer.drain()
                status, keep, payload = await self._response(reader)
                break
            except (asyncio.IncompleteReadError, ConnectionError) as e:
                writer.close()
                # a kept-alive connection the server closed meanwhile (uvicorn: 5 s idle):
                # nothing was read, so the request was not handled; again on a fresh one
                stale = isinstance(e, ConnectionError) or not e.partial
                if not (reused and stale):
                    raise
            except BaseException:
                writer.close()
                raise
        if keep:
            self.idle.append(conn)
        else:
            writer.close()
        return status, payload


def multipart(filename: str, content_type: str, data: bytes) -> tuple[bytes, str]:
    boundary = "feedbench" + secrets.token_hex(8)
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        f"Content-Type: {content_type}\r\n\r\n"
    ).encode()
    return head + data + f"\r\n--{boundary}--\r\n".encode(), (
        f"multipart/form-data; boundary={boundary}"
    )


# --------------------------------------------------------------------------- generated media
def noise_jpeg(width: int, height: int, quality: int = 90) -> bytes:
    image = Image.frombytes("RGB", (width, height), os.urandom(width * height * 3))
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=quality)
    return buf.getvalue()


def noise_wav(seconds: float, rate: int = 16000) -> bytes:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(os.urandom(int(seconds * rate) * 2))
    return buf.getvalue()


# --------------------------------------------------------------------------- setup
async def register_all(base_url: str, tag: str, n: int, conc: int) -> list[User]:
    users = [
        User(i, f"fb{tag}_{i:04d}", secrets.token_urlsafe(12), GuanxiClient(base_url))
        for i in range(n)
    ]

    async def one(u: User) -> None:
        await u.client.register(u.handle, u.password, f"Feed {u.idx}")
        u.token = u.client.token or ""

    await gather_limited(conc, [one(u) for u in users])
    return users


def viewer_tag(i: int) -> list[str]:
    """The tags friend i gives the viewer."""
    return [["close"], ["work"], []][i % 3]


async def befriend_viewer(viewer: User, friend: User, i: int) -> None:
    request = await friend.client.request_friend(viewer.handle, greeting="feedbench")
    await viewer.client.accept(request["id"])
    if viewer_tag(i):
        await friend.client.update_friend(viewer.handle, tags=viewer_tag(i))


FRIEND_POSTS = [("all", []), ("only", ["close"]), ("except", ["work"])]


def expected_visible(n_friends: int) -> int:
    seen = 0
    for i in range(1, n_friends + 1):
        tags = set(viewer_tag(i))
        seen += 1  # "all"
        seen += "close" in tags  # "only" close
        seen += "work" not in tags  # "except" work
    return seen


@dataclass
class Post:
    user: User
    text: str
    audience: str = "all"
    tags: list[str] = field(default_factory=list)
    media_ids: list[str] = field(default_factory=list)


async def post_all(http: Raw, posts: list[Post], conc: int) -> dict[str, int]:
    status: dict[str, int] = {}

    async def one(p: Post) -> None:
        body = {
            "text": p.text,
            "media_ids": p.media_ids,
            "audience": {"kind": p.audience, "tags": p.tags},
        }
        code, _ = await http.request("POST", f"{API}/moments", p.user.token, orjson.dumps(body))
        status[str(code)] = status.get(str(code), 0) + 1

    await gather_limited(conc, [one(p) for p in posts])
    return status


def background_posts(posters: list[User], n: int, batch: str) -> list[Post]:
    return [
        Post(posters[k % len(posters)], f"背景 {batch} {k} 今天天气不错 background moment")
        for k in range(n)
    ]


async def friend_posts(friends: list[User], photo: bytes) -> list[Post]:
    posts = []
    for i, f in enumerate(friends, start=1):
        media: list[str] = []
        if i % 10 == 0:  # the same photo, uploaded once by this friend, on all three posts
            media = [(await f.client.upload_media(photo, "photo.jpg", "image/jpeg"))["id"]]
        for k, (audience, tags) in enumerate(FRIEND_POSTS):
            text = f"friend {i} moment {k} 春天来了 🌸"
            posts.append(Post(f, text, audience, list(tags), media))
    return posts


async def walk_all(http: Raw, viewer: User, friend_handles: set[str]) -> Json:
    """One full walk of the feed (limit 100): how many moments, and whose."""
    cursor: str | None = None
    seen, strangers, pages = 0, 0, 0
    ids: set[int] = set()
    while True:
        path = f"{API}/moments/feed?limit=100" + (f"&cursor={quote(cursor)}" if cursor else "")
        code, payload = await http.request("GET", path, viewer.token)
        if code != 200:
            return {"error": code}
        page = orjson.loads(payload)
        pages += 1
        for m in page["moments"]:
            seen += 1
            ids.add(m["id"])
            strangers += m["author"]["handle"] not in friend_handles
        cursor = page["next_cursor"]
        if not cursor:
            return {"moments": seen, "distinct": len(ids), "not_friends": strangers, "pages": pages}


# --------------------------------------------------------------------------- feed timing
@dataclass
class FeedTimer:
    http: Raw
    viewer: User
    walk_pages: int
    limit: int
    remaining: int
    first_ms: list[float] = field(default_factory=list)
    later_ms: list[float] = field(default_factory=list)
    status: dict[str, int] = field(default_factory=dict)
    sizes: list[int] = field(default_factory=list)

    async def walker(self) -> None:
        while self.remaining > 0:
            cursor: str | None = None
            for page_no in range(self.walk_pages):
                if self.remaining <= 0:
                    return
                self.remaining -= 1
                path = f"{API}/moments/feed?limit={self.limit}"
                if cursor:
                    path += f"&cursor={quote(cursor)}"
                t = time.perf_counter()
                code, payload = await self.http.request("GET", path, self.viewer.token)
                ms = (time.perf_counter() - t) * 1000
                self.status[str(code)] = self.status.get(str(code), 0) + 1
                if code != 200:
                    break
                (self.later_ms if page_no else self.first_ms).append(ms)
                self.sizes.append(len(payload))
                cursor = orjson.loads(payload)["next_cursor"]
                if not cursor:
                    break


async def time_feed(
    base_url: str, viewer: User, pid: int | None, conc: int, args: argparse.Namespace
) -> Json:
    http = Raw(base_url)
    timer = FeedTimer(http, viewer, args.walk_pages, args.limit, args.feed_requests)
    calib_before = calibrate()
    meter = Meter(pid)
    meter.before = meter.take()
    sampler = RssSampler(pid)
    sampler.start()
    t = time.perf_counter()
    await asyncio.gather(*(timer.walker() for _ in range(conc)))
    wall = time.perf_counter() - t
    await sampler.stop()
    meter.after = meter.take()
    await http.close()
    n = len(timer.first_ms) + len(timer.later_ms)
    res: Json = {
        "concurrency": conc,
        "requests_ok": n,
        "status_counts": timer.status,
        "wall_time_s": round(wall, 3),
        "requests_per_s": round(n / wall, 1),
        "latency_all": lat_summary(timer.first_ms + timer.later_ms),
        "latency_first_page": lat_summary(timer.first_ms),
        "latency_later_pages": lat_summary(timer.later_ms),
        "mean_page_bytes": round(sum(timer.sizes) / max(1, len(timer.sizes))),
    }
    res.update(meter.report(wall))
    if res["server_cpu_s_delta"] is not None and n:
        res["server_cpu_ms_per_request"] = round(1000 * res["server_cpu_s_delta"] / n, 2)
    res["server_max_rss_mb_sampled"] = sampler.max_rss_mb or None
    res["calibration_ms_before_after"] = [calib_before, calibrate()]
    return res


def feed_brief(r: Json) -> str:
    a = r["latency_all"]
    return (
        f"C={r['concurrency']} n={r['requests_ok']} {r['requests_per_s']}/s "
        f"p50={a.get('p50_ms')} p99={a.get('p99_ms')} max={a.get('max_ms')} "
        f"cpu/req={r.get('server_cpu_ms_per_request')}ms other={r['other_processes_cpu_s']}s"
    )


async def measure_round(
    base_url: str, viewer: User, pid: int | None, args: argparse.Namespace, label: str
) -> Json:
    out: Json = {}
    for conc in args.feed_concurrency:
        res = await time_feed(base_url, viewer, pid, conc, args)
        out[f"c{conc}"] = res
        print(f"[feed {label}] {feed_brief(res)}", file=sys.stderr)
    return out


async def feed_part(base_url: str, pid: int | None, args: argparse.Namespace, tag: str) -> Json:
    setup: Json = {}
    http = Raw(base_url)
    t = time.perf_counter()
    users = await register_all(base_url, tag, 1 + args.friends + args.posters, args.setup_conc)
    setup["register_s"] = round(time.perf_counter() - t, 1)
    setup["accounts"] = len(users)
    viewer, friends = users[0], users[1 : 1 + args.friends]
    posters = users[1 + args.friends :]
    t = time.perf_counter()
    await gather_limited(
        args.setup_conc, [befriend_viewer(viewer, f, i) for i, f in enumerate(friends, start=1)]
    )
    setup["befriend_s"] = round(time.perf_counter() - t, 1)
    t = time.perf_counter()
    posts = await friend_posts(friends, noise_jpeg(1024, 768))
    setup["photo_uploads"] = sum(1 for p in posts if p.media_ids) // len(FRIEND_POSTS)
    posts += background_posts(posters, args.background, "a")
    random.Random(3).shuffle(posts)
    setup["posts_status"] = await post_all(http, posts, args.setup_conc)
    setup["post_s"] = round(time.perf_counter() - t, 1)
    handles = {f.handle for f in friends}
    check = await walk_all(http, viewer, handles)
    check["expected"] = expected_visible(args.friends)
    setup["check_before"] = check
    setup["server_after_setup"] = proc_snapshot(pid)
    print(f"[feed] setup {json.dumps(setup)}", file=sys.stderr)
    out: Json = {"setup": setup, "rounds": {}}
    total = len(posts)
    out["rounds"][f"moments_{total}"] = await measure_round(base_url, viewer, pid, args, "1x")
    t = time.perf_counter()
    more = background_posts(posters, args.background, "b")
    out["more_posts_status"] = await post_all(http, more, args.setup_conc)
    out["more_post_s"] = round(time.perf_counter() - t, 1)
    check = await walk_all(http, viewer, handles)
    check["expected"] = expected_visible(args.friends)
    out["check_after"] = check
    total += len(more)
    out["rounds"][f"moments_{total}"] = await measure_round(base_url, viewer, pid, args, "2x")
    out["verified"] = all(
        c.get("moments") == c["expected"] and c.get("not_friends") == 0
        for c in (setup["check_before"], check)
    )
    await http.close()
    await asyncio.gather(*(u.client.close() for u in users), return_exceptions=True)
    return out


# --------------------------------------------------------------------------- upload part
@dataclass
class ChatLoad:
    """One closed-loop sender per chat, until stopped."""

    http: Raw
    tracker: Tracker
    chats: list[tuple[User, int, User]]
    stopped: bool = False
    sender: Sender = field(init=False)

    def __post_init__(self) -> None:
        self.sender = Sender(self.http, self.tracker, [])

    async def worker(self, k: int) -> None:
        sender, conversation, receiver = self.chats[k]
        n = 0
        while not self.stopped:
            msg_id = f"{self.tracker.scenario}-{k:03d}-{n:06d}"
            self.sender.plan.append(Plan(sender, conversation, [receiver], msg_id))
            await self.sender.send_one(self.sender.plan[-1])
            n += 1


async def finish_chat(chat: ChatLoad, t_first: int, timeout: float) -> Json:
    tracker = chat.tracker
    acked = [m for m in tracker.msgs.values() if m.ack is not None]
    tracker.expected_deliveries = len(acked)
    if len(tracker.delivered) < len(acked):
        tracker.all_done.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(tracker.all_done.wait(), timeout)
    t_last_ack = max((m.ack or 0 for m in acked), default=t_first)
    lat = latencies(tracker, timeout, t_first)
    window = (t_last_ack - t_first) / 1e9
    n_ok = len(lat["lat_ms"])
    return {
        "messages_attempted": len(chat.sender.plan),
        "messages_acked": len(acked),
        "send_status_counts": chat.sender.status,
        "deliveries_ok": n_ok,
        "lost": lat["lost"],
        "duplicates": tracker.duplicates,
        "mismatched": len(tracker.mismatches),
        "socket_errors": tracker.socket_errors,
        "send_window_s": round(window, 3),
        "sent_msgs_per_s": round(len(acked) / window, 1) if window > 0 else None,
        "delivered_per_s": round(n_ok / window, 1) if window > 0 else None,
        "latency_e2e": lat_summary(lat["lat_ms"]),
        "latency_send_ack": lat_summary(chat.sender.ack_ms),
    }


@dataclass
class Uploads:
    http: Raw
    items: list[tuple[str, str, str, bytes]]  # kind, filename, content type, bytes
    uploaders: list[User]
    ms: dict[str, list[float]] = field(default_factory=lambda: {"image": [], "voice": []})
    status: dict[str, int] = field(default_factory=dict)
    wrong: list[str] = field(default_factory=list)
    bytes_ok: int = 0
    next_i: int = 0

    async def worker(self, k: int) -> None:
        token = self.uploaders[k % len(self.uploaders)].token
        while self.next_i < len(self.items):
            kind, name, ctype, data = self.items[self.next_i]
            self.next_i += 1
            body, mp_type = multipart(name, ctype, data)
            t = time.perf_counter()
            code, payload = await self.http.request("POST", f"{API}/media", token, body, mp_type)
            ms = (time.perf_counter() - t) * 1000
            self.status[str(code)] = self.status.get(str(code), 0) + 1
            if code != 201:
                self.wrong.append(f"{name}: {code} {payload[:120]!r}")
                continue
            media = orjson.loads(payload)
            if media.get("kind") != kind or media.get("size") != len(data):
                self.wrong.append(f"{name}: {media.get('kind')} {media.get('size')}")
                continue
            self.ms[kind].append(ms)
            self.bytes_ok += len(data)


def make_items(n: int, args: argparse.Namespace) -> list[tuple[str, str, str, bytes]]:
    items = []
    for i in range(n):
        w, h = args.image_size
        items.append(("image", f"img{i}.jpg", "image/jpeg", noise_jpeg(w, h)))
        items.append(("voice", f"voice{i}.wav", "audio/wav", noise_wav(args.voice_seconds)))
    return items


def upload_result(up: Uploads, wall: float) -> Json:
    n_ok = len(up.ms["image"]) + len(up.ms["voice"])
    return {
        "uploads_attempted": len(up.items),
        "uploads_ok": n_ok,
        "status_counts": up.status,
        "wrong_examples": up.wrong[:5],
        "wall_time_s": round(wall, 3),
        "uploads_per_s": round(n_ok / wall, 2),
        "mb_per_s": round(up.bytes_ok / 1e6 / wall, 2),
        "mean_image_mb": round(
            sum(len(d) for k, _, _, d in up.items if k == "image") / 1e6 / (len(up.items) / 2), 2
        ),
        "mean_voice_mb": round(
            sum(len(d) for k, _, _, d in up.items if k == "voice") / 1e6 / (len(up.items) / 2), 2
        ),
        "latency_all": lat_summary(up.ms["image"] + up.ms["voice"]),
        "latency_image": lat_summary(up.ms["image"]),
        "latency_voice": lat_summary(up.ms["voice"]),
    }


async def run_phase(
    base_url: str,
    pid: int | None,
    chats: list[tuple[User, int, User]] | None,
    uploads: Uploads | None,
    args: argparse.Namespace,
    name: str,
) -> Json:
    """Chat alone for args.chat_seconds, uploads alone, or chat for as long as the uploads."""
    http = Raw(base_url)
    tracker = Tracker(secrets.token_hex(3), name)
    sockets = None
    if chats:
        sockets = await start_receivers(base_url, [c[2] for c in chats], tracker)
        await asyncio.sleep(args.settle)
    tracker.arm(10**9)
    calib_before = calibrate()
    meter = Meter(pid)
    meter.before = meter.take()
    sampler = RssSampler(pid)
    sampler.start()
    chat = ChatLoad(http, tracker, chats or [])
    workers = [asyncio.create_task(chat.worker(k)) for k in range(len(chats or []))]
    t_first, t = now_ns(), time.perf_counter()
    if uploads is not None:
        await asyncio.gather(*(uploads.worker(k) for k in range(args.uploaders)))
    else:
        await asyncio.sleep(args.chat_seconds)
    wall = time.perf_counter() - t
    chat.stopped = True
    await asyncio.gather(*workers)
    res: Json = {"phase": name}
    if uploads is not None:
        res["uploads"] = upload_result(uploads, wall)
    if chats:
        res["chat"] = await finish_chat(chat, t_first, args.deliver_timeout)
    await sampler.stop()
    meter.after = meter.take()
    if sockets:
        await stop_receivers(sockets)
    await http.close()
    res.update(meter.report(wall))
    res["server_max_rss_mb_sampled"] = sampler.max_rss_mb or None
    res["calibration_ms_before_after"] = [calib_before, calibrate()]
    return res


def phase_brief(r: Json) -> str:
    parts = [r["phase"]]
    if "uploads" in r:
        u = r["uploads"]
        parts.append(
            f"uploads {u['uploads_ok']}/{u['uploads_attempted']} {u['uploads_per_s']}/s "
            f"{u['mb_per_s']} MB/s p50={u['latency_all'].get('p50_ms')} "
            f"p99={u['latency_all'].get('p99_ms')}"
        )
    if "chat" in r:
        c = r["chat"]
        parts.append(
            f"chat {c['deliveries_ok']}/{c['messages_acked']} lost={c['lost']} "
            f"{c['delivered_per_s']}/s e2e p50={c['latency_e2e'].get('p50_ms')} "
            f"p99={c['latency_e2e'].get('p99_ms')}"
        )
    parts.append(f"srv cpu {r['server_cpu_s_delta']}s other {r['other_processes_cpu_s']}s")
    return " | ".join(parts)


async def upload_part(base_url: str, pid: int | None, args: argparse.Namespace, tag: str) -> Json:
    n_users = 2 * args.pairs + args.uploaders
    users = await register_all(base_url, tag + "u", n_users, args.setup_conc)
    senders, receivers = users[: args.pairs], users[args.pairs : 2 * args.pairs]
    uploaders = users[2 * args.pairs :]
    rooms = await gather_limited(
        args.setup_conc, [befriend_and_open(s, r) for s, r in zip(senders, receivers, strict=True)]
    )
    chats = list(zip(senders, rooms, receivers, strict=True))
    http = Raw(base_url)
    out: Json = {"phases": {}}
    phases: list[tuple[str, bool, bool]] = [
        ("chat_alone", True, False),
        ("uploads_alone", False, True),
        ("chat_during_uploads", True, True),
    ]
    for name, with_chat, with_uploads in phases:
        uploads = None
        if with_uploads:
            uploads = Uploads(http, make_items(args.uploads, args), uploaders)
        res = await run_phase(
            base_url, pid, chats if with_chat else None, uploads, args, name.split("_")[0]
        )
        res["phase"] = name
        out["phases"][name] = res
        print(f"[upload] {phase_brief(res)}", file=sys.stderr)
    await http.close()
    await asyncio.gather(*(u.client.close() for u in users), return_exceptions=True)
    out["verified"] = all(
        (not r.get("chat") or (r["chat"]["lost"] == 0 and r["chat"]["mismatched"] == 0))
        and (
            not r.get("uploads") or r["uploads"]["uploads_ok"] == r["uploads"]["uploads_attempted"]
        )
        for r in out["phases"].values()
    )
    return out


# --------------------------------------------------------------------------- main
def header(args: argparse.Namespace, base_url: str, pid: int | None, part: str) -> Json:
    params = {k: v for k, v in vars(args).items() if k not in ("url", "pid")}
    return {
        "benchmark": f"feedbench-{part}",
        "issue": 3,
        "started_at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "target": {"base_url": base_url, "pid": pid, "server_source": source_note(None)},
        "params": params,
        "host": {
            "cpus": os.cpu_count(),
            "loadavg_before": os.getloadavg(),
            "calibration_ms": calibrate(),
            "event_loop": "uvloop" if args.uvloop else "asyncio",
        },
        "server_at_start": proc_snapshot(pid),
    }


def write(result: Json, args: argparse.Namespace, part: str) -> None:
    if args.no_write:
        return
    stamp = dt.datetime.now().strftime("%Y-%m-%dT%H%M%S")
    out_dir = Path(args.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"feedbench-{stamp}-{part}.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {path}", file=sys.stderr)


async def main(args: argparse.Namespace) -> bool:
    server = None
    base_url, pid = args.url, args.pid
    if base_url is None:
        server = Server(None, args.keep_data, None)
        pid = server.start()
        base_url = server.url
    assert_loopback(base_url)
    ok = True
    tag = dt.datetime.now().strftime("%H%M%S") + secrets.token_hex(2)
    try:
        if server is not None:
            await server.wait_ready()
        for part, run in (("feed", feed_part), ("upload", upload_part)):
            if part not in args.parts:
                continue
            result = header(args, base_url, pid, part)
            result["target"]["server_version"] = await server_version(base_url)
            result.update(await run(base_url, pid, args, tag))
            result["server_at_end"] = proc_snapshot(pid)
            write(result, args, part)
            ok = ok and result["verified"]
            if not result["verified"]:
                print(f"[{part}] NOT verified", file=sys.stderr)
    finally:
        if server is not None:
            server.stop()
    return ok


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--url", default=None, help="a running guanxi (default: start a fresh one)")
    ap.add_argument("--pid", type=int, default=None, help="with --url: the server's pid")
    ap.add_argument("--keep-data", action="store_true")
    ap.add_argument("--parts", default="feed,upload")
    ap.add_argument("--setup-conc", type=int, default=8, help="setup calls in flight")
    ap.add_argument("--friends", "-F", type=int, default=500)
    ap.add_argument("--posters", type=int, default=20, help="non-friends posting background")
    ap.add_argument("--background", "-B", type=int, default=5000, help="non-friends' moments")
    ap.add_argument("--feed-requests", "-R", type=int, default=500)
    ap.add_argument("--feed-concurrency", default="1,8")
    ap.add_argument("--walk-pages", "-W", type=int, default=10)
    ap.add_argument("--limit", type=int, default=20)
    ap.add_argument("--pairs", "-P", type=int, default=20, help="chats during the uploads")
    ap.add_argument("--uploads", "-N", type=int, default=40, help="images, and as many voices")
    ap.add_argument("--uploaders", "-U", type=int, default=3)
    ap.add_argument("--image-size", default="1600x1200", help="noise JPEG, q90 (~1.3 MB)")
    ap.add_argument("--voice-seconds", type=float, default=30.0, help="16 kHz mono WAV")
    ap.add_argument("--chat-seconds", type=float, default=15.0, help="the chat-alone phase")
    ap.add_argument("--settle", type=float, default=2.0)
    ap.add_argument("--deliver-timeout", type=float, default=30.0)
    ap.add_argument("--out-dir", default=str(HERE / "results" / f"feedbench-{dt.date.today()}"))
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--no-uvloop", dest="uvloop", action="store_false")
    a = ap.parse_args(argv)
    a.parts = [s.strip() for s in a.parts.split(",") if s.strip()]
    a.feed_concurrency = [int(c) for c in a.feed_concurrency.split(",")]
    a.image_size = tuple(int(x) for x in a.image_size.split("x"))
    return a


def cli() -> None:
    run_and_exit(main, parse_args())


if __name__ == "__main__":
    cli()

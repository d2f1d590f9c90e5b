"""`guanxi serve --demo`: a small community to look around in, made on an empty data folder.

A family, high-school classmates, colleagues and a hiking group, with half a year of chats,
groups and moments in the rhythms of real ties (demo_history.py) around a few written scenes
(demo_script.py). Everything goes through the services, as a client's calls would, with a
clock that is set back so the history spreads over the months before today, in time order
(demo_timeline.py).
"""

from __future__ import annotations

import asyncio

from guanxi.cli import demo_pictures as pictures
from guanxi.cli.demo_history import history, weekday
from guanxi.cli.demo_script import (
    MOMENTS,
    PHOTOS,
    PICTURES,
    REACTIONS,
    REPLIES,
    SCRIPT,
    WORK_CHATS,
    Moment,
)
from guanxi.cli.demo_timeline import Act, Demo, DemoClock, Do, Say, play
from guanxi.conversations.service_messages import Draft
from guanxi.moments.service import MomentDraft
from guanxi.relationships.models import FriendPatch
from guanxi.services import build_services
from guanxi.settings import Settings

PASSWORD = "guanxi-demo"
MINUTE_MS = 60_000
JOINED_DAYS_AGO = 190  # everyone joined a little before the history starts

PEOPLE = {
    "mei": "林美",
    "mama": "妈妈",
    "baba": "爸爸",
    "xiaodi": "林小弟",
    "lei": "王磊",
    "tao": "陶然",
    "yun": "云朵",
    "anna": "Anna Berg",
    "ben": "Ben Okafor",
    "chen": "陈晨",
    "zhou": "周先生",
    "fan": "樊宇",
}

# (who asks, who accepts, role the asker chooses, role the other chooses, remark, tags)
FRIENDS = [
    ("mama", "mei", "family", "family", "妈妈", ["家人"]),
    ("baba", "mei", "family", "family", "爸爸", ["家人"]),
    ("mei", "xiaodi", "family", "family", "弟弟", ["家人"]),
    ("mama", "baba", "partner", "partner", "", []),
    ("lei", "mei", "classmate", "close_friend", "磊磊", ["同学"]),
    ("mei", "tao", "classmate", "classmate", "", ["同学"]),
    ("yun", "mei", "classmate", "classmate", "", ["同学"]),
    ("anna", "mei", "colleague", "colleague", "Anna (PM)", ["同事"]),
    ("mei", "ben", "colleague", "colleague", "", ["同事"]),
    ("chen", "mei", "colleague", "colleague", "", ["同事"]),
    ("mama", "xiaodi", "family", "family", "", []),
    ("baba", "xiaodi", "family", "family", "", []),
    ("lei", "yun", "classmate", "classmate", "", []),
    ("lei", "tao", "classmate", "classmate", "", []),
    ("anna", "ben", "colleague", "colleague", "", []),
    ("anna", "chen", "colleague", "colleague", "", []),
    ("fan", "anna", "acquaintance", "acquaintance", "", []),
    ("fan", "ben", "acquaintance", "acquaintance", "", []),
]
# tags a person puts on friends they asked (the one who accepts tags at once)
TAGS = {"lei": {"mei": ["同学"], "yun": ["同学"], "tao": ["同学"]}}

GROUPS = {
    "family": ("一家人", "mama", ["baba", "mei", "xiaodi"]),
    "classmates": ("高中同学 · 十年", "lei", ["mei", "tao", "yun"]),
    "team": ("Product team 产品组", "anna", ["mei", "ben", "chen"]),
}
HIKERS = ("周末徒步 Weekend hikes", "anna", ["mei", "ben", "fan"])


async def seed_if_empty(settings: Settings, now_ms: int) -> bool:
    """Make the demo community unless the database has users already. True when made."""
    clock = DemoClock(now_ms)
    services = build_services(settings, clock)
    await services.start()
    try:
        if await services.accounts.count_users() > 0:
            return False
        demo = Demo(services, clock)
        await _people(demo)
        await _friends(demo)
        await _groups(demo)
        await _pictures(demo)
        await play(demo, _acts(demo))
        return True
    finally:
        await services.stop()


async def _people(demo: Demo) -> None:
    demo.at(JOINED_DAYS_AGO, 9)

    async def join(handle: str, name: str) -> None:  # the password hashes run side by side
        _, token = await demo.services.accounts.register(handle, PASSWORD, name, "demo")
        demo.people[handle] = await demo.services.accounts.authenticate(token)

    await asyncio.gather(*(join(handle, name) for handle, name in PEOPLE.items()))


async def _friends(demo: Demo) -> None:
    relationships = demo.services.relationships
    for n, (asker, other, role, other_role, remark, tags) in enumerate(FRIENDS):
        demo.at(JOINED_DAYS_AGO - 1 - n * 0.1, 10)
        request = await relationships.send_friend_request(
            demo.people[asker], other, "你好，加个好友", role
        )
        await relationships.accept(demo.people[other], request.id, other_role, remark, tags)
    for person, tagged in TAGS.items():
        for friend, friend_tags in tagged.items():
            await relationships.update_friend(
                demo.people[person], friend, FriendPatch(tags=friend_tags)
            )


async def _groups(demo: Demo) -> None:
    demo.at(JOINED_DAYS_AGO - 4, 8)
    for key, (name, owner, members) in GROUPS.items():
        group, _ = await demo.services.conversations.create_group(demo.people[owner], name, members)
        demo.chats[key] = group.id


async def _pictures(demo: Demo) -> None:
    """Every picture uploaded at once (the media workers draw their previews side by side)."""
    demo.at(JOINED_DAYS_AGO - 4, 9)
    uploads = {name: (owner, draw()) for name, (owner, draw) in PICTURES.items()}
    for n, moment in enumerate(MOMENTS):
        for m, data in enumerate(moment[4]):
            uploads[f"moment-{n}-{m}"] = (moment[2], data)
    ids = await asyncio.gather(*(_upload(demo, *upload) for upload in uploads.values()))
    demo.media.update(zip(uploads, ids, strict=True))


async def _upload(demo: Demo, owner: str, data: bytes) -> str:
    source = pictures.PictureSource(f"{owner}.jpg", data)
    item = await demo.services.media.upload(demo.people[owner].user.id, source)
    return item.id


def _acts(demo: Demo) -> list[Act]:
    """Everything that happens after the groups are made, in any order (play sorts them)."""
    return [
        *_history(demo),
        *_script(demo),
        *_touches(demo),
        *_photos(demo),
        *_later_ties(demo),
        *(act for n, moment in enumerate(MOMENTS) for act in _moment(demo, n, moment)),
    ]


def _history(demo: Demo) -> list[Act]:
    latest = demo.clock.start - 60 * MINUTE_MS  # the last hour belongs to the script
    return [
        Say(
            at_ms=line.at_ms,
            chat=line.chat,
            sender=line.sender,
            draft=Draft(f"demo-h{n}", line.kind, line.text, None),
        )
        for n, line in enumerate(history(demo.clock.today))
        if line.at_ms < latest
    ]


def _script(demo: Demo) -> list[Act]:
    acts: list[Act] = []
    for n, (_, _, key, sender, text) in enumerate(SCRIPT):
        kind = "link" if text.startswith("http") else "text"
        draft = Draft(f"demo-{n}", kind, text, None)
        acts.append(Say(at_ms=_script_ms(demo, n), chat=key, sender=sender, draft=draft))
    return acts


def _script_ms(demo: Demo, n: int) -> int:
    """When line n is said: a few minutes past its hour, on a weekday if it is work, and
    never later than a minute a line before the demo is made."""
    days_ago, hour, key, _, _ = SCRIPT[n]
    if key in WORK_CHATS:
        days_ago += max(0, weekday(demo.ms(days_ago, 0)) - 4)
    at_ms = demo.ms(days_ago, hour) + n * 7 % 11 * MINUTE_MS
    return min(at_ms, demo.clock.start - (len(SCRIPT) - n) * MINUTE_MS)


def _touches(demo: Demo) -> list[Act]:
    """Reactions, a reply and read markers, so the chats look lived in."""
    messages = demo.services.messages
    acts: list[Act] = []
    for who, line, emoji, after in REACTIONS:

        async def react(who: str = who, line: int = line, emoji: str = emoji) -> None:
            seq, chat = demo.sent[f"demo-{line}"], demo.chats[SCRIPT[line][2]]
            await messages.react(demo.people[who], chat, seq, emoji, add=True)

        acts.append(Do(at_ms=_script_ms(demo, line) + after * MINUTE_MS, step=react))
    for who, line, text, after in REPLIES:

        async def reply(who: str = who, line: int = line, text: str = text) -> None:
            draft = Draft(f"demo-reply-{line}", "text", text, demo.sent[f"demo-{line}"])
            await messages.send_message(demo.people[who], demo.chats[SCRIPT[line][2]], draft)

        acts.append(Do(at_ms=_script_ms(demo, line) + after * MINUTE_MS, step=reply))

    async def read() -> None:
        mei = demo.people["mei"]
        for key in ("dm:lei:mei", "dm:anna:mei", "classmates", "dm:mama:mei"):
            conversation = await demo.services.conversations.get_conversation(mei, demo.chats[key])
            await messages.mark_read(mei, conversation.id, conversation.last_seq)

    return [*acts, Do(at_ms=demo.ms(1, 22), step=read)]


def _photos(demo: Demo) -> list[Act]:
    return [
        Say(
            at_ms=demo.ms(days_ago, hour),
            chat=key,
            sender=sender,
            draft=Draft(f"demo-photo-{n}", "image", caption, None, demo.media[name]),
        )
        for n, (days_ago, hour, key, sender, name, caption) in enumerate(PHOTOS)
    ]


def _later_ties(demo: Demo) -> list[Act]:
    """The hiking group (where mei meets 樊宇, who asks to be her friend) and 周先生's request,
    still waiting."""
    relationships = demo.services.relationships

    async def hikers() -> None:
        name, owner, members = HIKERS
        group, _ = await demo.services.conversations.create_group(demo.people[owner], name, members)
        demo.chats["hikers"] = group.id

    async def fan() -> None:
        greeting = "你好，我是徒步群里的樊宇"
        request = await relationships.send_friend_request(
            demo.people["fan"], "mei", greeting, "acquaintance"
        )
        await relationships.accept(demo.people["mei"], request.id, "acquaintance", "", ["徒步"])

    async def zhou() -> None:
        await relationships.send_friend_request(
            demo.people["zhou"],
            "mei",
            "您好，我是楼下咖啡店的周老板，上次您的伞落在店里了",
            "acquaintance",
        )

    return [
        Do(at_ms=demo.ms(60, 10), step=hikers),
        Do(at_ms=demo.ms(52, 19), step=fan),
        Do(at_ms=demo.ms(1, 15), step=zhou),
    ]


def _moment(demo: Demo, n: int, moment: Moment) -> list[Act]:
    days_ago, hour, author, text, images, place, audience, tags, likers, comments = moment
    reactions = demo.services.moment_reactions
    at_ms = demo.ms(days_ago, hour)

    async def post() -> None:
        ids = [demo.media[f"moment-{n}-{m}"] for m in range(len(images))]
        draft = MomentDraft(text, ids, place, audience, tags)
        posted = await demo.services.moments.post_moment(demo.people[author], draft)
        demo.moments[f"moment-{n}"] = posted.id

    def like(liker: str) -> Do:
        async def step() -> None:
            await reactions.like(demo.people[liker], demo.moments[f"moment-{n}"])

        return Do(at_ms=at_ms + 30 * MINUTE_MS, step=step)

    def comment(m: int, commenter: str, words: str) -> Do:
        async def step() -> None:
            moment_id = demo.moments[f"moment-{n}"]
            await reactions.comment(demo.people[commenter], moment_id, words, None)

        return Do(at_ms=at_ms + (40 + 10 * m) * MINUTE_MS, step=step)

    return [
        Do(at_ms=at_ms, step=post),
        *(like(liker) for liker in likers),
        *(comment(m, who, words) for m, (who, words) in enumerate(comments)),
    ]

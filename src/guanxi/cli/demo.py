"""`guanxi serve --demo`: a small community to look around in, made on an empty data folder.

A family, high-school classmates and colleagues, with three weeks of chats, groups and
moments. Everything goes through the services, as a client's calls would, with a clock that
is set back so the history spreads over the weeks before today.
"""

from __future__ import annotations

from dataclasses import dataclass

from guanxi.accounts.models import Principal
from guanxi.cli import demo_pictures as pictures
from guanxi.clock import FixedClock
from guanxi.conversations.service_messages import Draft
from guanxi.moments.service import MomentDraft
from guanxi.relationships.models import FriendPatch
from guanxi.services import Services, build_services
from guanxi.settings import Settings

PASSWORD = "guanxi-demo"
DAY_MS = 86_400_000
HOUR_MS = 3_600_000

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
]
# tags a person puts on friends they asked (the one who accepts tags at once)
TAGS = {"lei": {"mei": ["同学"], "yun": ["同学"], "tao": ["同学"]}}

GROUPS = {
    "family": ("一家人", "mama", ["baba", "mei", "xiaodi"]),
    "classmates": ("高中同学 · 十年", "lei", ["mei", "tao", "yun"]),
    "team": ("Product team 产品组", "anna", ["mei", "ben", "chen"]),
}

# (days ago, hour, conversation, sender, text); a conversation is a group key or "dm:a:b".
SCRIPT = [
    (20, 9, "family", "mama", "周末回家吃饭吗？我包饺子🥟"),
    (20, 9, "family", "mei", "回！我带点水果"),
    (20, 10, "family", "xiaodi", "我也回，能做红烧肉吗"),
    (20, 10, "family", "baba", "可以，我来做"),
    (19, 21, "dm:lei:mei", "lei", "下个月同学聚会你来吗？"),
    (19, 21, "dm:lei:mei", "mei", "来的，定在哪天？"),
    (19, 22, "dm:lei:mei", "lei", "15号周六，老地方"),
    (18, 14, "team", "anna", "Sprint review moved to Thursday 3pm."),
    (18, 14, "team", "ben", "Works for me 👍"),
    (18, 15, "team", "mei", "我把原型链接发群里了 https://example.org/prototype"),
    (17, 20, "classmates", "lei", "@mei @tao @yun 聚会15号，大家看看时间"),
    (17, 20, "classmates", "yun", "我可以！"),
    (17, 21, "classmates", "tao", "那天我出差，可能晚点到"),
    (15, 8, "dm:mama:mei", "mama", "降温了，多穿点"),
    (15, 12, "dm:mama:mei", "mei", "知道啦妈 ❤️"),
    (13, 10, "team", "chen", "The search bug is fixed, can someone review?"),
    (13, 11, "team", "mei", "I'll take it this afternoon."),
    (12, 19, "family", "baba", "今天钓到一条大鱼🐟"),
    (12, 19, "family", "xiaodi", "晚上吃鱼！"),
    (10, 22, "dm:anna:mei", "anna", "Thanks for covering the demo today, it went really well."),
    (10, 22, "dm:anna:mei", "mei", "Happy to! The team did great."),
    (8, 18, "classmates", "yun", "找到一张毕业照，大家都好年轻"),
    (8, 18, "classmates", "lei", "哈哈哈 那时候的发型"),
    (6, 9, "dm:lei:mei", "lei", "聚会的餐厅订好了"),
    (6, 9, "dm:lei:mei", "mei", "辛苦啦！"),
    (4, 13, "team", "ben", "Lunch at the new noodle place?"),
    (4, 13, "team", "chen", "走！"),
    (2, 20, "family", "mama", "下周二是你爸生日，别忘了"),
    (2, 20, "family", "mei", "记着呢，礼物已经买好了🎁"),
    (1, 9, "dm:mei:xiaodi", "xiaodi", "姐，爸的礼物我出一半"),
    (0, 8, "team", "anna", "Good morning! Stand-up in 10 minutes."),
]


class DemoClock(FixedClock):
    """Set back to each scripted moment; never later than when the demo was made."""

    def __init__(self, start_ms: int) -> None:
        super().__init__(start_ms)
        self.start = start_ms

    def now_ms(self) -> int:
        return min(self.current, self.start)


@dataclass
class Demo:
    services: Services
    clock: DemoClock
    people: dict[str, Principal]
    chats: dict[str, int]

    def at(self, days_ago: float, hour: int) -> None:
        today = self.clock.start - self.clock.start % DAY_MS
        self.clock.current = int(today - days_ago * DAY_MS + hour * HOUR_MS)


async def seed_if_empty(settings: Settings, now_ms: int) -> bool:
    """Make the demo community unless the database has users already. True when made."""
    clock = DemoClock(now_ms)
    services = build_services(settings, clock)
    await services.start()
    try:
        if await services.accounts.count_users() > 0:
            return False
        demo = Demo(services, clock, {}, {})
        await _people(demo)
        await _friends(demo)
        await _groups(demo)
        await _chats(demo)
        await _touches(demo)
        await _pictures_in_chat(demo)
        await _moments(demo)
        return True
    finally:
        await services.stop()


async def _people(demo: Demo) -> None:
    demo.at(28, 9)
    for handle, name in PEOPLE.items():
        _, token = await demo.services.accounts.register(handle, PASSWORD, name, "demo")
        demo.people[handle] = await demo.services.accounts.authenticate(token)


async def _friends(demo: Demo) -> None:
    relationships = demo.services.relationships
    for n, (asker, other, role, other_role, remark, tags) in enumerate(FRIENDS):
        demo.at(27 - n * 0.1, 10)
        request = await relationships.send_friend_request(
            demo.people[asker], other, "你好，加个好友", role
        )
        await relationships.accept(demo.people[other], request.id, other_role, remark, tags)
    for person, tagged in TAGS.items():
        for friend, friend_tags in tagged.items():
            await relationships.update_friend(
                demo.people[person], friend, FriendPatch(tags=friend_tags)
            )
    demo.at(1, 15)
    await relationships.send_friend_request(
        demo.people["zhou"],
        "mei",
        "您好，我是楼下咖啡店的周老板，上次您的伞落在店里了",
        "acquaintance",
    )


async def _groups(demo: Demo) -> None:
    demo.at(21, 8)
    for key, (name, owner, members) in GROUPS.items():
        group, _ = await demo.services.conversations.create_group(demo.people[owner], name, members)
        demo.chats[key] = group.id


async def _chat_id(demo: Demo, key: str) -> int:
    if key in demo.chats:
        return demo.chats[key]
    _, a, b = key.split(":")
    conversation, _ = await demo.services.conversations.open_direct(demo.people[a], b)
    demo.chats[key] = conversation.id
    return conversation.id


async def _chats(demo: Demo) -> None:
    messages = demo.services.messages
    last = 0
    for n, (days_ago, hour, key, sender, text) in enumerate(SCRIPT):
        demo.at(days_ago, hour)
        demo.clock.advance(n * 7 % 11 * 60)
        latest = demo.clock.start - (len(SCRIPT) - n) * 60_000
        demo.clock.current = last = min(max(demo.clock.current, last + 60_000), latest)
        chat = await _chat_id(demo, key)
        kind = "link" if text.startswith("http") else "text"
        await messages.send_message(demo.people[sender], chat, Draft(f"demo-{n}", kind, text, None))


async def _touches(demo: Demo) -> None:
    """Reactions, a reply and read markers, so the chats look lived in."""
    messages, mei = demo.services.messages, demo.people["mei"]
    demo.at(15, 12)
    await messages.react(mei, demo.chats["dm:mama:mei"], 1, "❤️", add=True)
    demo.at(8, 19)
    await messages.react(demo.people["tao"], demo.chats["classmates"], 4, "😂", add=True)
    reply = Draft("demo-reply", "text", "这张一定要发朋友圈", 4)
    await messages.send_message(demo.people["tao"], demo.chats["classmates"], reply)
    demo.at(1, 22)
    for key in ("dm:lei:mei", "dm:anna:mei", "classmates", "dm:mama:mei"):
        conversation = await demo.services.conversations.get_conversation(mei, demo.chats[key])
        await messages.mark_read(mei, conversation.id, conversation.last_seq)


# (days ago, hour, author, text, pictures, place, audience, tags, likers, comments)
# where comments are (commenter, text).
MOMENTS: list[
    tuple[float, int, str, str, list[bytes], str, str, list[str], list[str], list[tuple[str, str]]]
] = [
    (
        16,
        12,
        "mama",
        "今天包了三百个饺子🥟 周日大家都回来吧",
        [pictures.dumplings(8)],
        "",
        "all",
        [],
        ["baba", "mei", "xiaodi"],
        [("mei", "给我留一盘！"), ("xiaodi", "韭菜鸡蛋的！")],
    ),
    (
        9,
        18,
        "yun",
        "整理旧物翻出来的毕业照，十年了",
        [pictures.class_photo()],
        "",
        "all",
        [],
        ["mei", "lei"],
        [("lei", "第二排左三是我吗哈哈")],
    ),
    (
        7,
        17,
        "anna",
        "Team offsite at the lake — thank you all for a great quarter!",
        [pictures.lake(3), pictures.lake(2), pictures.mountains((200, 160), 10)],
        "West Lake",
        "all",
        [],
        ["ben", "chen", "mei"],
        [("chen", "Best offsite ever 🎉")],
    ),
    (
        3,
        16,
        "mei",
        "周末爬山，山顶的风好大",
        [
            pictures.mountains((700, 180), 0),
            pictures.mountains((480, 140), 20),
            pictures.lake(1),
            pictures.mountains((260, 200), 30),
        ],
        "香山",
        "all",
        [],
        ["lei", "mama", "anna"],
        [("mama", "注意安全，多穿点"), ("lei", "下次叫上我！")],
    ),
    (1, 21, "lei", "聚会的餐厅订好了，就等15号", [], "", "only", ["同学"], ["mei"], []),
]


async def _upload(demo: Demo, owner: str, name: str, data: bytes) -> str:
    source = pictures.PictureSource(name, data)
    item = await demo.services.media.upload(demo.people[owner].user.id, source)
    return item.id


async def _pictures_in_chat(demo: Demo) -> None:
    demo.at(0, 0)
    demo.clock.current = demo.clock.start - 30 * 60_000
    photo = await _upload(demo, "baba", "fish.jpg", pictures.lake(1))
    draft = Draft("demo-photo", "image", "看看今天的湖", None, photo)
    await demo.services.messages.send_message(demo.people["baba"], demo.chats["family"], draft)


async def _moments(demo: Demo) -> None:
    for days_ago, hour, author, text, images, place, audience, tags, likers, comments in MOMENTS:
        demo.at(days_ago, hour)
        ids = [await _upload(demo, author, f"{author}-{n}.jpg", d) for n, d in enumerate(images)]
        draft = MomentDraft(text, ids, place, audience, tags)
        moment = await demo.services.moments.post_moment(demo.people[author], draft)
        demo.clock.advance(1800)
        for liker in likers:
            await demo.services.moment_reactions.like(demo.people[liker], moment.id)
        for commenter, words in comments:
            demo.clock.advance(600)
            await demo.services.moment_reactions.comment(
                demo.people[commenter], moment.id, words, None
            )

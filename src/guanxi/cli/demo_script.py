"""The demo's written scenes: the last three weeks' chats, the classmates' reunion four months
ago, the moments with their likes and comments, and a few reactions. The everyday rhythm
around them is generated (demo_history.py)."""

from __future__ import annotations

from collections.abc import Callable

from guanxi.cli import demo_pictures as pictures

# (days ago, hour, conversation, sender, text); a conversation is a group key or "dm:a:b".
SCRIPT = [
    (150, 21, "dm:lei:mei", "lei", "下个月同学聚会你来吗？"),
    (150, 21, "dm:lei:mei", "mei", "来的，定在哪天？"),
    (150, 22, "dm:lei:mei", "lei", "15号周六，老地方"),
    (148, 20, "classmates", "lei", "@mei @tao @yun 聚会15号，大家看看时间"),
    (148, 20, "classmates", "yun", "我可以！"),
    (148, 21, "classmates", "tao", "那天我出差，可能晚点到"),
    (136, 9, "dm:lei:mei", "lei", "聚会的餐厅订好了"),
    (136, 9, "dm:lei:mei", "mei", "辛苦啦！"),
    (131, 18, "classmates", "yun", "找到一张毕业照，大家都好年轻"),
    (131, 18, "classmates", "lei", "哈哈哈 那时候的发型"),
    (127, 23, "dm:lei:mei", "lei", "聚会太开心了，下次别等十年"),
    (127, 23, "dm:lei:mei", "mei", "一定！常联系"),
    (20, 9, "family", "mama", "周末回家吃饭吗？我包饺子🥟"),
    (20, 9, "family", "mei", "回！我带点水果"),
    (20, 10, "family", "xiaodi", "我也回，能做红烧肉吗"),
    (20, 10, "family", "baba", "可以，我来做"),
    (18, 14, "team", "anna", "Sprint review moved to Thursday 3pm."),
    (18, 14, "team", "ben", "Works for me 👍"),
    (18, 15, "team", "mei", "我把原型链接发群里了 https://example.org/prototype"),
    (15, 8, "dm:mama:mei", "mama", "降温了，多穿点"),
    (15, 12, "dm:mama:mei", "mei", "知道啦妈 ❤️"),
    (13, 10, "team", "chen", "The search bug is fixed, can someone review?"),
    (13, 11, "team", "mei", "I'll take it this afternoon."),
    (12, 19, "family", "baba", "今天钓到一条大鱼🐟"),
    (12, 19, "family", "xiaodi", "晚上吃鱼！"),
    (10, 17, "dm:anna:mei", "anna", "Thanks for covering the demo today, it went really well."),
    (10, 17, "dm:anna:mei", "mei", "Happy to! The team did great."),
    (4, 13, "team", "ben", "Lunch at the new noodle place?"),
    (4, 13, "team", "chen", "走！"),
    (2, 20, "family", "mama", "下周二是你爸生日，别忘了"),
    (2, 20, "family", "mei", "记着呢，礼物已经买好了🎁"),
    (1, 9, "dm:mei:xiaodi", "xiaodi", "姐，爸的礼物我出一半"),
    (0, 8, "team", "anna", "Good morning! Stand-up in 10 minutes."),
]

# Chats at work: their scripted lines fall on weekdays (a weekend's moves to the Friday before).
WORK_CHATS = ("team", "dm:anna:mei", "dm:mei:ben", "dm:chen:mei")

# Reactions to scripted lines: (reacting person, script line, emoji, minutes after the line).
REACTIONS = [
    ("tao", 8, "😂", 40),
    ("mei", 19, "❤️", 240),
    ("mama", 23, "👍", 25),
    ("anna", 26, "🙏", 20),
]
# A reply to a scripted line: (sender, script line, text, minutes after the line).
REPLIES = [("tao", 8, "这张一定要发朋友圈", 45)]

# Photos sent in chats: (days ago, hour, conversation, sender, picture name, caption).
PHOTOS = [
    (96, 19, "dm:mama:mei", "mama", "dumplings", "今天包的"),
    (44, 20, "dm:mama:mei", "mama", "dumplings", "给你冻上了"),
    (0, -0.5, "family", "baba", "fish", "看看今天的湖"),  # half an hour before the demo
]
PICTURES: dict[str, tuple[str, Callable[[], bytes]]] = {
    "dumplings": ("mama", lambda: pictures.dumplings(12)),
    "fish": ("baba", lambda: pictures.lake(1)),
}

# (days ago, hour, author, text, pictures, place, audience, tags, likers, comments)
# where comments are (commenter, text).
Moment = tuple[
    float, int, str, str, list[bytes], str, str, list[str], list[str], list[tuple[str, str]]
]
MOMENTS: list[Moment] = [
    (
        138,
        21,
        "lei",
        "聚会的餐厅订好了，就等15号",
        [],
        "",
        "only",
        ["同学"],
        ["mei"],
        [],
    ),
    (
        130,
        12,
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
        ["mama", "anna", "xiaodi"],
        [("mama", "注意安全，多穿点"), ("anna", "Beautiful! Next time the team comes too.")],
    ),
]

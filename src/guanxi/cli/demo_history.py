"""Half a year of everyday chat for the demo community, with the rhythms of real ties.

The family writes to 林美 several times a week, in the evenings, all half year; her colleagues
on weekdays in working hours; her high-school classmates were lively until their reunion about
four months ago and have been silent since; 樊宇, met in a hiking group, chatted on two days
and never again. Each rhythm is a chance per day, a window of hours and a pool of little
exchanges; a seeded random generator picks the days, the minutes and the replies' delays, so
the same day always gets the same history.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import emoji

DAY_MS = 86_400_000
MINUTE_MS = 60_000
FIRST_DAY = 182  # about half a year ago
SEED = 1_906


@dataclass(frozen=True, kw_only=True)
class Line:
    """One message of the history: when, where ("dm:a:b" or a group key), who, what."""

    at_ms: int
    chat: str
    sender: str
    kind: str
    text: str


@dataclass(frozen=True, kw_only=True)
class Rhythm:
    chat: str
    from_day: int  # days ago of the first possible day
    to_day: int  # days ago of the last possible day
    chance: float  # of an exchange on a possible day
    hours: tuple[int, int]  # the first message falls in [from, to)
    exchanges: tuple[tuple[tuple[str, str], ...], ...]  # (sender, text) lines
    weekdays_only: bool = False


MAMA = (
    (("mama", "吃饭了吗？"), ("mei", "吃了，公司楼下的面"), ("mama", "别老吃面，多吃菜")),
    (("mama", "降温了，多穿点"), ("mei", "知道啦妈 ❤️")),
    (("mei", "妈，今天下班早，给你打个视频？"), ("mama", "好呀，你爸也在")),
    (("mama", "周末回家吗？"), ("mei", "回，想吃你做的红烧肉"), ("mama", "给你留着")),
    (("mama", "你弟最近找你借钱没？"), ("mei", "没有，他挺好的"), ("mama", "那就好")),
    (("mei", "妈，我给你买了个按摩仪，明天到"), ("mama", "又乱花钱"), ("mei", "不贵的😄")),
    (("mama", "今天跳广场舞认识了个新朋友"), ("mei", "哈哈 妈你真忙"), ("mama", "比你忙！")),
    (("mama", "早点睡，别熬夜"), ("mei", "嗯，马上睡")),
    (("mei", "妈，周六我带同事去吃饭，推荐个地方？"), ("mama", "去老街那家鱼馆")),
    (("mama", "你姑妈问你有没有对象"), ("mei", "……没有"), ("mama", "好好好不问了")),
    (("mama", "包了饺子，给你冻了两袋"), ("mei", "太好了🥟"), ("mama", "周末来拿")),
    (("mei", "到家了吗？外面下雨"), ("mama", "到了，你爸来接的")),
    (("mama", "体检报告出来了，都正常"), ("mei", "太好了！"), ("mama", "放心吧")),
    (("mama", "天气预报说明天有雪"), ("mei", "我带伞了"), ("mama", "穿厚点")),
)
BABA = (
    (("baba", "今天钓了三条鲫鱼"), ("mei", "爸厉害👍")),
    (("mei", "爸，车的保险续了吗？"), ("baba", "续了")),
    (("baba", "周末有空帮我看看电脑？"), ("mei", "好，周六下午"), ("baba", "好")),
    (("baba", "新闻说你们那边堵车"), ("mei", "还好，我坐地铁")),
    (("mei", "爸生日想要什么？"), ("baba", "什么都不要，回来吃饭就行")),
    (("baba", "你妈又买了一堆花"), ("mei", "哈哈 拍张照看看")),
)
XIAODI = (
    (("xiaodi", "姐，这个耳机值得买吗"), ("mei", "太贵了，等双十一"), ("xiaodi", "好吧")),
    (("xiaodi", "今晚打游戏吗"), ("mei", "加班呢，周末吧")),
    (("mei", "论文写完了吗？"), ("xiaodi", "快了快了"), ("mei", "别拖")),
    (("xiaodi", "妈又催我找工作了😂"), ("mei", "她也催我找对象，扯平了")),
    (("xiaodi", "姐 借我你的爱奇艺会员"), ("mei", "密码发你了")),
    (("mei", "面试怎么样？"), ("xiaodi", "感觉还行！"), ("mei", "加油💪")),
    (("xiaodi", "周末回家吗"), ("mei", "回"), ("xiaodi", "那我也回")),
)
FAMILY = (
    (("mama", "今晚吃火锅，谁回来？"), ("xiaodi", "我！"), ("baba", "我去买菜")),
    (("baba", "天冷了，暖气开了吗"), ("mei", "开了"), ("xiaodi", "宿舍还没开🥶")),
    (("mama", "周日大扫除，都回来帮忙"), ("xiaodi", "……"), ("mei", "收到")),
    (("xiaodi", "家里的猫又胖了"), ("mama", "你爸喂的"), ("baba", "它饿")),
    (("mei", "下周有空一起去看外婆吗"), ("mama", "好，周六上午"), ("baba", "我开车")),
)
ANNA = (
    (("anna", "Can you review the spec before lunch?"), ("mei", "On it, 20 min.")),
    (("mei", "The customer call moved to 4pm."), ("anna", "Thanks, noted.")),
    (("anna", "Great work on the release notes."), ("mei", "Thank you 🙏")),
    (("anna", "Do you have a minute for a quick sync?"), ("mei", "Yes, calling you now")),
    (("mei", "Sent you the draft roadmap."), ("anna", "Looks good, two small comments.")),
    (("anna", "I'm out tomorrow, can you run stand-up?"), ("mei", "Sure!")),
    (("anna", "Budget for Q3 is approved 🎉"), ("mei", "Finally!")),
    (("anna", "https://example.org/roadmap"), ("mei", "看过了，没问题")),
)
BEN = (
    (("ben", "Coffee?"), ("mei", "5 min ☕")),
    (("ben", "Build is green"), ("mei", "👍")),
    (("mei", "Is staging down for you too?"), ("ben", "Yes, restarting it")),
    (("ben", "Pushed the fix, can you try again?"), ("mei", "Works now, thanks")),
    (("ben", "Lunch at the dumpling place?"), ("mei", "走！")),
    (("mei", "Could you pair with me on the search bug?"), ("ben", "After stand-up")),
)
CHEN = (
    (("chen", "测试环境的数据我重置了"), ("mei", "好的，谢谢")),
    (("mei", "这个需求你那边估个时？"), ("chen", "大概三天")),
    (("chen", "明天请半天假"), ("mei", "好，我跟 Anna 说一声")),
)
TEAM = (
    (("anna", "Stand-up in 5 minutes."), ("ben", "👍"), ("chen", "来了")),
    (("ben", "Build is green again."), ("mei", "Nice!")),
    (("chen", "Who broke the login page? 😅"), ("ben", "Me. Fixing.")),
    (("mei", "Demo for the customer is on Friday."), ("anna", "I'll prepare the slides.")),
    (("anna", "Retro notes are in the wiki."), ("chen", "收到")),
    (("ben", "Cake in the kitchen 🎂"), ("mei", "Whose birthday?"), ("ben", "Chen's!")),
)
LEI = (
    (("lei", "同学聚会的事你问问陶然"), ("mei", "好，我今晚问"), ("lei", "谢啦")),
    (("mei", "你还在原来那家公司吗？"), ("lei", "跳槽了，现在做游戏"), ("mei", "厉害")),
    (("lei", "还记得班主任老李吗，他要退休了"), ("mei", "时间过得好快")),
    (("lei", "聚会想请老李来"), ("mei", "好主意！"), ("lei", "我去联系")),
    (("mei", "聚会 AA 吧，我先转你"), ("lei", "收到，不急")),
    (("lei", "今天路过咱们高中，门口那家奶茶店还在"), ("mei", "哈哈 我们天天去")),
)
TAO = (
    (("tao", "在北京出差，有空吃个饭？"), ("mei", "周四晚上可以"), ("tao", "好")),
    (("mei", "聚会你能来吗？"), ("tao", "尽量，可能晚到")),
    (("tao", "照片收到了，太好笑了"), ("mei", "😂")),
)
YUN = (
    (("yun", "你还有高三的毕业纪念册吗"), ("mei", "在我妈家"), ("yun", "拍给我看看")),
    (("mei", "听说你搬去杭州了？"), ("yun", "对，西湖边上"), ("mei", "羡慕")),
    (("yun", "聚会那天穿校服吧哈哈"), ("mei", "我的早就小了")),
)
CLASSMATES = (
    (("lei", "十年聚会，大家报个名"), ("yun", "我！"), ("tao", "+1"), ("mei", "+1")),
    (("yun", "谁还有班级合照"), ("lei", "我找找")),
    (("tao", "老李当年罚我们跑操还记得吗"), ("mei", "记得，冬天五点半"), ("lei", "😂")),
)
HIKERS = (
    (("anna", "This Saturday: 香山, meet at 8 at the east gate."), ("fan", "我去！")),
    (("fan", "下周末去爬长城吗？"), ("ben", "I'm in"), ("mei", "我也去")),
    (("fan", "上周的照片传相册了"), ("anna", "Thanks!")),
)

# (chat, from day, to day, chance a day, hours, exchanges, weekdays only)
_TABLE = (
    ("dm:mama:mei", FIRST_DAY, 1, 0.55, (18, 22), MAMA, False),
    ("dm:baba:mei", FIRST_DAY, 1, 0.4, (8, 21), BABA, False),
    ("dm:mei:xiaodi", FIRST_DAY, 2, 0.4, (21, 24), XIAODI, False),
    ("family", FIRST_DAY, 3, 0.15, (11, 21), FAMILY, False),
    ("dm:anna:mei", FIRST_DAY, 1, 0.3, (9, 17), ANNA, True),
    ("dm:mei:ben", 150, 1, 0.25, (10, 17), BEN, True),
    ("dm:chen:mei", FIRST_DAY, 5, 0.12, (9, 17), CHEN, True),
    ("team", FIRST_DAY, 1, 0.3, (9, 17), TEAM, True),
    ("dm:lei:mei", FIRST_DAY, 126, 0.4, (19, 23), LEI, False),
    ("dm:mei:tao", 170, 128, 0.12, (12, 22), TAO, False),
    ("dm:yun:mei", 175, 127, 0.15, (19, 23), YUN, False),
    ("classmates", FIRST_DAY, 127, 0.25, (20, 23), CLASSMATES, False),
    ("hikers", 58, 30, 0.3, (9, 20), HIKERS, False),
)
RHYTHMS = tuple(
    Rhythm(chat=c, from_day=f, to_day=t, chance=p, hours=h, exchanges=e, weekdays_only=w)
    for c, f, t, p, h, e, w in _TABLE
)

# 樊宇 from the hiking group: one evening's chat and a short reply a day later, nothing since.
STRANGER = (
    (52, 20 * 60 + 5, "dm:fan:mei", "fan", "你好，我是徒步群里的樊宇，上次谢谢你的登山杖"),
    (52, 20 * 60 + 31, "dm:fan:mei", "mei", "不客气，你的膝盖好点了吗？"),
    (52, 20 * 60 + 34, "dm:fan:mei", "fan", "好多了！下次一起爬"),
    (51, 9 * 60 + 40, "dm:fan:mei", "mei", "好呀，群里约"),
)


def history(today_ms: int) -> list[Line]:
    """Every line of the half year before `today_ms` (midnight UTC of the demo's day), in time
    order; the same day gives the same history."""
    rng = random.Random(SEED)
    lines = [line for rhythm in RHYTHMS for line in _rhythm(rhythm, today_ms, rng)]
    for days_ago, minute, chat, sender, text in STRANGER:
        at_ms = today_ms - days_ago * DAY_MS + minute * MINUTE_MS
        lines.append(Line(at_ms=at_ms, chat=chat, sender=sender, kind="text", text=text))
    return sorted(lines, key=lambda line: line.at_ms)


def _rhythm(rhythm: Rhythm, today_ms: int, rng: random.Random) -> list[Line]:
    lines: list[Line] = []
    for days_ago in range(rhythm.from_day, rhythm.to_day - 1, -1):
        day_ms = today_ms - days_ago * DAY_MS
        if rhythm.weekdays_only and weekday(day_ms) >= 5:
            continue
        if rng.random() >= rhythm.chance:
            continue
        start = day_ms + rng.randrange(rhythm.hours[0] * 60, rhythm.hours[1] * 60) * MINUTE_MS
        exchange = rng.choice(rhythm.exchanges)
        lines.extend(_exchange(rhythm.chat, exchange, start, rng, work=rhythm.weekdays_only))
    return lines


def _exchange(
    chat: str,
    exchange: tuple[tuple[str, str], ...],
    start: int,
    rng: random.Random,
    *,
    work: bool,
) -> list[Line]:
    at_ms, lines = start, []
    for n, (sender, text) in enumerate(exchange):
        if n:
            at_ms += _reply_delay(rng, overnight=not work)
        lines.append(Line(at_ms=at_ms, chat=chat, sender=sender, kind=_kind(text), text=text))
    return lines


def _kind(text: str) -> str:
    if text.startswith("https://"):
        return "link"
    return "emoji" if emoji.purely_emoji(text) else "text"


def _reply_delay(rng: random.Random, *, overnight: bool) -> int:
    """Mostly within minutes, sometimes within the hour, now and then (never at work) the
    next morning."""
    roll = rng.random()
    if roll < 0.7:
        return rng.randrange(1, 12) * MINUTE_MS
    if roll < 0.92 or not overnight:
        return rng.randrange(15, 40) * MINUTE_MS
    return rng.randrange(6 * 60, 14 * 60) * MINUTE_MS


def weekday(day_ms: int) -> int:
    """0 Monday … 6 Sunday (1970-01-01 was a Thursday)."""
    return (day_ms // DAY_MS + 3) % 7

"""Telegram's service messages (`"type": "service"`: a group created, members added, a message
pinned, a call…) as the sentence a system entry shows, e.g. "Aaaaa pinned a message" or
"Call (3 min)". An action this table does not know still comes in, as "Aaaaa: <action>"."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from guanxi.assets.telegram_people import NO_NAME

Sentence = Callable[[str, dict[str, Any]], str]


def describe(data: dict[str, Any]) -> str:
    """What the service message says, in one sentence."""
    actor = data.get("actor")
    who = actor if isinstance(actor, str) and actor else NO_NAME
    action = data.get("action")
    if not isinstance(action, str):
        info = data.get("information_text")  # a custom action: its text is the sentence
        return info if isinstance(info, str) and info else f"{who} did something"
    sentence = SENTENCES.get(action)
    if sentence is None:
        return f"{who}: {action.replace('_', ' ')}"
    return sentence(who, data)


def _names(data: dict[str, Any], field: str = "members") -> list[str]:
    value = data.get(field)
    names = value if isinstance(value, list) else []
    return [n if isinstance(n, str) and n else NO_NAME for n in names]


def _listed(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names) or "someone"
    return f"{', '.join(names[:-1])} and {names[-1]}"


def _title(data: dict[str, Any], field: str = "title") -> str:
    value = data.get(field)
    return f' "{value}"' if isinstance(value, str) and value else ""


def _duration(seconds: Any) -> str:
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds <= 0:
        return ""
    if seconds < 60:
        return f" ({int(seconds)} s)"
    minutes = round(seconds / 60)
    return f" ({minutes} min)" if minutes < 60 else f" ({minutes // 60} h {minutes % 60} min)"


def _invited(who: str, data: dict[str, Any]) -> str:
    names = _names(data)
    if names == [who]:
        return f"{who} joined the group"
    return f"{who} added {_listed(names)}"


def _removed(who: str, data: dict[str, Any]) -> str:
    names = _names(data)
    if names == [who]:
        return f"{who} left the group"
    return f"{who} removed {_listed(names)}"


def _joined_by_link(who: str, data: dict[str, Any]) -> str:
    inviter = data.get("inviter")
    by = f" from {inviter}" if isinstance(inviter, str) and inviter else ""
    return f"{who} joined the group with an invite link{by}"


def _phone_call(who: str, data: dict[str, Any]) -> str:
    reason = data.get("discard_reason")
    duration = _duration(data.get("duration_seconds"))
    if duration:
        return f"Call{duration}"
    return {
        "missed": f"Missed call from {who}",
        "busy": f"Declined call from {who}",
        "hangup": f"Cancelled call from {who}",
        "disconnect": f"Call from {who} (disconnected)",
    }.get(reason if isinstance(reason, str) else "", f"Call from {who}")


def _group_call(who: str, data: dict[str, Any]) -> str:
    duration = _duration(data.get("duration"))
    return f"Group call{duration}" if duration else f"{who} started a group call"


def _ttl(who: str, data: dict[str, Any]) -> str:
    period = data.get("period")
    if not isinstance(period, int) or isinstance(period, bool) or period <= 0:
        return f"{who} turned off auto-delete"
    for size, unit in ((86_400, "day"), (3_600, "hour"), (60, "minute"), (1, "second")):
        if period % size == 0:
            count = period // size
            return f"{who} set messages to auto-delete after {count} {unit}{'s' * (count != 1)}"
    return f"{who} set messages to auto-delete"  # pragma: no cover - size 1 always divides


def _theme(who: str, data: dict[str, Any]) -> str:
    emoticon = data.get("emoticon")
    if isinstance(emoticon, str) and emoticon:
        return f"{who} changed the chat theme to {emoticon}"
    return f"{who} turned off the chat theme"


def _topic_edit(who: str, data: dict[str, Any]) -> str:
    title = _title(data, "new_title")
    return f"{who} renamed the topic to{title}" if title else f"{who} edited the topic"


def _payment(who: str, data: dict[str, Any]) -> str:
    amount, currency = data.get("amount"), data.get("currency")
    if isinstance(amount, int) and isinstance(currency, str):
        return f"Payment of {amount / 100:.2f} {currency} sent"
    return "Payment sent"


def _proximity(who: str, data: dict[str, Any]) -> str:
    one, other, distance = data.get("from"), data.get("to"), data.get("distance")
    return f"{one or NO_NAME} is within {distance} m of {other or NO_NAME}"


def _plain(template: str) -> Sentence:
    return lambda who, data: template.format(who=who, title=_title(data))


SENTENCES: dict[str, Sentence] = {
    "create_group": _plain("{who} created the group{title}"),
    "create_channel": _plain("{who} created the channel{title}"),
    "edit_group_title": _plain("{who} changed the group name to{title}"),
    "edit_group_photo": _plain("{who} changed the group photo"),
    "delete_group_photo": _plain("{who} removed the group photo"),
    "invite_members": _invited,
    "remove_members": _removed,
    "join_group_by_link": _joined_by_link,
    "join_group_by_request": _plain("{who} joined the group after a request"),
    "migrate_to_supergroup": _plain("{who} upgraded the group to a supergroup"),
    "migrate_from_group": _plain("The group{title} was upgraded to a supergroup"),
    "pin_message": _plain("{who} pinned a message"),
    "clear_history": _plain("{who} cleared the history"),
    "phone_call": _phone_call,
    "group_call": _group_call,
    "invite_to_group_call": lambda who, data: (
        f"{who} invited {_listed(_names(data))} to the group call"
    ),
    "group_call_scheduled": _plain("{who} scheduled a group call"),
    "set_messages_ttl": _ttl,
    "take_screenshot": _plain("{who} took a screenshot"),
    "score_in_game": lambda who, data: f"{who} scored {data.get('score', 0)} in a game",
    "send_payment": _payment,
    "joined_telegram": _plain("{who} joined Telegram"),
    "proximity_reached": _proximity,
    "requested_phone_number": _plain("{who} asked for a phone number"),
    "edit_chat_theme": _theme,
    "suggest_profile_photo": _plain("{who} suggested a profile photo"),
    "topic_created": _plain("{who} created the topic{title}"),
    "topic_edit": _topic_edit,
    "set_chat_wallpaper": _plain("{who} changed the chat wallpaper"),
    "set_same_chat_wallpaper": _plain("{who} set the same chat wallpaper"),
    "boost_apply": _plain("{who} boosted the group"),
    "send_premium_gift": _plain("{who} sent a Telegram Premium gift"),
    "send_stars_gift": _plain("{who} sent a gift of stars"),
    "send_star_gift": _plain("{who} sent a gift"),
    "allow_sending_messages": _plain("{who} allowed a bot to send messages"),
    "attach_menu_bot_allowed": _plain("{who} allowed a bot to send messages"),
    "web_app_bot_allowed": _plain("{who} allowed a bot to send messages"),
    "send_passport_values": _plain("Telegram Passport data was sent"),
    "send_webview_data": _plain("Data was sent from a web app"),
    "giveaway_launch": _plain("A giveaway was launched"),
    "giveaway_results": _plain("The giveaway's winners were chosen"),
    "gift_code_prize": _plain("A gift code was given"),
}

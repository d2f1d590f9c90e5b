"""The system lines of a WhatsApp export: what WhatsApp itself writes into a chat (the encryption
notice, a group created, someone added, left or removed, a subject or icon changed, a security
code changed, the disappearing-message timer, "is a contact"), in English and in a few other
languages. A line that matches names its actor where the grammar puts one; "You" (and its
translations) is the person who exported the chat."""

from __future__ import annotations

import re
from dataclasses import dataclass

_Q = "[\"“”„«»'‘’]"  # a quote mark of any locale
_NAME = "(?:subject|group name)"
# An actor is a name: no colon, no line break, at most ACTOR_MAX characters. (A colon ends it at
# once, which keeps "Name: text" lines cheap to rule out.)
ACTOR_MAX = 128  # longer than any name WhatsApp shows: past it a "name" is part of a sentence
_ACTOR = f"(?P<actor>[^:\\n]{{1,{ACTOR_MAX}}}?)"
# "You" as actor, and its translations (Spanish, German, French, Portuguese, Italian, Dutch).
YOU = frozenset({"you", "tú", "tu", "usted", "du", "sie", "vous", "você", "voi", "jij", "u"})

# (pattern, whether only a group has such a line). Each may name (?P<actor>…) and (?P<subject>…);
# (?P<created>) marks a group's creation.
_PATTERNS: tuple[tuple[str, bool], ...] = (
    # notices without an actor
    (r"Messages and calls are end-to-end encrypted.*", False),
    (r"Messages (?:to this group|you send to this chat).* end-to-end encryption.*", False),
    (r"Los mensajes y las llamadas están cifrados de extremo a extremo.*", False),
    (r"Nachrichten und Anrufe sind Ende-zu-Ende-verschlüsselt.*", False),
    (r"Les messages et les appels sont chiffrés de bout en bout.*", False),
    (r"As mensagens e as chamadas são protegidas com a criptografia de ponta a ponta.*", False),
    (r"I messaggi e le chiamate sono crittografati end-to-end.*", False),
    (rf"Your security code with {_ACTOR} changed.*", False),
    (r"This (?:chat|business) is (?:with|now using) .*", False),
    (rf"{_ACTOR}'s security code changed.*", False),
    # group lines
    (rf"(?P<created>){_ACTOR} created group {_Q}(?P<subject>.*){_Q}", True),
    (rf"(?P<created>){_ACTOR} created this group", True),
    (rf"{_ACTOR} changed the {_NAME} (?:from {_Q}.*{_Q} )?to {_Q}(?P<subject>.*){_Q}", True),
    (rf"{_ACTOR} (?:changed|deleted) this group's (?:icon|settings|description).*", True),
    (rf"{_ACTOR} changed the group (?:description|settings).*", True),
    (rf"{_ACTOR} (?:added|removed) .+", True),
    (rf"{_ACTOR} left", True),
    (rf"{_ACTOR} joined (?:using|from) this group's invite link.*", True),
    (rf"{_ACTOR} (?:were|was) added", True),
    (rf"{_ACTOR} (?:reset|revoked) this group's invite link.*", True),
    (r"(?P<actor>You)'re now an admin", True),
    (rf"{_ACTOR} made (?:you|.+?) an admin", True),
    (rf"(?P<created>){_ACTOR} creó el grupo {_Q}(?P<subject>.*){_Q}", True),
    (rf"{_ACTOR} cambió el (?:asunto|nombre) .*?{_Q}(?P<subject>.*){_Q}", True),
    (rf"{_ACTOR} (?:añadió|eliminó) a .+", True),
    (rf"{_ACTOR} salió del grupo", True),
    (r"Te añadi(?:ó|eron).*", True),
    (rf"(?P<created>){_ACTOR} hat die Gruppe {_Q}(?P<subject>.*){_Q} erstellt", True),
    (rf"{_ACTOR} hat .+ (?:hinzugefügt|entfernt)", True),
    (rf"{_ACTOR} ha(?:t|st) die Gruppe verlassen", True),
    (r"(?P<actor>Du) wurdest hinzugefügt", True),
    (rf"(?P<created>){_ACTOR} a créé (?:le )?groupe {_Q} ?(?P<subject>.*?) ?{_Q}", True),
    (rf"{_ACTOR} a (?:ajouté|retiré) .+", True),
    (rf"{_ACTOR} est parti(?:e)?", True),
    (r"(?P<actor>Vous) avez été ajouté(?:e)?", True),
    (rf"(?P<created>){_ACTOR} criou o grupo {_Q}(?P<subject>.*){_Q}", True),
    (rf"{_ACTOR} (?:adicionou|removeu) .+", True),
    (rf"{_ACTOR} saiu", True),
    (r"(?P<actor>Você) foi adicionad[oa]", True),
    # lines in any chat
    (rf"{_ACTOR} is a contact\.?", False),
    (rf"{_ACTOR} (?:updated|changed) the message timer.*", False),
    (rf"{_ACTOR} turned (?:on|off) disappearing messages.*", False),
    (rf"{_ACTOR} changed (?:their|your) phone number.*", False),
    (rf"{_ACTOR} changed to \+?[\d ()-]+", False),
    (rf"{_ACTOR} (?:blocked|unblocked) this contact.*", False),
    (rf"{_ACTOR} pinned a message", False),
    (
        rf"{_ACTOR} (?:changed|deleted) (?:this group's|their|your) (?:icon|profile photo)",
        False,
    ),
)
_COMPILED = tuple((re.compile(pattern, re.DOTALL), group) for pattern, group in _PATTERNS)
# All of them at once, without their names: one call rules out an ordinary message.
_NAMED = re.compile(r"\(\?P<\w+>")
_ANY = re.compile(
    "|".join("(?:" + _NAMED.sub("(?:", pattern) + ")" for pattern, _ in _PATTERNS), re.DOTALL
)


@dataclass(frozen=True, kw_only=True)
class SystemLine:
    actor: str | None  # the name as written ("You" and its translations included)
    group: bool  # only a group has such a line
    created: bool = False  # the group was created
    subject: str  # the group subject the line gives, or ""


def match_system(text: str) -> SystemLine | None:
    """What a system line says, or None if the text is no system line WhatsApp writes. (An
    actor has no colon, so "Name: text" that happens to end like a system line is none.)"""
    if _ANY.fullmatch(text) is None:
        return None
    for pattern, group in _COMPILED:
        match = pattern.fullmatch(text)
        if match is not None:
            found = match.groupdict()
            return SystemLine(
                actor=found.get("actor"),
                group=group,
                subject=found.get("subject") or "",
                created=found.get("created") is not None,
            )
    return None


def is_you(name: str) -> bool:
    return name.lower() in YOU

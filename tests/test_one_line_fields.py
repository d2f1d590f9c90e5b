"""One-line fields people are known by — display names, group names, remarks, tags — refuse
text-direction controls (a name that reads backwards) and names with nothing visible."""

from __future__ import annotations

import pytest

from guanxi.client import GuanxiClient
from tests.conftest import PASSWORD, RunningServer, UserFactory, befriend, code_of

BAD = [
    "\u202eevil",  # right-to-left override
    "Mom\u2066",  # left-to-right isolate
    "a\u200fb",  # right-to-left mark
    "\u200b\u200b",  # zero-width spaces only
    "\u200d\ufeff",  # zero-width joiner and byte order mark only
    "\u3164",  # Hangul filler: a letter that shows nothing
    "\u2800 \u2800",  # braille blanks
]
GOOD = ["林美", "Zoë", "👍", "محمد", "O'Brien-Smith"]


@pytest.mark.parametrize("name", BAD)
async def test_a_name_that_hides_or_reverses_is_refused_everywhere(
    make_user: UserFactory, server: RunningServer, name: str
) -> None:
    mei = await make_user("mei")
    lei = await make_user("lei")
    await befriend(mei, lei)
    async with GuanxiClient(server.url) as fresh:
        status, _ = await code_of(fresh.register("fresh", PASSWORD, name))
        assert status == 422
    for call in (
        mei.update_me(display_name=name),
        mei.create_group(name, []),
        mei.update_friend("lei", remark=name),
        mei.update_friend("lei", tags=[name]),
        mei.post_moment("hi", audience="only", tags=[name]),
    ):
        status, code = await code_of(call)
        assert (status, code in ("invalid_text", "empty")) == (422, True)
    assert (await mei.me())["display_name"] == "Mei"
    assert await mei.conversations() == []
    [friend] = await mei.friends()
    assert (friend["remark"], friend["tags"]) == ("", [])


async def test_names_of_every_script_are_welcome(make_user: UserFactory) -> None:
    mei = await make_user("mei")
    lei = await make_user("lei")
    await befriend(mei, lei)
    for name in GOOD:
        assert (await mei.update_me(display_name=name))["display_name"] == name
        assert (await mei.create_group(f" {name} ", []))["name"] == name
        assert (await mei.update_friend("lei", remark=name, tags=[name]))["remark"] == name

"""What a user deleted for themselves — one message, or a whole chat — is no longer theirs to
hold: their export, their ledger and an import of their archive leave it out, while the other
members keep it whole."""

from __future__ import annotations

from guanxi.client import GuanxiClient
from guanxi.clock import FixedClock
from guanxi.settings import Settings
from tests.conftest import PASSWORD, RunningServer, UserFactory, befriend
from tests.test_export import by_conversation, exported, unzip
from tests.test_round_trip import fresh  # noqa: F401  (a second, empty server's settings)


async def test_what_one_deleted_for_oneself_leaves_the_export_and_the_ledger(
    make_user: UserFactory,
    clock: FixedClock,
    fresh: Settings,  # noqa: F811
) -> None:
    ana, bob, cai = await make_user("ana"), await make_user("bob"), await make_user("cai")
    await befriend(ana, bob, "classmate", "classmate")
    await befriend(ana, cai, "classmate", "classmate")
    direct = int((await ana.open_direct("bob"))["id"])
    for text in ("one", "two: the secret", "three"):
        await ana.send(direct, text)
    reply = await bob.send(direct, "four, answering two", reply_to=2)
    assert reply["seq"] == 4
    await ana.hide(direct, [2])
    group = int((await ana.create_group("Trio", ["bob", "cai"]))["id"])
    await bob.send(group, "before ana deleted the chat")
    await ana.delete_for_me(group)
    cleared_at = (await bob.send(group, "after she deleted it"))["seq"] - 1

    export, archive_zip = await exported(ana)
    archive = unzip(archive_zip)
    chats = by_conversation(archive)
    assert [m["seq"] for m in chats[direct]] == [1, 3, 4]
    assert b"the secret" not in archive_zip  # nor in any other record (the zip is stored)
    assert [m["text"] for m in chats[group]] == ["after she deleted it"]
    window = {c["id"]: c["window"] for c in archive.lines("conversations")}
    assert window[group]["after_seq"] == cleared_at
    assert export["progress"]["done"] == export["progress"]["total"]  # counted as written
    totals = (await ana.assets())["totals"]["messages"]
    assert (totals["sent"]["total"], totals["received"]["total"]) == (2, 2)

    _, bobs_zip = await exported(bob)  # bob's own history is untouched
    bobs = by_conversation(unzip(bobs_zip))
    assert [m["seq"] for m in bobs[direct]] == [1, 2, 3, 4]
    assert [m["seq"] for m in bobs[group]] == list(range(1, cleared_at + 2))
    bob_totals = (await bob.assets())["totals"]["messages"]
    assert bob_totals["received"]["total"] == 3

    elsewhere = RunningServer(fresh, clock)  # the archive imports without what was deleted
    await elsewhere.start()
    try:
        async with GuanxiClient(elsewhere.url) as again:
            await again.register("ana", PASSWORD, "Ana")
            job = await again.wait_import(
                (await again.start_import(archive_zip, "ana.zip", format="guanxi"))["id"]
            )
            assert job["state"] == "done", job
            _, second_zip = await exported(again)
    finally:
        await elsewhere.stop()
    assert b"the secret" not in second_zip
    texts = [m["text"] for c in by_conversation(unzip(second_zip)).values() for m in c]
    assert {"one", "three", "four, answering two", "after she deleted it"} <= set(texts)

"""Discord: time from INTERACTION_CREATE to the interaction callback, against the fake.

The real discord.py client, the real core and a SQLite file; the fake Discord from the tests
(tests/adapters/discord/fake_discord.py) on 127.0.0.1 stamps when it sends each dispatch and
when the callback arrives. Measured: `/lab help` (a private card) and a button answer (the
members list's "Next ▶", which re-reads the lab and replaces the message). Target: p99 under
100 ms. Run: `python bench/bench_discord.py [--n 300]`; writes bench/results/discord.md.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import dataclasses
import logging
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pydantic import SecretStr  # noqa: E402

from adapters.discord.app import DiscordAdapter  # noqa: E402
from bot.bootstrap import create_app  # noqa: E402
from bot.config import DiscordSettings, load_settings  # noqa: E402
from bot.scheduling import ManualJobs  # noqa: E402
from tests.adapters.discord import payloads as p  # noqa: E402
from tests.adapters.discord.fake_discord import FakeDiscord  # noqa: E402

TARGET_MS = 100.0
MEMBERS = 25  # two pages of members, so the button has a page to go to


async def answer_time(fake: FakeDiscord, payload: dict[str, object]) -> float:
    """Milliseconds from sending the dispatch to receiving the interaction callback."""
    await fake.interact(payload)
    rec = await fake.callback(int(str(payload["id"])))
    return (rec.at - fake.sent_at[int(str(payload["id"]))]) * 1000


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


async def run(n: int) -> dict[str, list[float]]:
    with tempfile.TemporaryDirectory() as tmp:
        fake = FakeDiscord()
        await fake.start()
        settings = load_settings(None).model_copy(update={
            "database_url": SecretStr(f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"),
            "discord": DiscordSettings(api_base_url=fake.base, gateway_url=fake.gateway,
                                       sync_commands=False),
            "discord_token": SecretStr(fake.token),
        })
        app = await create_app(settings, jobs=ManualJobs(), migrate=True)
        ctx = dataclasses.replace(app.ctx, settings=settings)
        adapter = DiscordAdapter(ctx)
        task = asyncio.create_task(adapter.run())
        await fake.wait_ready()
        try:
            # A lab with enough members for two pages, set up through Discord itself.
            await answer_time(fake, p.slash(p.GEMMA, "setup", name="Action Lab 1"))
            await answer_time(fake, p.slash(p.GEMMA, "settings", limit=MEMBERS + 5))
            for i in range(MEMBERS):
                who = (300000000000000000 + i, f"Member {i:02d}")
                join = p.slash(who, "join")
                await fake.interact(join)
                await fake.callback(int(join["id"]))
                message = fake.messages[fake.original[int(join["id"])]]
                press = p.component(who, message, "al1:lab.accept:1")
                await fake.interact(press)
                await fake.callback(int(press["id"]))
                tz = p.slash(who, "tz", zone="Africa/Lagos")
                await fake.interact(tz)
                await fake.callback(int(tz["id"]))
            listing = p.slash(p.GEMMA, "members")
            await fake.interact(listing)
            await fake.callback(int(listing["id"]))
            # A copy: the fake edits stored messages in place as the bot replaces them.
            page_one = copy.deepcopy(fake.messages[fake.original[int(listing["id"])]])
            button = p.find_control(page_one, "Next")

            results: dict[str, list[float]] = {"/lab help": [], "button: members Next ▶": []}
            for _ in range(20):  # warm up caches and connections
                await answer_time(fake, p.slash(p.GEMMA, "help"))
            for _ in range(n):
                results["/lab help"].append(await answer_time(fake, p.slash(p.GEMMA, "help")))
                press = p.component(p.GEMMA, page_one, button["custom_id"])
                results["button: members Next ▶"].append(await answer_time(fake, press))
            return results
        finally:
            await adapter.stop()
            await asyncio.wait_for(task, 10)
            await app.close()
            await fake.stop()


def report(results: dict[str, list[float]], n: int) -> str:
    load = os.getloadavg()
    lines = [
        "# Discord: INTERACTION_CREATE to interaction callback",
        "",
        f"Run `python bench/bench_discord.py --n {n}` on {time.strftime('%Y-%m-%d %H:%M')}, "
        f"Python {platform.python_version()}, {os.cpu_count()} cores, load average "
        f"{load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} (1/5/15 min). The real discord.py "
        "client and core on SQLite, against the fake Discord on 127.0.0.1 in the same "
        f"process; {n} of each, one at a time, after 20 warm-up commands. Target: p99 under "
        f"{TARGET_MS:.0f} ms.",
        "",
        "| interaction | n | p50 ms | p95 ms | p99 ms | max ms | p99 < 100 ms |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, values in results.items():
        p99 = percentile(values, 99)
        lines.append(
            f"| {name} | {len(values)} | {statistics.median(values):.1f} | "
            f"{percentile(values, 95):.1f} | {p99:.1f} | {max(values):.1f} | "
            f"{'yes' if p99 < TARGET_MS else 'NO'} |")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=300, help="interactions of each kind")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    results = asyncio.run(run(args.n))
    text = report(results, args.n)
    out = ROOT / "bench" / "results" / "discord.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    print(text)
    return 0 if all(percentile(v, 99) < TARGET_MS for v in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())

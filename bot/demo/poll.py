"""Demo act 2: an availability poll answered by the six members, its results and best
pairs, and the two meetings picked from it."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from bot.demo.lab import FACILITATOR
from bot.i18n import _

if TYPE_CHECKING:
    from bot.demo.stage import Stage

POLL_LINE = ('/lab poll new "Action Lab meetings" 2027-01-11..2027-01-22 days mon-fri '
             'window 09:00-18:00 tz Europe/London length 60m step 60m closes 2027-01-08 17:00')
DAYS = 10  # Mon 11 to Fri 22 January, weekdays
HOURS = 9  # 09:00 to 17:00 London: slot n is day (n-1)//9, London hour 9 + (n-1)%9

# Who can come when, in London hours (the poll's zone); each sees it in their own zone.
# (yes hours, if-need-be hours, days (0-9) they cannot make at all)
AVAILABILITY: dict[str, tuple[range, range, tuple[int, ...]]] = {
    "Gemma Rhodes": (range(9, 18), range(0), (4,)),
    "Tom Fletcher": (range(9, 18), range(0), (1, 6)),
    "Zoë Núñez": (range(11, 18), range(10, 11), ()),  # before 08:00 in São Paulo is hard
    "Priya Raman": (range(9, 14), range(14, 16), (2, 8)),  # evenings in Kolkata
    "Nguyễn Thị Minh Khai": (range(9, 12), range(12, 14), (5,)),  # 17:00-22:00 in Manila
    "محمد الأمين": (range(13, 18), range(12, 13), (3,)),  # from 08:00 in Toronto
}


def numbers(hours: range, skip_days: tuple[int, ...]) -> list[int]:
    return [day * HOURS + (hour - 9) + 1 for day in range(DAYS) if day not in skip_days
            for hour in hours]


def spans(found: list[int]) -> str:
    """[1, 2, 3, 7] -> "1-3,7": what a person would type."""
    out: list[str] = []
    for n in sorted(found):
        if out and "-" in out[-1] and int(out[-1].split("-")[1]) == n - 1:
            out[-1] = f"{out[-1].split('-')[0]}-{n}"
        elif out and "-" not in out[-1] and int(out[-1]) == n - 1:
            out[-1] = f"{out[-1]}-{n}"
        else:
            out.append(str(n))
    return ",".join(out)


async def best_pair(stage: Stage) -> tuple[int, int]:
    """The slot numbers of the best pair, as `/lab poll pairs` ranks them."""
    from bot.domain import availability as av
    from bot.features.polls import load

    console = stage.console
    async with console.ctx.uow() as uow:
        lab = (await uow.labs.all())[0]
        poll = await uow.polls.by_number(lab.id, 1)
        assert poll is not None
        loaded = await load(uow, poll)
    scores = loaded.scores()
    pairs = av.best_pairs(scores, av.availability_masks(loaded.grid, len(loaded.slots)),
                          loaded.starts, gap=timedelta(days=7), limit=1)
    first, second = pairs[0].first, pairs[0].second
    return loaded.slots[first].number, loaded.slots[second].number


async def act(stage: Stage) -> None:
    facilitator, _x = FACILITATOR
    stage.say(_("The facilitator proposes two weeks of slots for the lab's two meetings, in one "
              "line (a guided form opens when `/lab poll new` has no arguments)."))
    await stage.type(facilitator, POLL_LINE)

    stage.say(_("Amara answers on the card: each page is one day in her own time zone. Two "
              "days on the card, then the rest by text."))
    await stage.press(_("Amara Okafor"), _("Answer"))
    await stage.press(_("Amara Okafor"), _("All yes"))
    await stage.press(_("Amara Okafor"), _("No: choose slots"), "9")
    await stage.press(_("Amara Okafor"), _("Next day"))
    await stage.press(_("Amara Okafor"), _("All yes"))
    await stage.type(_("Amara Okafor"), f"/lab poll answer 1 {2 * HOURS + 1}-{DAYS * HOURS} yes")

    stage.say(_("Zoë opens her card: in São Paulo the first slots are marked early for her."))
    await stage.press(_("Zoë Núñez"), _("Answer"))

    stage.say(_("The others answer by text (slot numbers, ranges, `all`), and change answers."))
    await stage.type(_("Zoë Núñez"), "/lab poll answer 1 95 yes")
    for name, (yes, maybe, away) in AVAILABILITY.items():
        await stage.type(name, "/lab poll answer 1 all no")
        await stage.type(name, f"/lab poll answer 1 {spans(numbers(yes, away))} yes")
        if len(maybe):
            await stage.type(name, f"/lab poll answer 1 {spans(numbers(maybe, away))} maybe")

    stage.say(_("Anyone can see the results: slots ranked, the names behind each answer, and "
              "a heat map (saved as a PNG with its alt text)."))
    await stage.type(_("Priya Raman"), "/lab poll results 1")

    stage.say(_("The best pairs for the two meetings, at least a week apart."))
    await stage.type(facilitator, "/lab poll pairs 1 gap 7d")

    stage.say(_("The facilitator closes the poll and picks the best pair; each meeting is "
              "announced with everyone's local time and a calendar invite (.ics)."))
    await stage.type(facilitator, "/lab poll close 1")
    first, second = await best_pair(stage)
    await stage.type(facilitator, f'/lab poll pick 1 {first} title "Meeting 1"')
    await stage.type(facilitator, f'/lab poll pick 1 {second} title "Meeting 2"')

    stage.say(_("Upcoming meetings, in the reader's own zone."))
    await stage.type(_("Nguyễn Thị Minh Khai"), "/lab meetings")

"""Counting ranked ballots, exactly and checkably: IRV, STV, Schulze and ranked pairs.

`count(election)` runs the declared method, breaks ties by the declared rule, and finds out
whether any tie decided who won: a tie the earlier rounds cannot break is settled by a
published, repeatable draw, and the count is run again with every other way of settling it.
`tied` is true when the winners could not be decided without a draw; with ties `report`,
the count then stops at that tie and `winners` lists everyone who could win from there.
"""

from __future__ import annotations

from bot.domain.tally.condorcet import count_ranked_pairs, count_schulze
from bot.domain.tally.election import (
    MAX_CANDIDATES,
    METHOD_NAMES,
    METHODS,
    STRENGTHS,
    TIE_BREAKS,
    Election,
    ElectionError,
    Method,
    Strength,
    TieBreak,
    build,
    check_seats,
    content_seed,
    from_rankings,
    parse,
    to_json,
)
from bot.domain.tally.irv import count_irv
from bot.domain.tally.pairwise import condorcet_index, condorcet_winner, pairwise
from bot.domain.tally.rounds import Count, Result, Round, Transfer, exact, names, plural
from bot.domain.tally.stv import count_stv, droop_quota
from bot.domain.tally.ties import PURPOSE_WORDS, Tiebreaker, TieRecord, draw_index, show
from bot.i18n import _

__all__ = [
    "MAX_CANDIDATES", "METHODS", "METHOD_NAMES", "STRENGTHS", "TIE_BREAKS", "Election",
    "ElectionError", "Method", "Result", "Round", "Strength", "TieBreak", "TieRecord",
    "Transfer", "build", "check_seats", "content_seed", "count", "draw_index", "exact",
    "from_rankings", "names", "parse", "show", "to_json",
]

# How many extra counts may be run to learn whether a drawn tie decided the outcome.
EXPLORE_BUDGET = 128

Path = tuple[int, ...]
Winners = tuple[str, ...]


def _run(election: Election, matrix: list[list[int]] | None, forced: Path = (),
         stop_at: int | None = None) -> tuple[Count, Tiebreaker]:
    ties = Tiebreaker(election, forced, stop_at)
    match election.method:
        case "irv":
            result = count_irv(election, ties)
        case "stv":
            result = count_stv(election, ties)
        case "schulze":
            assert matrix is not None
            result = count_schulze(election, ties, matrix)
        case "ranked_pairs":
            assert matrix is not None
            result = count_ranked_pairs(election, ties, matrix)
    return result, ties


def _path(ties: Tiebreaker) -> Path:
    return tuple(o.chosen for o in ties.open)


def count(election: Election, *, budget: int = EXPLORE_BUDGET) -> Result:
    """Count `election` by its method and tie rule; see the module's docstring.

    With no ballot that ranks anyone (none cast, or only blank ones) every method gives the
    same outcome: nobody is elected, and the one round says why.
    """
    if not election.groups:
        return _nobody(election)
    # IRV and STV need no pairwise matrix: their Condorcet check takes a shorter route, and
    # the matrix is counted only if someone reads `Result.pairwise`.
    condorcet = election.method in ("schulze", "ranked_pairs")
    matrix = pairwise(election) if condorcet else None
    main, ties = _run(election, matrix)
    main_path = _path(ties)
    outcomes: list[tuple[Path, Winners]] = [(main_path, tuple(main.winners))]
    explored = True
    if ties.open:
        todo = [(*main_path[:i], alt) for i, tie in enumerate(ties.open)
                for alt in range(len(tie.options)) if alt != tie.chosen]
        runs = 0
        while todo:
            if runs >= budget:
                explored = False
                break
            prefix = todo.pop()
            other, other_ties = _run(election, matrix, prefix)
            runs += 1
            path = _path(other_ties)
            outcomes.append((path, tuple(other.winners)))
            todo += [(*path[:i], alt) for i in range(len(prefix), len(path))
                     for alt in range(len(other_ties.open[i].options))
                     if alt != path[i]]

    def possible(k: int) -> set[Winners]:
        return {w for p, w in outcomes if p[:k] == main_path[:k]}

    # Schulze and ranked pairs always elect a Condorcet winner, however their ties are
    # broken: then no draw can matter, even when there were too many orders to try them all.
    labels = election.candidates
    if matrix is not None:
        beats_all = condorcet_winner(matrix, labels)
    else:
        found = condorcet_index(election)
        beats_all = None if found is None else labels[found]
    settled = condorcet and election.seats == 1 and beats_all is not None
    material_at = None
    for k, tie in enumerate(ties.open):
        material = len(possible(k)) > 1 or not (explored or settled)
        ties.records[tie.record].material = material
        if material and material_at is None:
            material_at = k
    final, final_ties, winners = main, ties, list(main.winners)
    tied = material_at is not None
    if tied and election.tie_break == "report":
        assert material_at is not None
        could = {name for w in possible(material_at) for name in w}
        final, final_ties = _run(election, matrix, main_path[:material_at], material_at)
        for record in final_ties.records:
            if record.how == "draw" and record.material is None:
                record.material = False  # the open ties before the reported one
        winners = [c for c in election.candidates if c in could]
    drew = any(t.how == "draw" for t in final_ties.records)
    seed = election.draw_seed() if drew else election.seed
    _tell_ties(final.rounds, final_ties.records, explored, seed or "")
    return Result(
        election=election, winners=winners, tied=tied, rounds=final.rounds,
        condorcet_winner=beats_all,
        tie_breaks=final_ties.records, matrix=matrix, seed=seed,
        quota=droop_quota(election.ballots, election.seats) if election.method == "stv"
        else None,
        explored=explored,
    )


def _nobody(election: Election) -> Result:
    blank = election.blank
    why = (_("No ballots were cast") if not blank else
           _("No ballot ranked any option ({count})").format(
               count=plural(blank, 'blank ballot')))
    n = len(election.candidates)
    quota = droop_quota(0, election.seats) if election.method == "stv" else None
    rnd = Round(1, exhausted=blank, quota=quota,
                sentence=_("{why}, so nobody was elected.").format(why=why))
    return Result(
        election=election, winners=[], tied=False, rounds=[rnd], condorcet_winner=None,
        tie_breaks=[], matrix=[[0] * n for _x in range(n)], seed=election.seed,
        quota=quota,
    )


def _tell_ties(
    rounds: list[Round], records: list[TieRecord], explored: bool, seed: str
) -> None:
    """Add to each round's sentence how its ties were broken, in plain words."""
    for tie in records:
        rnd = next((r for r in rounds if r.number == tie.round), None)
        if rnd is None:
            continue
        level = names(list(tie.tied))
        purpose = _(PURPOSE_WORDS[tie.purpose])
        if tie.how == "earlier rounds":
            text = _("{level} were level; {chosen} was chosen {purpose}: {detail}.").format(
                level=level, chosen=tie.chosen, purpose=purpose, detail=tie.detail)
        elif tie.how == "draw":
            effect = ""
            if tie.material is True:
                effect = (_(" This draw decided the outcome.") if explored else
                          _(" Too many ways to break the ties to try them all, so this draw "
                          "may have decided the outcome."))
            elif tie.material is False:
                effect = _(" The draw did not change who won.")
            text = (_("{level} were level {detail}; draw {draw} (seed {seed!r}) "
                    "picked {chosen} {purpose}.{effect}").format(
                level=level, detail=tie.detail, draw=tie.draw, seed=seed, chosen=tie.chosen,
                purpose=purpose, effect=effect))
        else:
            text = (_("{level} are tied {purpose}, {detail}. Ties are reported, not drawn, "
                    "so the count stops here and the lab decides.").format(
                level=level, purpose=purpose, detail=tie.detail))
            if not rnd.sentence:
                rnd.sentence = _("Round {number}:").format(number=rnd.number)
        rnd.sentence = f"{rnd.sentence} {text}".strip()

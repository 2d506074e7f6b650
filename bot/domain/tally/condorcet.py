"""Schulze and ranked pairs, from the pairwise matrix (bot/domain/tally/pairwise.py).

A link's strength is the margin (votes for minus votes against) or, as an option, the winning
votes. For more than one seat, the method picks a winner, sets them aside and picks again
among the rest, one round per seat.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bot.domain.tally.election import Election, Strength
from bot.domain.tally.pairwise import Matrix
from bot.domain.tally.rounds import Count, Round, names
from bot.domain.tally.ties import Tiebreaker, TieReported
from bot.i18n import _

_Step = Callable[[Election, Tiebreaker, Matrix, list[int], Round], tuple[list[int], str]]


def strength(matrix: Matrix, i: int, j: int, rule: Strength) -> int:
    """The strength of the link i -> j (0 unless more ballots prefer i to j)."""
    win, lose = matrix[i][j], matrix[j][i]
    if win <= lose:
        return 0
    return win - lose if rule == "margin" else win


def pairwise_json(matrix: Matrix, labels: Sequence[str], among: Sequence[int]) -> dict[str, int]:
    return {f"{labels[i]} > {labels[j]}": matrix[i][j] for i in among for j in among if i != j}


def count_schulze(election: Election, ties: Tiebreaker, matrix: Matrix) -> Count:
    return _by_seat(election, ties, matrix, _schulze_round)


def count_ranked_pairs(election: Election, ties: Tiebreaker, matrix: Matrix) -> Count:
    return _by_seat(election, ties, matrix, _ranked_pairs_round)


def _by_seat(election: Election, ties: Tiebreaker, matrix: Matrix, step: _Step) -> Count:
    labels = election.candidates
    left = list(range(len(labels)))
    rounds: list[Round] = []
    winners: list[str] = []
    try:
        for seat in range(1, election.seats + 1):
            rnd = Round(seat, candidates=[labels[c] for c in left])
            rounds.append(rnd)
            if seat == 1:
                rnd.pairwise = pairwise_json(matrix, labels, left)
            best, words = step(election, ties, matrix, left, rnd)
            rnd.best = [labels[c] for c in best]
            if len(best) == 1:
                chosen = best[0]
            else:
                chosen = ties.candidates(seat, "seat", best, [], lowest=False)
                words += _(" {names} are level, so a tie-break decides.").format(
                    names=names(rnd.best))
            rnd.elected = [labels[chosen]]
            winners.append(labels[chosen])
            lead = _("Round {seat}: ").format(seat=seat) if election.seats > 1 else ""
            if election.seats == 1:
                takes = _("{option} takes the seat.").format(option=labels[chosen])
            else:
                takes = _("{option} takes seat {seat}.").format(option=labels[chosen], seat=seat)
            rnd.sentence = f"{lead}{words} {takes}"
            left.remove(chosen)
    except TieReported:
        return Count(rounds, [], stopped=True)
    return Count(rounds, winners)


def _schulze_round(
    election: Election, ties: Tiebreaker, matrix: Matrix, left: list[int], rnd: Round
) -> tuple[list[int], str]:
    labels = election.candidates
    p = {(i, j): strength(matrix, i, j, election.strength) for i in left for j in left if i != j}
    for k in left:
        for i in left:
            if i == k:
                continue
            pik = p[(i, k)]
            if pik == 0:
                continue
            for j in left:
                if j in (i, k):
                    continue
                via = min(pik, p[(k, j)])
                if via > p[(i, j)]:
                    p[(i, j)] = via
    rnd.paths = {f"{labels[i]} > {labels[j]}": v for (i, j), v in p.items()}
    best = [i for i in left if all(p[(i, j)] >= p[(j, i)] for j in left if j != i)]
    kind = "margin" if election.strength == "margin" else _("winning votes")
    beaten = _beats_all(matrix, best, left)
    if beaten:
        words = _("{value} beats every other option head to head.").format(
            value=labels[best[0]])
    else:
        words = (_("No option beats all the others head to head; by strongest paths "
                 "({kind}), {names} "
                 "{value} beaten by nobody.").format(
            kind=kind, names=names([labels[c] for c in best]),
            value='is' if len(best) == 1 else 'are'))
    return best, words


def _ranked_pairs_round(
    election: Election, ties: Tiebreaker, matrix: Matrix, left: list[int], rnd: Round
) -> tuple[list[int], str]:
    labels = election.candidates
    rule = election.strength
    pairs = [(i, j) for i in left for j in left if i != j and matrix[i][j] > matrix[j][i]]
    # Strongest first; with winning votes, the smaller opposition first (Tideman's rule).
    pairs.sort(key=lambda ij: (-strength(matrix, ij[0], ij[1], rule),
                               matrix[ij[1]][ij[0]] if rule == "winning_votes" else 0))
    locked: set[tuple[int, int]] = set()
    locked_order: list[str] = []
    skipped: list[str] = []

    def label(ij: tuple[int, int]) -> str:
        return f"{labels[ij[0]]} > {labels[ij[1]]}"

    def key(ij: tuple[int, int]) -> tuple[int, int]:
        return (strength(matrix, ij[0], ij[1], rule),
                -matrix[ij[1]][ij[0]] if rule == "winning_votes" else 0)

    i = 0
    while i < len(pairs):
        group = [pq for pq in pairs[i:] if key(pq) == key(pairs[i])]
        i += len(group)
        while group:
            if not _order_matters(locked, group):
                for pq in group:
                    if _reaches(locked, pq[1], pq[0]):
                        skipped.append(label(pq))
                    else:
                        locked.add(pq)
                        locked_order.append(label(pq))
                break
            pick = group[ties.items(rnd.number, "lock", [label(pq) for pq in group])]
            group.remove(pick)
            if _reaches(locked, pick[1], pick[0]):
                skipped.append(label(pick))
            else:
                locked.add(pick)
                locked_order.append(label(pick))
    rnd.locked, rnd.skipped = locked_order, skipped
    best = [c for c in left if not any((o, c) in locked for o in left)]
    if _beats_all(matrix, best, left):
        words = _("{value} beats every other option head to head.").format(
            value=labels[best[0]])
    else:
        kind = "margin" if rule == "margin" else _("winning votes")
        words = (_("No option beats all the others head to head; locking the "
                 "{count} strongest pairs ({kind}) that make no cycle "
                 "(skipping {count2}) leaves {names} "
                 "with no locked defeat.").format(
            count=len(locked_order), kind=kind, count2=len(skipped),
            names=names([labels[c] for c in best])))
    return best, words


def _beats_all(matrix: Matrix, best: list[int], left: list[int]) -> bool:
    return len(best) == 1 and all(
        matrix[best[0]][j] > matrix[j][best[0]] for j in left if j != best[0])


def _reaches(locked: set[tuple[int, int]], start: int, goal: int) -> bool:
    """Whether the locked pairs lead from `start` to `goal`."""
    seen, todo = {start}, [start]
    while todo:
        node = todo.pop()
        if node == goal:
            return True
        for a, b in locked:
            if a == node and b not in seen:
                seen.add(b)
                todo.append(b)
    return False


def _order_matters(locked: set[tuple[int, int]], group: list[tuple[int, int]]) -> bool:
    """Whether pairs of equal strength lock differently in some order: only if together
    with what is locked they could close a cycle."""
    trial = set(locked) | set(group)
    return any(_reaches(trial - {pq}, pq[1], pq[0]) and not _reaches(locked, pq[1], pq[0])
               for pq in group)


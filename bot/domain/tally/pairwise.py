"""The pairwise matrix and the Condorcet winner: for every two candidates, the ballots that
rank one above the other (a ranked candidate is above every unranked one, two unranked
candidates are level), counted with numpy over integer arrays, exact: whole numbers, no floats.

Its own module, below both the rounds (whose results count the matrix when first read) and
the Condorcet methods (Schulze, ranked pairs) that start from it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from bot.domain.tally.election import Election

Matrix = list[list[int]]


# numpy counts in int64: exact while every total stays below 2**63. Larger elections are
# counted with Python's integers, which have no limit.
NUMPY_LIMIT = 2**63


def pairwise(election: Election) -> Matrix:
    """`m[i][j]`: how many ballots rank candidate i above candidate j."""
    n = len(election.candidates)
    if not election.groups:
        return [[0] * n for _ in range(n)]
    if election.ballots >= NUMPY_LIMIT or n > 255:
        return _pairwise_exact(election)
    where = election.positions
    # Every group is counted once without its weight (numpy's fastest count, over the whole
    # table, no copy); the groups of more than one ballot then add their other ballots.
    many, weights = _heavy(election)
    out = np.zeros((n, n), dtype=np.int64)
    k = where.shape[1]
    if n <= SUBSETS_UP_TO:
        # Only i above j for i < j is compared: a ballot ranks i above j, or j above i, or
        # neither of them, so m[j][i] = ballots - m[i][j] - neither[i][j].
        neither = _neither(where, n)
        for i in range(n - 1):
            row = where[i]
            out[i, i + 1:] = [np.count_nonzero(row < where[j]) for j in range(i + 1, n)]
            out[i + 1:, i] = k - out[i, i + 1:] - neither[i, i + 1:]
    else:
        for i in range(n):
            out[i] = [np.count_nonzero(where[i] < row) for row in where]
    if len(weights):
        for i in range(n):
            out[i] += (many[i] < many) @ weights  # int64: exact below NUMPY_LIMIT
    return [[int(v) for v in row] for row in out.tolist()]


def _heavy(election: Election) -> tuple[np.ndarray, np.ndarray]:
    """The positions of the groups of more than one ballot, and how many ballots each has
    beyond its first (what an unweighted count of every group leaves out)."""
    extra = election.counts - 1
    heavy = np.flatnonzero(extra)
    return election.positions[:, heavy], extra[heavy]


SUBSETS_UP_TO = 20  # candidates: a histogram over every subset of them (2**20 counts)


def _neither(where: np.ndarray, n: int) -> np.ndarray:
    """`u[i][j]`: how many of these groups rank neither i nor j. Each group's set of
    unranked candidates is a bit mask; a histogram of the masks, summed over supersets
    (one pass per candidate), gives for every set how many groups leave all of it out."""
    masks = np.zeros(where.shape[1], dtype=np.int32)
    for c in range(n):
        masks |= (where[c] == n).astype(np.int32) << c
    sets = np.bincount(masks, minlength=1 << n)
    for bit in range(n):
        halves = sets.reshape(-1, 2, 1 << bit)
        halves[:, 0, :] += halves[:, 1, :]
    pairs = (1 << np.arange(n))[:, None] | (1 << np.arange(n))[None, :]
    found: np.ndarray = sets[pairs]
    return found


def _pairwise_exact(election: Election) -> Matrix:
    """The pairwise matrix in Python integers, for counts of any size."""
    n = len(election.candidates)
    m = [[0] * n for _ in range(n)]
    for ranking, count in election.groups:
        below = set(range(n))
        for i in ranking:
            below.discard(i)
            row = m[i]
            for j in below:
                row[j] += count
    return m


def condorcet_index(election: Election) -> int | None:
    """The Condorcet winner's index, without the full matrix: a candidate who loses or
    ties a head-to-head cannot be the winner, so one pass keeps the survivor of each
    comparison and a second checks them against everyone (about 2n comparisons, not n²).
    Exact: integer counts, in Python integers when they could pass int64."""
    n = len(election.candidates)
    if not election.groups:
        return None
    if n > 255 or election.ballots >= 2**63:
        matrix = _pairwise_exact(election)
        found = condorcet_winner(matrix, range(n))  # type: ignore[arg-type]
        return None if found is None else int(found)
    where = election.positions
    many, weights = _heavy(election)

    def above(i: int, j: int) -> int:
        # Each group once, then the other ballots of the larger ones (int64: exact).
        found = int(np.count_nonzero(where[i] < where[j]))
        return found + int(weights[many[i] < many[j]].sum()) if len(weights) else found

    def beats(i: int, j: int) -> bool:
        return above(i, j) > above(j, i)

    survivor = 0
    for other in range(1, n):
        if not beats(survivor, other):
            survivor = other
    if all(beats(survivor, j) for j in range(n) if j != survivor):
        return survivor
    return None


def condorcet_winner(matrix: Matrix, labels: Sequence[str]) -> str | None:
    """The candidate who beats every other head to head, if there is one."""
    n = len(labels)
    for i in range(n):
        if all(matrix[i][j] > matrix[j][i] for j in range(n) if j != i):
            return labels[i]
    return None

"""Next-best product: what look-alike customers hold that this customer does not.

Score of a product for a customer = the share of the customer's segment holding it.
The suggestion is the best-scoring product the customer does not hold (ties: the more
popular product overall, then the name); none when no look-alike holds anything new.

Evaluation (hold-out): one customer in five (by a hash of the customer id) is held
out. Segment holding rates and overall popularity are learnt from the other four in
five. For each held-out customer with at least one product, one held product (chosen
by hash) is hidden; a method scores a hit when its top-k suggestions, computed from
the remaining holdings, contain the hidden product. The baseline suggests the most
popular products overall.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np

PRODUCT_TYPES: tuple[str, ...] = (
    "checking", "savings", "credit_card", "mortgage", "personal_loan", "investment",
    "insurance",
)


def _hash(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big")


def is_held_out(customer_id: str) -> bool:
    """One customer in five is in the evaluation hold-out (stable across runs)."""
    return _hash(f"holdout:{customer_id}") % 5 == 0


@dataclass(frozen=True)
class HoldingRates:
    """Per-segment and overall shares of customers holding each product."""

    segment_rates: dict[int, np.ndarray]
    popularity: np.ndarray

    @classmethod
    def learn(cls, segments: np.ndarray, holdings: np.ndarray) -> HoldingRates:
        popularity = holdings.mean(axis=0) if len(holdings) else np.zeros(len(PRODUCT_TYPES))
        rates = {
            int(s): holdings[segments == s].mean(axis=0) for s in np.unique(segments)
        }
        return cls(rates, popularity)

    def rank(self, segment: int | None, held: np.ndarray) -> list[tuple[str, float]]:
        """Products not held, best first, with their score (segment share)."""
        scores = self.segment_rates.get(segment, self.popularity) if segment is not None \
            else self.popularity
        candidates = [i for i in range(len(PRODUCT_TYPES)) if not held[i]]
        candidates.sort(key=lambda i: (-scores[i], -self.popularity[i], PRODUCT_TYPES[i]))
        return [(PRODUCT_TYPES[i], float(scores[i])) for i in candidates]

    def rank_by_popularity(self, held: np.ndarray) -> list[str]:
        candidates = [i for i in range(len(PRODUCT_TYPES)) if not held[i]]
        candidates.sort(key=lambda i: (-self.popularity[i], PRODUCT_TYPES[i]))
        return [PRODUCT_TYPES[i] for i in candidates]


def suggest(rates: HoldingRates, segment: int, held: np.ndarray) -> tuple[str | None, float | None]:
    """The next-best product and its score, or (None, None)."""
    ranked = [(p, s) for p, s in rates.rank(segment, held) if s > 0]
    return ranked[0] if ranked else (None, None)


@dataclass(frozen=True)
class Evaluation:
    method: str
    k: int
    customers_evaluated: int
    hits: int

    @property
    def hit_rate(self) -> float:
        return self.hits / self.customers_evaluated if self.customers_evaluated else 0.0


def evaluate(customer_ids: list[str], segments: np.ndarray, holdings: np.ndarray,
             ks: tuple[int, ...] = (1, 3)) -> list[Evaluation]:
    """Hold-out hit rates of the look-alike suggestion and the popularity baseline."""
    test = np.array([is_held_out(c) for c in customer_ids], dtype=bool)
    rates = HoldingRates.learn(segments[~test], holdings[~test])
    hits = {(m, k): 0 for m in ("lookalike_segment", "popularity") for k in ks}
    evaluated = 0
    for i in np.flatnonzero(test):
        held = np.flatnonzero(holdings[i])
        if len(held) == 0:
            continue
        hidden = int(held[_hash(f"hide:{customer_ids[i]}") % len(held)])
        remaining = holdings[i].copy()
        remaining[hidden] = False
        evaluated += 1
        lookalike = [p for p, _ in rates.rank(int(segments[i]), remaining)]
        popular = rates.rank_by_popularity(remaining)
        for k in ks:
            hits[("lookalike_segment", k)] += PRODUCT_TYPES[hidden] in lookalike[:k]
            hits[("popularity", k)] += PRODUCT_TYPES[hidden] in popular[:k]
    return [Evaluation(m, k, evaluated, hits[(m, k)]) for (m, k) in hits]

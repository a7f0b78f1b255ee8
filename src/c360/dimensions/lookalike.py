"""Look-alike segments: seeded k-means on standardized behaviour features.

Deterministic by construction: rows are sorted by customer_id before they get here,
initialisation is k-means++ from `numpy.random.default_rng(seed)`, distances are
computed per centroid without BLAS (whose reduction order may vary with threads),
and segments are numbered by size (largest first, ties by centroid). The same
features and seed give the same segments on every engine and every run.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

FEATURE_LABELS: dict[str, str] = {
    "age": "age",
    "tenure_months": "tenure",
    "log_deposit_balance": "deposits",
    "log_investment_balance": "investments",
    "log_loan_balance": "borrowing",
    "log_avg_monthly_spend": "spending",
    "log_avg_monthly_income": "income",
    "salary_detected": "salaried",
    "share_travel": "travel spend",
    "share_dining": "dining spend",
    "share_housing": "housing cost",
    "share_shopping": "shopping spend",
    "log_sessions_30d": "digital use",
    "app_share_30d": "app use",
    "log_contacts_90d": "service calls",
    "credit_utilisation": "card utilisation",
}
"""Behaviour features used for clustering, with the words used to name segments."""


@dataclass(frozen=True)
class Scaler:
    """Per-feature mean and standard deviation (a zero deviation is stored as 1)."""

    mean: np.ndarray
    std: np.ndarray

    @classmethod
    def fit(cls, x: np.ndarray) -> Scaler:
        mean = x.mean(axis=0)
        std = x.std(axis=0)
        return cls(mean=mean, std=np.where(std > 0, std, 1.0))

    def transform(self, x: np.ndarray) -> np.ndarray:
        return (x - self.mean) / self.std


@dataclass(frozen=True)
class Segmentation:
    """A fitted look-alike model: scaler, centroids (in z-space) and segment names."""

    features: tuple[str, ...]
    scaler: Scaler
    centroids: np.ndarray
    names: tuple[str, ...]

    def assign(self, x: np.ndarray) -> np.ndarray:
        """Segment id (1-based) of each row of raw features: the nearest centroid."""
        return nearest(self.scaler.transform(x), self.centroids) + 1


def nearest(z: np.ndarray, centroids: np.ndarray) -> np.ndarray:
    """Index of the nearest centroid per row (ties: the lower index)."""
    distances = np.empty((z.shape[0], centroids.shape[0]))
    for j, c in enumerate(centroids):
        distances[:, j] = ((z - c) ** 2).sum(axis=1)
    return distances.argmin(axis=1)


def _kmeans_plus_plus(z: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    centers = [z[rng.integers(z.shape[0])]]
    closest = ((z - centers[0]) ** 2).sum(axis=1)
    for _ in range(1, k):
        total = closest.sum()
        if total <= 0:
            centers.append(z[rng.integers(z.shape[0])])
        else:
            centers.append(z[rng.choice(z.shape[0], p=closest / total)])
        closest = np.minimum(closest, ((z - centers[-1]) ** 2).sum(axis=1))
    return np.array(centers)


def kmeans(z: np.ndarray, k: int, seed: int, n_init: int = 4, max_iter: int = 100
           ) -> tuple[np.ndarray, np.ndarray]:
    """(centroids, labels) of the best of `n_init` seeded Lloyd runs (lowest inertia)."""
    k = max(1, min(k, z.shape[0]))
    rng = np.random.default_rng(seed)
    best: tuple[float, np.ndarray, np.ndarray] | None = None
    for _ in range(n_init):
        centers = _kmeans_plus_plus(z, k, rng)
        labels = nearest(z, centers)
        for _ in range(max_iter):
            updated = np.array([
                z[labels == j].mean(axis=0) if np.any(labels == j) else centers[j]
                for j in range(k)
            ])
            new_labels = nearest(z, updated)
            centers = updated
            if np.array_equal(new_labels, labels):
                break
            labels = new_labels
        inertia = float(((z - centers[labels]) ** 2).sum())
        if best is None or inertia < best[0]:
            best = (inertia, centers, labels)
    assert best is not None
    return best[1], best[2]


def fit_segments(x: np.ndarray, features: tuple[str, ...], k: int = 6, seed: int = 42,
                 max_rows: int = 50_000) -> Segmentation:
    """Fit segments on raw features (rows sorted by customer_id).

    At most `max_rows` rows are used for fitting (an evenly spaced, deterministic
    subset): centroids of a large sample are as good and the weekly job stays fast.
    """
    if x.shape[0] > max_rows:
        x = x[np.linspace(0, x.shape[0] - 1, max_rows).astype(np.int64)]
    scaler = Scaler.fit(x)
    z = scaler.transform(x)
    centers, labels = kmeans(z, k, seed)
    sizes = np.bincount(labels, minlength=centers.shape[0])
    order = sorted(range(centers.shape[0]), key=lambda j: (-int(sizes[j]), tuple(centers[j])))
    centers = centers[order]
    return Segmentation(features, scaler, centers, segment_names(centers, features))


def segment_names(centroids: np.ndarray, features: tuple[str, ...]) -> tuple[str, ...]:
    """A readable name per segment from its two most distinctive features.

    E.g. "high travel spend, low app use"; a name already taken gets the segment number.
    """
    names: list[str] = []
    for j, centroid in enumerate(centroids):
        top = np.argsort(-np.abs(centroid), kind="stable")[:2]
        words = [
            f"{'high' if centroid[i] > 0 else 'low'} {FEATURE_LABELS.get(features[i], features[i])}"
            for i in top
        ]
        name = ", ".join(words)
        names.append(f"{name} ({j + 1})" if name in names else name)
    return tuple(names)

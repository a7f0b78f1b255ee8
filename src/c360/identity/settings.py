"""Identity settings: one YAML file (config/identity.yaml) read into typed objects.

Settings are data, the way Splink's are: rules, blocking, comparisons, the
threshold, the recorded model (m/u per comparison level) and survivorship are
all read from the file; code never hard-codes a column or a source. Every error
names the file and the field that is wrong.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from c360.resources import repo_root

SURVIVORSHIP_CRITERIA = ("source_priority", "recency", "completeness")
# Attributes the golden-record model (sql/spark/int_customer_golden.sql) knows;
# `address` is a group (address_line, city, state, postal_code from one record).
GOLDEN_ATTRIBUTES = (
    "first_name", "last_name", "birth_date", "national_id", "email", "phone", "address",
)
LEVEL_KINDS = (
    "missing", "exact", "jaro_winkler", "damerau_levenshtein", "levenshtein", "sql", "and", "else",
)


class IdentitySettingsError(ValueError):
    """The identity settings file is missing a field or has a wrong value."""


@dataclass(frozen=True)
class DeterministicRule:
    """Records sharing all `keys` are one person (if `require_any` holds for one of them)."""

    name: str
    keys: tuple[str, ...]
    require_any: str | None = None


@dataclass(frozen=True)
class Comparison:
    """One Fellegi-Sunter comparison: levels from most to least similar (YAML dicts)."""

    name: str
    levels: tuple[Mapping[str, Any], ...]


@dataclass(frozen=True)
class Training:
    estimate: bool = True
    min_records: int = 2000
    u_max_pairs: float = 2e6
    em_blocking_rules: tuple[str, ...] = ()
    em_max_pairs: float | None = None
    em_term_frequencies: bool = False
    """Whether each EM iteration applies the term-frequency adjustments. Off: Splink
    counts the agreement patterns once and iterates on those counts (the iterations
    no longer rescan every compared pair; the TF adjustments still score the pairs)."""
    prior_rules: tuple[str, ...] = ()
    prior_recall: float = 0.7
    reuse_model_days: int = 8
    """A daily run scores with the model a run trained at most this many days before
    (`c360.identity.model_store`); weekly runs always train. 0: every run trains."""


@dataclass(frozen=True)
class CannotLink:
    """Two clusters conflict when, for every column, both hold values and none agree.

    `columns` maps each column to when two values agree: the edits they may differ
    by, or `name` (one typo, a 3+ letter prefix, or the same formal name).
    """

    columns: tuple[tuple[str, int | str], ...]


@dataclass(frozen=True)
class Probabilistic:
    enabled: bool = True
    threshold: float = 0.995
    blocking_rules: tuple[str, ...] = ()
    comparisons: tuple[Comparison, ...] = ()
    training: Training = field(default_factory=Training)
    cannot_link: tuple[CannotLink, ...] = ()
    attach_threshold: float | None = None
    rare_name_max_clusters: int = 6
    """`name_key` (for blocking) is set only for names at most this many clusters share."""
    probability_two_random_records_match: float = 1e-6


@dataclass(frozen=True)
class AttributeRule:
    """How one golden attribute picks its value: criteria in order, source ranking."""

    order: tuple[str, ...]
    sources: tuple[str, ...]


@dataclass(frozen=True)
class IdentitySettings:
    seed: int
    deterministic: tuple[DeterministicRule, ...]
    probabilistic: Probabilistic
    id_prefix: str
    id_digits: int
    survivorship: Mapping[str, AttributeRule]
    path: Path | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)
    """The parsed YAML, so a trained model can be written back beside it."""

    def with_threshold(self, threshold: float) -> IdentitySettings:
        from dataclasses import replace

        return replace(self, probabilistic=replace(self.probabilistic, threshold=threshold))


def default_settings_path() -> Path:
    """`config/identity.yaml`: the packaged copy in a wheel, else the repository's."""
    packaged = Path(__file__).resolve().parents[1] / "_resources" / "config" / "identity.yaml"
    if packaged.is_file():
        return packaged
    return repo_root() / "config" / "identity.yaml"


def load_identity_settings(path: Path | str | None = None) -> IdentitySettings:
    """Read and validate the identity settings (default: `config/identity.yaml`)."""
    source = Path(path) if path is not None else default_settings_path()
    try:
        text = source.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FileNotFoundError(f"identity settings file {source} does not exist") from None
    except (IsADirectoryError, UnicodeDecodeError) as exc:
        raise IdentitySettingsError(f"{source}: cannot read identity settings: {exc}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        first = str(exc).splitlines()[0]
        raise IdentitySettingsError(f"{source}: not valid YAML: {first}") from None
    return parse_identity_settings(data, source)


def parse_identity_settings(data: object, source: Path | None = None) -> IdentitySettings:
    """Validate a settings mapping (already parsed from YAML)."""
    where = str(source) if source else "identity settings"
    if not isinstance(data, dict):
        raise IdentitySettingsError(f"{where}: expected a mapping at the top level")
    r = _Reader(where)
    rules = tuple(
        DeterministicRule(
            name=r.text(rule, "name", f"deterministic[{i}]"),
            keys=tuple(r.texts(rule, "keys", f"deterministic[{i}]")),
            require_any=r.opt_text(rule, "require_any", f"deterministic[{i}]"),
        )
        for i, rule in enumerate(r.seq(data, "deterministic", "", default=[]))
    )
    prob = _probabilistic(r, r.mapping(data, "probabilistic", "", default={}))
    registry = r.mapping(data, "registry", "", default={})
    prefix = str(registry.get("id_prefix", "C"))
    digits = int(registry.get("id_digits", 10))
    if not prefix.isalnum() or not 4 <= digits <= 18:
        raise IdentitySettingsError(
            f"{where}: registry.id_prefix must be alphanumeric and id_digits in 4..18")
    return IdentitySettings(
        seed=int(data.get("seed", 42)),
        deterministic=rules,
        probabilistic=prob,
        id_prefix=prefix,
        id_digits=digits,
        survivorship=_survivorship(r, r.mapping(data, "survivorship", "", default={})),
        path=source,
        raw=data,
    )


def _probabilistic(r: _Reader, data: Mapping[str, Any]) -> Probabilistic:
    threshold = float(data.get("threshold", 0.995))
    if not 0.0 < threshold < 1.0:
        raise IdentitySettingsError(
            f"{r.where}: probabilistic.threshold must be in (0, 1), got {threshold}")
    comparisons = []
    for i, comp in enumerate(r.seq(data, "comparisons", "probabilistic", default=[])):
        name = r.text(comp, "name", f"probabilistic.comparisons[{i}]")
        levels = r.seq(comp, "levels", f"probabilistic.comparisons[{i}]")
        for j, level in enumerate(levels):
            _check_level(r, level, f"probabilistic.comparisons[{i}] ({name}).levels[{j}]")
        comparisons.append(Comparison(name=name, levels=tuple(levels)))
    train = r.mapping(data, "training", "probabilistic", default={})
    recall = float(train.get("prior_recall", 0.7))
    if not 0.0 < recall <= 1.0:
        raise IdentitySettingsError(
            f"{r.where}: probabilistic.training.prior_recall must be in (0, 1]")
    em_max = train.get("em_max_pairs")
    reuse = train.get("reuse_model_days", 8)
    if isinstance(reuse, bool) or not isinstance(reuse, int) or reuse < 0:
        raise IdentitySettingsError(
            f"{r.where}: probabilistic.training.reuse_model_days must be a whole number "
            f">= 0, got {reuse!r}")
    training = Training(
        estimate=r.flag(train, "estimate", "probabilistic.training", default=True),
        min_records=int(train.get("min_records", 2000)),
        u_max_pairs=float(train.get("u_max_pairs", 2e6)),
        em_blocking_rules=tuple(r.texts(train, "em_blocking_rules", "training", default=[])),
        em_max_pairs=float(em_max) if em_max is not None else None,
        em_term_frequencies=r.flag(train, "em_term_frequencies",
                                   "probabilistic.training", default=False),
        prior_rules=tuple(r.texts(train, "prior_rules", "training", default=[])),
        prior_recall=recall,
        reuse_model_days=reuse,
    )
    cannot = []
    for i, rule in enumerate(r.seq(data, "cannot_link", "probabilistic", default=[])):
        if not isinstance(rule, dict) or not rule or not all(
                isinstance(k, str) and ((isinstance(v, int) and v >= 0) or v == "name")
                for k, v in rule.items()):
            raise IdentitySettingsError(
                f"{r.where}: probabilistic.cannot_link[{i}] must map column names to "
                "allowed edits (integers >= 0) or 'name'")
        cannot.append(CannotLink(columns=tuple(sorted(rule.items()))))
    attach = data.get("attach_threshold")
    if attach is not None and not 0.0 < float(attach) <= threshold:
        raise IdentitySettingsError(
            f"{r.where}: probabilistic.attach_threshold must be in (0, threshold]")
    return Probabilistic(
        enabled=r.flag(data, "enabled", "probabilistic", default=True),
        threshold=threshold,
        blocking_rules=tuple(r.texts(data, "blocking_rules", "probabilistic", default=[])),
        comparisons=tuple(comparisons),
        training=training,
        cannot_link=tuple(cannot),
        attach_threshold=float(attach) if attach is not None else None,
        rare_name_max_clusters=int(data.get("rare_name_max_clusters", 6)),
        probability_two_random_records_match=float(
            data.get("probability_two_random_records_match", 1e-6)),
    )


def _check_level(r: _Reader, level: object, where: str) -> None:
    if not isinstance(level, dict):
        raise IdentitySettingsError(f"{r.where}: {where} must be a mapping")
    kinds = [k for k in LEVEL_KINDS if k in level]
    if len(kinds) != 1:
        raise IdentitySettingsError(
            f"{r.where}: {where} needs exactly one of {', '.join(LEVEL_KINDS)}")
    if kinds[0] == "and":
        parts = level["and"]
        if not isinstance(parts, list) or len(parts) < 2:
            raise IdentitySettingsError(f"{r.where}: {where}.and needs a list of 2+ levels")
        for k, part in enumerate(parts):
            _check_level(r, part, f"{where}.and[{k}]")
    for key in ("m", "u"):
        if key in level and not 0.0 < float(level[key]) <= 1.0:
            raise IdentitySettingsError(f"{r.where}: {where}.{key} must be in (0, 1]")


def _survivorship(r: _Reader, data: Mapping[str, Any]) -> dict[str, AttributeRule]:
    default_sources = tuple(r.texts(data, "sources", "survivorship", default=[]))
    attributes = r.mapping(data, "attributes", "survivorship", default={})
    unknown = sorted(set(attributes) - set(GOLDEN_ATTRIBUTES))
    if unknown:
        raise IdentitySettingsError(
            f"{r.where}: survivorship.attributes has unknown attribute(s) {', '.join(unknown)}; "
            f"known: {', '.join(GOLDEN_ATTRIBUTES)}")
    rules: dict[str, AttributeRule] = {}
    for attribute in GOLDEN_ATTRIBUTES:
        spec = attributes.get(attribute) or {}
        where = f"survivorship.attributes.{attribute}"
        order = tuple(r.texts(spec, "order", where, default=["source_priority", "recency"]))
        bad = [c for c in order if c not in SURVIVORSHIP_CRITERIA]
        if bad or not 1 <= len(order) <= 3:
            raise IdentitySettingsError(
                f"{r.where}: {where}.order must list 1-3 of {', '.join(SURVIVORSHIP_CRITERIA)}")
        sources = tuple(r.texts(spec, "sources", where, default=list(default_sources)))
        rules[attribute] = AttributeRule(order=order, sources=sources)
    return rules


@dataclass(frozen=True)
class _Reader:
    """Typed access to YAML mappings with errors that name the field."""

    where: str

    def _get(self, data: object, key: str, ctx: str, default: object) -> object:
        if not isinstance(data, dict):
            raise IdentitySettingsError(f"{self.where}: {ctx or 'top level'} must be a mapping")
        if key not in data:
            if default is _REQUIRED:
                raise IdentitySettingsError(f"{self.where}: {_join(ctx, key)} is required")
            return default
        return data[key]

    def text(self, data: object, key: str, ctx: str) -> str:
        value = self._get(data, key, ctx, _REQUIRED)
        if not isinstance(value, str) or not value:
            raise IdentitySettingsError(f"{self.where}: {_join(ctx, key)} must be a string")
        return value

    def opt_text(self, data: object, key: str, ctx: str) -> str | None:
        value = self._get(data, key, ctx, None)
        if value is not None and not isinstance(value, str):
            raise IdentitySettingsError(f"{self.where}: {_join(ctx, key)} must be a string")
        return value

    def texts(self, data: object, key: str, ctx: str, default: object = None) -> list[str]:
        value = self._get(data, key, ctx, _REQUIRED if default is None else default)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise IdentitySettingsError(
                f"{self.where}: {_join(ctx, key)} must be a list of strings")
        return value

    def flag(self, data: object, key: str, ctx: str, default: bool) -> bool:
        value = self._get(data, key, ctx, default)
        if not isinstance(value, bool):
            raise IdentitySettingsError(
                f"{self.where}: {_join(ctx, key)} must be true or false, got {value!r}")
        return value

    def seq(self, data: object, key: str, ctx: str, default: object = None) -> Sequence[Any]:
        value = self._get(data, key, ctx, _REQUIRED if default is None else default)
        if not isinstance(value, list):
            raise IdentitySettingsError(f"{self.where}: {_join(ctx, key)} must be a list")
        return value

    def mapping(self, data: object, key: str, ctx: str, default: object = None) -> dict[str, Any]:
        value = self._get(data, key, ctx, _REQUIRED if default is None else default)
        if not isinstance(value, dict):
            raise IdentitySettingsError(f"{self.where}: {_join(ctx, key)} must be a mapping")
        return value


_REQUIRED = object()


def _join(ctx: str, key: str) -> str:
    return f"{ctx}.{key}" if ctx else key

"""Brand policies: per-category thresholds and severity tiers, the overall-tier rule, reposts and recency."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from auditor.categories import CATEGORIES, GRADES
from auditor.errors import AuditorError
from auditor.resources import policies_dir
from auditor.textfile import parse_yaml, read_small_text

SEVERITIES: tuple[str, ...] = ("high", "medium", "low")  # worst first
REPOST_MODES: tuple[str, ...] = ("separate", "count", "ignore")
MAX_POLICY_BYTES = 256 * 1024

_TOP_KEYS = {"name", "version", "description", "categories", "overall", "reposts", "half_life_days",
             "min_assessed_share", "lookback_years", "pdf_max_cards"}
#: Below this share of own posts assessed the verdict is "insufficient-coverage" (never clear), by default.
DEFAULT_MIN_ASSESSED_SHARE = 0.5
PDF_MAX_CARDS = 50  # flagged posts shown per section of the PDF unless the policy says otherwise
_CATEGORY_KEYS = {"flag_at", "medium_at", "high_at", "counts_toward_overall", "weight", "cap"}
_GRADED = {"profanity"}  # categories that take min_grade: the lowest profanity grade flagged


@dataclass(frozen=True)
class OverallRule:
    """What makes the person's overall tier.

    ``rules[tier][severity] = n``: the overall tier is ``tier`` when the recency-weighted number of counted
    posts at ``severity`` or worse reaches ``n`` (any one condition is enough). Tiers are tried high first;
    if none is reached the person is "clear". Only ``categories`` count, each scaled by ``weights``; a
    category in ``caps`` counts at that severity at most (e.g. politics flags count as medium at most).
    """

    categories: tuple[str, ...]
    weights: dict[str, float]
    rules: dict[str, dict[str, float]]
    caps: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Policy:
    """A brand policy loaded from YAML (see auditor/policies/default.yaml for the commented schema)."""

    name: str
    version: str
    description: str
    thresholds: dict[str, float]  # per category: flag when score >= threshold
    tiers: dict[str, dict[str, float]]  # per category: {"high": .., "medium": .., "low": threshold}
    overall: OverallRule
    reposts: str = "separate"  # "separate" | "count" | "ignore"
    half_life_days: float | None = None
    min_assessed_share: float = DEFAULT_MIN_ASSESSED_SHARE  # coverage below this: "insufficient-coverage"
    lookback_years: float | None = None  # only posts from the last N years are audited (None: all)
    pdf_max_cards: int = PDF_MAX_CARDS  # the PDF shows this many flagged posts per section, worst first
    source: str = field(default="", compare=False)  # the file it came from
    min_grades: dict[str, str] = field(default_factory=dict)  # profanity: lowest grade flagged

    def grade_ok(self, category: str, grade: str | None) -> bool:
        """Does a post's grade reach the policy's lowest flagged grade? (True for ungraded categories; a
        graded category with no graded word present is not flagged.)"""
        least = self.min_grades.get(category)
        if least is None:
            return True
        return grade is not None and GRADES.index(grade) >= GRADES.index(least)

    def severity(self, category: str, score: float) -> str | None:
        """The tier a score reaches in one category, or None under the threshold."""
        cut = self.tiers[category]
        for tier in SEVERITIES:
            if score >= cut[tier]:
                return tier
        return None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready description, as recorded in summary.json."""
        return {
            "name": self.name,
            "version": self.version,
            "description": self.description,
            "thresholds": dict(self.thresholds),
            "min_grades": dict(self.min_grades),
            "tiers": {c: dict(t) for c, t in self.tiers.items()},
            "overall": {
                "categories": list(self.overall.categories),
                "weights": dict(self.overall.weights),
                "rules": {t: dict(r) for t, r in self.overall.rules.items()},
                "caps": dict(self.overall.caps),
            },
            "reposts": self.reposts,
            "half_life_days": self.half_life_days,
            "min_assessed_share": self.min_assessed_share,
            "lookback_years": self.lookback_years,
            "pdf_max_cards": self.pdf_max_cards,
        }


def shipped_policies() -> list[str]:
    """Names of the policies that ship with auditor (default first)."""
    names = sorted(p.stem for p in policies_dir().glob("*.yaml"))
    return sorted(names, key=lambda n: n != "default")


def _resolve(path: str | Path | None) -> Path:
    if path is None:
        return policies_dir() / "default.yaml"
    text = str(path)
    candidate = Path(text)
    if candidate.exists():
        return candidate
    if text in shipped_policies():
        return policies_dir() / f"{text}.yaml"
    shipped = ", ".join(shipped_policies())
    raise AuditorError(text, f"no such policy file (shipped policies: {shipped})")


def load_policy(path: str | Path | None = None) -> Policy:
    """Load and validate a policy: a YAML file, a shipped name ("family", "edgy", ...), or the default."""
    file = _resolve(path)
    where = str(file)
    return _parse(parse_yaml(read_small_text(file, "policy file", MAX_POLICY_BYTES), where), where)


def _number(value: Any, where: str, what: str, lo: float, hi: float) -> float:
    # YAML reads "yes"/"no" as booleans, which are ints in Python: refuse them explicitly.
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        raise AuditorError(where, f"{what} must be a number, got {value!r}")
    if not lo <= value <= hi:
        raise AuditorError(where, f"{what} must be between {lo:g} and {hi:g}, got {value!r}")
    return float(value)


def _mapping(value: Any, where: str, what: str) -> dict:
    if not isinstance(value, dict):
        raise AuditorError(where, f"{what} must be a mapping of keys to values")
    return value


def _unknown(keys: Any, allowed: set[str] | tuple[str, ...], where: str, what: str) -> None:
    extra = sorted(str(k) for k in keys if k not in allowed)
    if extra:
        expected = ", ".join(sorted(allowed))
        raise AuditorError(where, f"unknown {what} {', '.join(extra)} (expected: {expected})")


def _parse_min_grade(name: str, spec: dict, where: str) -> str | None:
    grade = spec.get("min_grade")
    if grade is None:
        return None
    if name not in _GRADED:
        raise AuditorError(where, f"categories.{name}.min_grade: only {', '.join(sorted(_GRADED))} is graded")
    if grade not in GRADES:
        allowed = ", ".join(GRADES)
        raise AuditorError(where, f"categories.{name}.min_grade must be one of {allowed}, got {grade!r}")
    return str(grade)


def _parse_category(
    name: str, spec: Any, where: str
) -> tuple[float, dict[str, float], bool, float, str | None]:
    spec = _mapping(spec, where, f"categories.{name}")
    _unknown(spec, _CATEGORY_KEYS | {"min_grade"}, where, f"setting in categories.{name}:")
    for key in ("flag_at", "medium_at", "high_at"):
        if key not in spec:
            raise AuditorError(where, f"categories.{name} needs {key}")
    low = _number(spec["flag_at"], where, f"categories.{name}.flag_at", 0.0, 1.0)
    medium = _number(spec["medium_at"], where, f"categories.{name}.medium_at", 0.0, 1.0)
    high = _number(spec["high_at"], where, f"categories.{name}.high_at", 0.0, 1.0)
    if not low <= medium <= high:
        order = "flag_at <= medium_at <= high_at"
        raise AuditorError(where, f"categories.{name}: tiers out of order (need {order})")
    counts = spec.get("counts_toward_overall", True)
    if not isinstance(counts, bool):
        raise AuditorError(where, f"categories.{name}.counts_toward_overall must be true or false")
    weight = _number(spec.get("weight", 1.0), where, f"categories.{name}.weight", 0.0, 10.0)
    cap = spec.get("cap")
    if cap is not None and cap not in SEVERITIES:
        allowed = ", ".join(SEVERITIES)
        raise AuditorError(where, f"categories.{name}.cap must be one of {allowed}, got {cap!r}")
    return low, {"high": high, "medium": medium, "low": low}, counts, weight, cap


def _parse_overall(value: Any, where: str) -> dict[str, dict[str, float]]:
    value = _mapping(value, where, "overall")
    _unknown(value, SEVERITIES, where, "overall tier")
    rules: dict[str, dict[str, float]] = {}
    for tier in SEVERITIES:
        if tier not in value:
            continue
        conds = _mapping(value[tier], where, f"overall.{tier}")
        _unknown(conds, SEVERITIES, where, f"condition in overall.{tier}:")
        if not conds:
            raise AuditorError(where, f"overall.{tier} needs at least one condition")
        rules[tier] = {s: _number(conds[s], where, f"overall.{tier}.{s}", 0.01, 1e6) for s in SEVERITIES
                       if s in conds}
    if not rules:
        raise AuditorError(where, "overall needs at least one of high, medium, low")
    return rules


def _parse(data: Any, where: str) -> Policy:
    if not isinstance(data, dict):
        raise AuditorError(where, "a policy must be a YAML mapping (name, version, categories, overall, ...)")
    _unknown(data, _TOP_KEYS, where, "setting")
    for key in ("name", "categories", "overall"):
        if key not in data:
            raise AuditorError(where, f"missing {key}")
    name = str(data["name"]).strip()
    if not name:
        raise AuditorError(where, "name is empty")
    cats = _mapping(data["categories"], where, "categories")
    _unknown(cats, CATEGORIES, where, "category")
    missing = [c for c in CATEGORIES if c not in cats]
    if missing:
        raise AuditorError(where, f"categories is missing {', '.join(missing)}")
    thresholds, tiers, counted, weights, caps, min_grades = {}, {}, [], {}, {}, {}
    for c in CATEGORIES:
        thresholds[c], tiers[c], counts, weights[c], cap = _parse_category(c, cats[c], where)
        if grade := _parse_min_grade(c, cats[c], where):
            min_grades[c] = grade
        if counts and weights[c] > 0:
            counted.append(c)
            if cap:
                caps[c] = cap
    reposts = data.get("reposts", "separate")
    if reposts not in REPOST_MODES:
        raise AuditorError(where, f"reposts must be one of {', '.join(REPOST_MODES)}, got {reposts!r}")
    half_life = data.get("half_life_days")
    if half_life is not None:
        half_life = _number(half_life, where, "half_life_days", 1.0, 365_000.0)
    share = _number(data.get("min_assessed_share", DEFAULT_MIN_ASSESSED_SHARE), where, "min_assessed_share",
                    0.0, 1.0)
    lookback = data.get("lookback_years")
    if lookback is not None:
        lookback = _number(lookback, where, "lookback_years", 0.1, 200.0)
    pdf_cards = data.get("pdf_max_cards", PDF_MAX_CARDS)
    if isinstance(pdf_cards, bool) or not isinstance(pdf_cards, int) or not 0 <= pdf_cards <= 1_000_000:
        raise AuditorError(where, f"pdf_max_cards must be a whole number, 0 to 1000000, not {pdf_cards!r}")
    return Policy(
        name=name,
        version=str(data.get("version", "1")),
        description=" ".join(str(data.get("description", "")).split()),
        thresholds=thresholds,
        tiers=tiers,
        overall=OverallRule(tuple(counted), {c: weights[c] for c in counted},
                            _parse_overall(data["overall"], where), caps),
        reposts=reposts,
        half_life_days=half_life,
        min_assessed_share=share,
        lookback_years=lookback,
        pdf_max_cards=pdf_cards,
        source=where,
        min_grades=min_grades,
    )

"""Apply a brand policy to classifier scores: per-post flags and tiers, then the person's summary.

Rules (documented in the report too):
- Non-public posts (private/direct/unknown visibility) are never classified or listed, only counted.
- Reposts are other people's words: scored and listed apart; they count toward the overall tier only
  when the policy says ``reposts: count`` (``ignore`` = not even scored).
- Deleted posts are scored and listed in their own section (the person already removed them); they never
  count toward the overall tier.
- Posts the models cannot read (language not covered, no text) are "not assessed", never clean.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from auditor import __version__, timings
from auditor.categories import CATEGORIES, LABELS
from auditor.lang import assess_languages
from auditor.policy import SEVERITIES, Policy
from auditor.post import Post
from auditor.sources.base import SourceResult

SECTIONS: tuple[str, ...] = ("authored", "repost", "deleted")
ASSESS_BATCH = 8192  # posts classified at once: bounded memory, numpy still busy
_RANK = {s: i for i, s in enumerate(SEVERITIES)}  # high=0 (worst) … low=2
KIND_COUNT_KEYS = {"post": "posts", "reply": "replies", "repost": "reposts", "quote": "quotes",
                   "comment": "comments"}


@dataclass(slots=True)
class Assessment:
    """One public post after classification under a policy."""

    post: Post
    assessed: bool  # False => not assessed (language not covered / no text); never counted as clean
    reason: str | None = None
    scores: dict[str, float] = field(default_factory=dict)
    evidence: dict[str, list[str]] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)
    severity: str | None = None  # worst tier across flags
    weight: float = 1.0  # recency weight under the policy
    tiers: dict[str, str] = field(default_factory=dict)  # per flagged category: its tier

    @property
    def section(self) -> str:
        """Where the post is listed: "deleted", "repost" (amplified, not authored) or "authored"."""
        if self.post.deleted:
            return "deleted"
        return "repost" if self.post.kind == "repost" else "authored"

    @property
    def rank_score(self) -> float:
        """Worst flagged score, weighted for recency: the order within a severity."""
        return self.weight * max((self.scores[c] for c in self.flags), default=0.0)


def recency_weight(created_at: datetime | None, now: datetime, half_life_days: float | None) -> float:
    """0.5 ** (age / half-life); 1.0 without a half-life, an unknown date, or a future date."""
    if half_life_days is None or created_at is None:
        return 1.0
    age_days = max(0.0, (now - created_at).total_seconds() / 86400.0)
    return 0.5 ** (age_days / half_life_days)


def _classified(post: Post, policy: Policy) -> bool:
    return post.auditable and not (post.kind == "repost" and policy.reposts == "ignore")


def assess(
    posts: Iterable[Post],
    classifier: Any,
    policy: Policy,
    now: datetime | None = None,
    progress: Callable[..., None] | None = None,
) -> list[Assessment]:
    """Classify every public post, a batch at a time, and apply the policy's thresholds, tiers and recency.
    ``progress(n, total=None)`` is told how many posts there are to assess, then how many each batch held."""
    now = now or datetime.now(timezone.utc)
    out: list[Assessment] = []
    todo: list[Assessment] = []
    kept = [p for p in posts if _classified(p, policy)]  # non-public, ignored reposts: only counted
    with timings.phase("language"):
        verdicts = assess_languages([p.text for p in kept], [p.lang for p in kept])
    for post, (ok, reason) in zip(kept, verdicts, strict=True):
        a = Assessment(post=post, assessed=ok, reason=None if ok else (reason or "not assessed"),
                       weight=recency_weight(post.created_at, now, policy.half_life_days))
        out.append(a)
        if ok:
            todo.append(a)
    del kept, verdicts
    if progress:  # posts not assessed need nothing more
        progress(len(out) - len(todo), total=len(out))
    for start in range(0, len(todo), ASSESS_BATCH):
        batch = todo[start : start + ASSESS_BATCH]
        results = classifier.classify([a.post.text for a in batch], thresholds=policy.thresholds)
        for a, res in zip(batch, results, strict=True):
            _apply(a, res, policy)
        if progress:
            progress(len(batch))
    return out


def _apply(a: Assessment, res: Any, policy: Policy) -> None:
    """One post's scores under the policy: flags, tiers (capped), evidence, severity."""
    a.scores = {c: float(res.scores[c]) for c in CATEGORIES}
    a.tiers = post_tiers(res, policy)
    a.flags = [c for c in CATEGORIES if c in a.tiers]
    evidence = res.evidence or {}
    a.evidence = {c: [str(e) for e in evidence.get(c, [])] for c in a.flags}
    a.severity = min((a.tiers[c] for c in a.flags), key=_RANK.__getitem__, default=None)


def post_tiers(res: Any, policy: Policy) -> dict[str, str]:
    """The tier of every category a classified post is flagged in under a policy: its score's tier (a
    capped category, e.g. politics, at its cap at most), profanity only from the policy's lowest grade up;
    a top-tier reason (a threat, mockery of a tragedy) makes its category high whatever the policy."""
    tiers: dict[str, str] = {}
    grades = getattr(res, "grades", None) or {}
    for c in CATEGORIES:
        tier = policy.severity(c, float(res.scores[c]))
        if tier and policy.grade_ok(c, grades.get(c)):
            tiers[c] = _capped(tier, policy.overall.caps.get(c))
    for c in getattr(res, "top_tier", None) or {}:
        tiers[c] = "high"
    return tiers


def _counts_toward_overall(a: Assessment, policy: Policy) -> bool:
    return a.section == "authored" or (a.section == "repost" and policy.reposts == "count")


def _iso_date(dt: datetime | None) -> str | None:
    return dt.date().isoformat() if dt else None


def _count(posts: Sequence[Post], assessments: Sequence[Assessment], policy: Policy) -> dict[str, Any]:
    """The counts shown per account and in total: they add up to what the source holds."""
    public = [p for p in posts if p.auditable]
    kinds = Counter(p.kind for p in public)
    c: dict[str, Any] = {"total": len(posts), "public": len(public), "not_public": len(posts) - len(public)}
    for kind, key in KIND_COUNT_KEYS.items():
        c[key] = kinds.get(kind, 0)
    c["deleted"] = sum(p.deleted for p in public)
    c["assessed"] = sum(a.assessed for a in assessments)
    c["not_assessed"] = sum(not a.assessed for a in assessments)
    c["not_classified_reposts"] = sum(not _classified(p, policy) for p in public)
    flagged = [a for a in assessments if a.flags]
    c["flagged"] = len(flagged)
    for section in SECTIONS:
        c[f"flagged_{section}"] = sum(a.section == section for a in flagged)
    dates = [p.created_at for p in public if p.created_at]
    c["date_unknown"] = len(public) - len(dates)  # no date, or an impossible one: never in the timeline
    c["first"], c["last"] = _iso_date(min(dates, default=None)), _iso_date(max(dates, default=None))
    return c


def _shown_source(source: str) -> str:
    """A file's name without the auditor's local folders (the report is handed on); live specs as given."""
    path = Path(source)
    return path.name if source and path.exists() else source


def _capped(tier: str, cap: str | None) -> str:
    """A flag's tier: no worse than the category's cap."""
    return tier if cap is None or _RANK[tier] >= _RANK[cap] else cap


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _overall(assessments: Sequence[Assessment], policy: Policy, totals: dict[str, Any]) -> dict[str, Any]:
    """The person's overall tier (high, medium, low, clear; or not_assessed) and the plain-language reason."""
    rule = policy.overall
    weighted = dict.fromkeys(SEVERITIES, 0.0)
    posts_at = dict.fromkeys(SEVERITIES, 0)
    cats_at: dict[str, Counter] = {s: Counter() for s in SEVERITIES}
    for a in assessments:
        if not (a.assessed and a.flags and _counts_toward_overall(a, policy)):
            continue
        counted = {c: a.tiers[c] for c in a.flags if c in rule.categories}
        for sev in SEVERITIES:
            at = [c for c, t in counted.items() if _RANK[t] <= _RANK[sev]]
            if at:
                weighted[sev] += a.weight * max(rule.weights[c] for c in at)
                posts_at[sev] += 1
                cats_at[sev].update(at)
    tier, cond = "clear", None
    for t in SEVERITIES:
        for sev, n in rule.rules.get(t, {}).items():
            if weighted[sev] >= n - 1e-9:
                tier, cond = t, (sev, n)
                break
        if cond:
            break
    drivers: list[str] = []
    if not totals["assessed"]:
        tier = "not_assessed"  # nothing could be read: never "clear"
        reason = ("Nothing could be assessed: no public post was in a language the models cover, so the "
                  "report makes no claim either way.")
    elif cond:
        sev, n = cond
        drivers = [c for c, _ in cats_at[sev].most_common()]
        cats = ", ".join(f"{LABELS[c].lower()} ×{k}" for c, k in cats_at[sev].most_common())
        worse = "" if sev == "high" else " or worse"
        reason = (f"{_n(posts_at[sev], 'post')} at {sev} severity{worse} ({cats}). "
                  f"Weighted for age and category they count {weighted[sev]:.2f}; this policy rates the "
                  f"person {tier} from {n:g}.")
    else:
        n_flagged = posts_at["low"]  # every counted flagged post is at low or worse
        reason = ("No flagged post counts toward the overall tier under this policy." if not n_flagged else
                  f"{_n(n_flagged, 'flagged post')} counted toward the tier, but weighted for age and "
                  f"category that comes to {weighted['low']:.2f}, under this policy's lowest bar.")
    notes = []
    if totals["not_assessed"]:
        notes.append(f"{_n(totals['not_assessed'], 'public post')} could not be assessed (for example, a "
                     "language the models do not cover); they are not counted as clean.")
    if policy.reposts == "separate" and totals["flagged_repost"]:
        notes.append(f"{_n(totals['flagged_repost'], 'flagged repost')} listed separately, not counted "
                     "toward the tier (amplified, not authored).")
    if totals["flagged_deleted"]:
        notes.append(f"{_n(totals['flagged_deleted'], 'flagged deleted post')} listed separately, not "
                     "counted toward the tier.")
    return {
        "tier": tier,
        "reason": reason,
        "notes": notes,
        "drivers": drivers,
        "condition": {"severity": cond[0], "at_least": cond[1]} if cond else None,
        "weighted": {s: round(v, 4) for s, v in weighted.items()},
        "posts": posts_at,
    }


def _category_table(assessments: Sequence[Assessment], policy: Policy) -> list[dict[str, Any]]:
    rows = []
    own = [a for a in assessments if a.assessed and a.section == "authored"]
    flagged = {s: [a for a in assessments if a.flags and a.section == s] for s in ("repost", "deleted")}
    for c in CATEGORIES:
        hit = [a for a in own if c in a.flags]
        rows.append({
            "category": c,
            "label": LABELS[c],
            "threshold": policy.thresholds[c],
            "counts_toward_overall": c in policy.overall.categories,
            "flagged": len(hit),
            **{s: sum(a.tiers[c] == s for a in hit) for s in SEVERITIES},
            "reposts": sum(c in a.flags for a in flagged["repost"]),
            "deleted": sum(c in a.flags for a in flagged["deleted"]),
            "worst_score": round(max((a.scores[c] for a in own), default=0.0), 4),
            "weighted": round(sum(a.weight for a in hit), 4),
        })
    return rows


def _months(first: str, last: str) -> list[str]:
    y, m = int(first[:4]), int(first[5:7])
    out = []
    while f"{y:04d}-{m:02d}" <= last:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _timeline(assessments: Sequence[Assessment], policy: Policy) -> list[dict[str, Any]]:
    """Per month: posts assessed and flagged per category, for the posts that count toward the tier."""
    counted = [a for a in assessments
               if a.assessed and a.post.created_at and _counts_toward_overall(a, policy)]
    if not counted:
        return []
    by_month: dict[str, dict[str, Any]] = {}
    for a in counted:
        key = f"{a.post.created_at.year:04d}-{a.post.created_at.month:02d}"  # %Y is unpadded before 1000
        row = by_month.setdefault(key, {"assessed": 0, "flagged": 0, **dict.fromkeys(CATEGORIES, 0)})
        row["assessed"] += 1
        row["flagged"] += bool(a.flags)
        for c in a.flags:
            row[c] += 1
    months = _months(min(by_month), max(by_month))
    empty = {"assessed": 0, "flagged": 0, **dict.fromkeys(CATEGORIES, 0)}
    return [{"month": m, **by_month.get(m, empty)} for m in months]


def flagged_entry(a: Assessment, account: str) -> dict[str, Any]:
    """One flagged post as recorded in summary.json (and read by the report)."""
    p = a.post
    return {
        "id": p.id,
        "section": a.section,
        "platform": p.platform,
        "account": account,
        "kind": p.kind,
        "date": p.created_at.isoformat() if p.created_at else None,
        "url": p.url,
        "text": p.raw_text,
        "severity": a.severity,
        "flags": list(a.flags),
        "tiers": dict(a.tiers),
        "scores": {c: round(v, 4) for c, v in a.scores.items()},
        "evidence": {c: list(v) for c, v in a.evidence.items()},
        "weight": round(a.weight, 4),
    }


def sort_flagged(assessments: Iterable[Assessment]) -> list[Assessment]:
    """Flagged assessments, worst first: severity, then recency-weighted worst score."""
    flagged = [a for a in assessments if a.flags]
    return sorted(flagged, key=lambda a: (_RANK[a.severity], -a.rank_score, a.post.id))


def account_label(result: SourceResult) -> str:
    return f"{result.platform}:{result.account}"


def summarise(
    sources: list[SourceResult],
    assessments: list[Assessment],
    policy: Policy,
    model_info: dict,
    person: str,
    now: datetime | None = None,
) -> dict[str, Any]:
    """The whole audit as a JSON-ready dict: this is summary.json, and what the report renders."""
    now = now or datetime.now(timezone.utc)
    owner: dict[int, int] = {id(p): i for i, r in enumerate(sources) for p in r.posts}
    per_source: list[list[Assessment]] = [[] for _ in sources]
    labels = [account_label(r) for r in sources]
    post_account: dict[int, str] = {}
    for a in assessments:
        i = owner.get(id(a.post))
        if i is not None:
            per_source[i].append(a)
        post_account[id(a.post)] = labels[i] if i is not None else (a.post.account or a.post.platform)
    accounts = []
    for r, label, mine in zip(sources, labels, per_source, strict=True):
        accounts.append({
            "label": label,
            "platform": r.platform,
            "account": r.account,
            "display_name": r.display_name,
            "source": _shown_source(r.source),
            "notes": list(r.notes),
            "counts": _count(r.posts, mine, policy),
        })
    all_posts = [p for r in sources for p in r.posts]
    totals = _count(all_posts, assessments, policy)
    reasons = Counter(a.reason for a in assessments if not a.assessed)
    totals["not_assessed_reasons"] = dict(reasons.most_common())
    summary = {
        "person": person,
        "generated_at": now.isoformat(timespec="seconds"),
        "tool": {"name": "auditor", "version": __version__},
        "policy": policy.to_dict(),
        "models": json.loads(json.dumps(model_info or {}, default=str)),
        "audited": {
            "platforms": sorted({r.platform for r in sources}),
            "accounts": accounts,
            "first": totals["first"],
            "last": totals["last"],
        },
        "totals": totals,
        "overall": _overall(assessments, policy, totals),
        "categories": _category_table(assessments, policy),
        "timeline": _timeline(assessments, policy),
        "flagged": [flagged_entry(a, post_account[id(a.post)]) for a in sort_flagged(assessments)],
    }
    return summary

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
import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from auditor import __version__, timings
from auditor.categories import CATEGORIES, LABELS
from auditor.context import age_words, context_of, post_index
from auditor.lang import assess_languages
from auditor.langnames import language_of
from auditor.policy import SEVERITIES, Policy
from auditor.post import Post
from auditor.scoretable import score_rows
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
    scores: Mapping[str, float] = field(default_factory=dict)  # a ScoreRow once classified in a batch
    evidence: dict[str, list[str]] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)
    severity: str | None = None  # worst tier across flags
    weight: float = 1.0  # recency weight under the policy
    tiers: dict[str, str] = field(default_factory=dict)  # per flagged category: its tier
    note: str = ""  # a reviewer's note (--notes)
    decision: str = ""  # a reviewer's decision: "" | dismissed | confirmed | deleted
    topics: list[str] = field(default_factory=list)  # protected topics (HR mode only): religion, workplace
    display: str = "show"  # HR mode: show | count | withhold (self mode: always show)
    excluded: str | None = None  # why a flagged post does not count toward the tier (dismissed, withheld…)
    #: what the store keeps of the model's answer besides the scores ("grades", "top_tier", "evidence"), only
    #: those that are not empty; None for most posts (see ``model_extras``)
    extras: dict[str, dict] | None = None

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
        rows = score_rows([res.scores for res in results])  # one float64 table a batch, not a dict a post
        for a, res, row in zip(batch, results, rows, strict=True):
            _apply(a, res, policy, row)
        del results, rows
        if progress:
            progress(len(batch))
    return out


def _apply(a: Assessment, res: Any, policy: Policy, scores: Mapping[str, float] | None = None) -> None:
    """One post's scores under the policy: flags, tiers (capped), evidence, severity. ``scores``: its row of
    the batch's score table (auditor/scoretable.py), else a dict of ``res.scores``."""
    a.scores = scores if scores is not None else {c: float(res.scores[c]) for c in CATEGORIES}
    a.tiers = post_tiers(res, policy)
    a.flags = [c for c in CATEGORIES if c in a.tiers]
    evidence = res.evidence or {}
    a.evidence = {c: [str(e) for e in evidence.get(c, [])] for c in a.flags}
    a.severity = min((a.tiers[c] for c in a.flags), key=_RANK.__getitem__, default=None)
    a.extras = model_extras(res)


def model_extras(res: Any) -> dict[str, dict] | None:
    """A classification's profanity grades, top-tier reasons and evidence, those that are not empty (None
    when all are): kept on the Assessment for the store, so no per-text cache of every post is needed."""
    kept = {key: value for key in ("grades", "top_tier", "evidence") if (value := getattr(res, key, None))}
    return kept or None


def post_tiers(res: Any, policy: Policy) -> dict[str, str]:
    """The tier of every category a classified post is flagged in under a policy: its score's tier (a
    capped category, e.g. politics, at its cap at most), profanity only from the policy's lowest grade up;
    a top-tier reason (a threat, mockery of a tragedy) makes its category high whatever the policy; a flag a
    stronger finding covers is left out (COVERED_BY)."""
    tiers: dict[str, str] = {}
    grades = getattr(res, "grades", None) or {}
    for c in CATEGORIES:
        tier = policy.severity(c, float(res.scores[c]))
        if tier and policy.grade_ok(c, grades.get(c)):
            tiers[c] = _capped(tier, policy.overall.caps.get(c))
    top_tier = getattr(res, "top_tier", None) or {}
    for c in top_tier:
        tiers[c] = "high"
    return without_covered(tiers, top_tier)


# A finding another one covers is not listed twice (shared/docs/categories.md): an attack on a protected group
# is hate, not also an insult; the tone of a hateful or insulting post is not a second, snark finding.
# category -> (covering category, the least tier it must have). Chosen on the check set and leave-one-source-
# out (README, "Covered findings"): a covered flag also needs a tier no worse than its cover's, so a post
# never loses severity, and a top-tier reason (a threat) is never covered.
COVERED_BY: dict[str, tuple[tuple[str, str], ...]] = {
    "insult": (("hate", "low"),),
    "snark": (("hate", "low"), ("insult", "medium")),
}


def without_covered(tiers: dict[str, str], top_tier: Mapping[str, str] | None = None) -> dict[str, str]:
    """The tiers without the flags a stronger finding of the same post covers (COVERED_BY)."""
    def covered(cat: str) -> bool:
        return cat not in (top_tier or {}) and any(
            cover in tiers and _RANK[tiers[cover]] <= min(_RANK[least], _RANK[tiers[cat]])
            for cover, least in COVERED_BY[cat]
        )

    drop = {cat for cat in COVERED_BY if cat in tiers and covered(cat)}
    return {c: t for c, t in tiers.items() if c not in drop}


def _counts_toward_overall(a: Assessment, policy: Policy) -> bool:
    in_section = a.section == "authored" or (a.section == "repost" and policy.reposts == "count")
    return in_section and not a.excluded


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


def _weigh(assessments: Sequence[Assessment], policy: Policy) -> tuple[dict, dict, dict]:
    """Per severity: the recency- and category-weighted count of counted posts, their number, categories."""
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
    return weighted, posts_at, cats_at


def _tier_reached(weighted: dict[str, float], policy: Policy) -> tuple[str, tuple[str, float] | None]:
    for t in SEVERITIES:
        for sev, n in policy.overall.rules.get(t, {}).items():
            if weighted[sev] >= n - 1e-9:
                return t, (sev, n)
    return "clear", None


def _bar_in_words(sev: str, n: float, tier: str, policy: Policy) -> str:
    worse = "" if sev == "high" else " or worse"
    many = "one recent post" if n <= 1 else f"about {math.ceil(n - 1e-9)} recent posts"
    ageing = (f" (older posts count less: one {span_words(policy.half_life_days)} old counts half)"
              if policy.half_life_days else "")
    return f"under the {policy.name} policy, {many} at {sev} severity{worse} make{'s' if n <= 1 else ''} " \
           f"the tier {tier}{ageing}"


def span_words(days: float) -> str:
    years = days / 365.25
    return f"{years:.0f} year{'s' if round(years) != 1 else ''}" if years >= 1 else f"{days:g} days"


def coverage(assessments: Sequence[Assessment], policy: Policy) -> dict[str, Any]:
    """How much of the person's own writing the models could read, against the policy's minimum."""
    own = [a for a in assessments if a.section != "repost"]  # the person's own words, deleted ones included
    read = sum(a.assessed for a in own)
    share = read / len(own) if own else 0.0
    return {"assessed": read, "own_posts": len(own), "share": round(share, 4),
            "minimum": policy.min_assessed_share,
            "sufficient": bool(own) and share >= policy.min_assessed_share}


def _breakdown(assessments: Sequence[Assessment], policy: Policy) -> dict[str, int]:
    """One count of flagged own posts, split by what happened to each (they add up to ``flagged``)."""
    own = [a for a in assessments if a.flags and a.section == "authored"]
    out = {"flagged": len(own), "counted": sum(_counts_toward_overall(a, policy) for a in own)}
    for key, why in (("dismissed", "dismissed"), ("mild_swearing", "mild"), ("withheld", "withheld"),
                     ("counted_only", "counted only")):
        out[key] = sum(bool(a.excluded and a.excluded.startswith(why)) for a in own)
    out["reposts"] = sum(bool(a.flags) and a.section == "repost" for a in assessments)
    out["deleted"] = sum(bool(a.flags) and a.section == "deleted" for a in assessments)
    return out


def _breakdown_words(b: dict[str, int], policy: Policy) -> str:
    parts = [f"{b['counted']} count toward the tier"]
    for key, words in (("dismissed", "dismissed by a reviewer's note"),
                       ("mild_swearing", "mild swearing aimed at no one, listed but not counted"),
                       ("withheld", "withheld under the HR preset"),
                       ("counted_only", "counted only under the HR preset")):
        if b[key]:
            parts.append(f"{b[key]} {words}")
    text = f"{_n(b['flagged'], 'flagged post')} of the person's own, still online: {'; '.join(parts)}."
    apart = [f"{_n(b['reposts'], 'flagged repost')}" if b["reposts"] else "",
             f"{_n(b['deleted'], 'flagged deleted post')}" if b["deleted"] else ""]
    apart = [x for x in apart if x]
    if apart:
        counted = " (this policy counts reposts)" if policy.reposts == "count" else ""
        text += f" Listed apart: {' and '.join(apart)}{counted}."
    return text + (" A post flagged in two categories is one post here and appears in both rows of the "
                   "category table.")


def _overall(assessments: Sequence[Assessment], policy: Policy, totals: dict[str, Any],
             ranked: Sequence[Assessment] | None = None) -> dict[str, Any]:
    """The overall tier (clear, low, medium, high, or insufficient-coverage) and why, in plain words.
    ``ranked``: the flagged assessments already in ``sort_flagged`` order, if the caller has them."""
    weighted, posts_at, cats_at = _weigh(assessments, policy)
    reached, cond = _tier_reached(weighted, policy)
    cover = coverage(assessments, policy)
    tier = reached if cover["sufficient"] else "insufficient-coverage"
    drivers: list[str] = []
    if cond:
        sev, n = cond
        drivers = [c for c, _ in cats_at[sev].most_common()]
        cats = ", ".join(f"{LABELS[c].lower()} ×{k}" for c, k in cats_at[sev].most_common())
        found = (f"{_n(posts_at[sev], 'post')} at {sev} severity{'' if sev == 'high' else ' or worse'} "
                 f"({cats}); {_bar_in_words(sev, n, reached, policy)}.")
    elif posts_at["low"]:
        found = (f"{_n(posts_at['low'], 'flagged post')} counted toward the tier, but they are few or old "
                 "enough to stay under this policy's lowest bar.")
    else:
        found = "No flagged post counts toward the tier under this policy."
    if tier == "insufficient-coverage":
        share = f"{cover['share']:.0%}" if cover["own_posts"] else "none"
        reason = (f"The models could read only {cover['assessed']} of the person's {cover['own_posts']} own "
                  f"posts ({share}); this policy needs at least {cover['minimum']:.0%} before it gives a "
                  "verdict, so "
                  "the report cannot say the person is clear. Read the not-assessed posts listed below.")
        if cond or posts_at["low"]:
            reason += f" In the part that was read: {found}"
    else:
        reason = f"{tier.upper()}: {found}" if cond else f"CLEAR: {found}"
    notes = []
    if totals["not_assessed"]:
        notes.append(f"{_n(totals['not_assessed'], 'public post')} could not be assessed (for example, a "
                     "language the models do not cover); they are listed and not counted as clean.")
    if policy.reposts == "separate" and totals["flagged_repost"]:
        notes.append(f"{_n(totals['flagged_repost'], 'flagged repost')} listed separately, not counted "
                     "toward the tier (amplified, not authored).")
    if totals["flagged_deleted"]:
        notes.append(f"{_n(totals['flagged_deleted'], 'flagged deleted post')} listed separately, not "
                     "counted toward the tier.")
    return {
        "tier": tier,
        "tier_of_assessed": reached,
        "reason": reason,
        "notes": notes,
        "drivers": drivers,
        "coverage": cover,
        "flagged_breakdown": (b := _breakdown(assessments, policy)),
        "flagged_in_words": _breakdown_words(b, policy),
        "top": [a.post.id for a in (sort_flagged(assessments) if ranked is None else ranked)
                if _counts_toward_overall(a, policy)][:3],
        "condition": {"severity": cond[0], "at_least": cond[1]} if cond else None,
        "weighted": {s: round(v, 4) for s, v in weighted.items()},
        "posts": posts_at,
    }


def _category_table(assessments: Sequence[Assessment], policy: Policy) -> list[dict[str, Any]]:
    rows = []
    assessments = [a for a in assessments if a.display != "withhold"]  # HR: withheld posts are left out
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
    """Per month: own posts assessed and not assessed, and the flags per category counted toward the tier."""
    in_scope = [a for a in assessments if a.post.created_at and a.display != "withhold"
                and (a.section == "authored" or (a.section == "repost" and policy.reposts == "count"))]
    if not in_scope:
        return []
    empty = {"assessed": 0, "not_assessed": 0, "flagged": 0, **dict.fromkeys(CATEGORIES, 0)}
    by_month: dict[str, dict[str, Any]] = {}
    for a in in_scope:
        key = f"{a.post.created_at.year:04d}-{a.post.created_at.month:02d}"  # %Y is unpadded before 1000
        row = by_month.setdefault(key, dict(empty))
        row["assessed" if a.assessed else "not_assessed"] += 1
        if a.assessed and _counts_toward_overall(a, policy):
            row["flagged"] += bool(a.flags)
            for c in a.flags:
                row[c] += 1
    months = _months(min(by_month), max(by_month))
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
        "excluded": a.excluded,
        "note": a.note,
        "decision": a.decision,
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
    *,
    mode: str = "self",
) -> dict[str, Any]:
    """The whole audit as a JSON-ready dict: this is summary.json, and what the report renders.

    ``mode="hr"``: posts an HR preset counts or withholds are left out of ``flagged``, and no text of a post
    that was not classified (not-assessed posts, reply parents, quoted posts) is included.
    """
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
    ranked = sort_flagged(assessments)  # worst first: once, for the tier's top posts and the flagged list
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
        "overall": _overall(assessments, policy, totals, ranked),
        "categories": _category_table(assessments, policy),
        "timeline": _timeline(assessments, policy),
        "mode": mode,
        "audit": {"mode": mode, "date": now.date().isoformat(), "since": None, "before_since": 0,
                  "preset": None, "consent": None, "hidden": None, "notes_file": None, "notes_warnings": []},
        "flagged": [],
        "not_assessed": [not_assessed_entry(a, post_account[id(a.post)], with_text=mode != "hr")
                         for a in assessments if not a.assessed],
    }
    index = post_index(all_posts)
    for a in ranked:
        if a.display != "show":
            continue
        entry = flagged_entry(a, post_account[id(a.post)])
        entry["counts_toward_tier"] = _counts_toward_overall(a, policy)
        entry["age"] = age_words(a.post.created_at, now)
        entry["context"] = context_of(a.post, index, with_text=mode != "hr")
        summary["flagged"].append(entry)
    return summary


def not_assessed_entry(a: Assessment, account: str, *, with_text: bool) -> dict[str, Any]:
    """A post the models could not read, for a human reader of its language: language by name, link."""
    p = a.post
    code, name = language_of(a.reason)
    return {"id": p.id, "platform": p.platform, "account": account, "kind": p.kind, "section": a.section,
            "date": p.created_at.isoformat() if p.created_at else None, "url": p.url,
            "language": code, "language_name": name, "reason": a.reason,
            "text": p.raw_text[:280] if with_text else None}

"""The team summary (HTML, PDF, CSV): DataFrames read from the store with pandas, one row per person."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import func, select

from auditor.categories import CATEGORIES, LABELS
from auditor.fsutil import atomic_file
from auditor.store.db import Store
from auditor.store.models import Audit, AuditFlag, Person

TIER_ORDER = ("high", "medium", "low", "not_assessed", "clear")
_WORSE = {"high": 3, "medium": 2, "low": 1, "clear": 0}
FIRST_COLUMNS = ["id", "name", "tier", "change", *CATEGORIES, "status", "reason"]


def _audits(store: Store, quarter: str, keys: Sequence[str]) -> pd.DataFrame:
    query = (
        select(
            Person.key.label("id"),
            Person.name,
            Person.role,
            Person.team,
            Audit.id.label("audit_id"),
            Audit.status,
            Audit.reason,
            Audit.tier,
            Audit.public_posts,
            Audit.assessed,
            Audit.new_posts,
            Audit.removed_posts,
        )
        .join(Audit, Audit.person_id == Person.id)
        .where(Audit.quarter == quarter)
    )
    frame = pd.read_sql(query, store.engine)
    return frame[frame["id"].isin(keys)]


def _flag_counts(store: Store, quarter: str, column: str) -> pd.DataFrame:
    """Own-post flags per audit and category (``new`` ones only when ``column == "new"``) as a wide table."""
    query = (
        select(AuditFlag.audit_id, AuditFlag.category, func.count().label("n"))
        .join(Audit, Audit.id == AuditFlag.audit_id)
        .where(Audit.quarter == quarter, AuditFlag.section == "authored")
        .group_by(AuditFlag.audit_id, AuditFlag.category)
    )
    if column == "new":
        query = query.where(AuditFlag.new.is_(True))
    long = pd.read_sql(query, store.engine)
    wide = long.pivot_table(index="audit_id", columns="category", values="n", aggfunc="sum", fill_value=0)
    return wide.reindex(columns=list(CATEGORIES), fill_value=0)


def _previous(store: Store, quarter: str) -> pd.DataFrame:
    """Each person's latest ok audit before the quarter, with its own-post flags per category."""
    query = (
        select(Person.key.label("id"), Audit.id.label("audit_id"), Audit.quarter, Audit.tier)
        .join(Audit, Audit.person_id == Person.id)
        .where(Audit.quarter < quarter, Audit.status == "ok")
    )
    audits = pd.read_sql(query, store.engine).sort_values("quarter").groupby("id").tail(1)
    flags = pd.read_sql(
        select(AuditFlag.audit_id, AuditFlag.category, func.count().label("n"))
        .where(
            AuditFlag.section == "authored",
            AuditFlag.audit_id.in_([int(i) for i in audits["audit_id"]] or [-1]),
        )
        .group_by(AuditFlag.audit_id, AuditFlag.category),
        store.engine,
    )
    wide = flags.pivot_table(index="audit_id", columns="category", values="n", aggfunc="sum", fill_value=0)
    wide = wide.reindex(columns=list(CATEGORIES), fill_value=0).add_prefix("before_")
    return (
        audits.rename(columns={"quarter": "previous_quarter", "tier": "previous_tier"})
        .merge(wide, left_on="audit_id", right_index=True, how="left")
        .drop(columns="audit_id")
    )


def _change(row: pd.Series) -> str:
    if row["status"] != "ok":
        return ""
    before = row.get("previous_tier")
    if not isinstance(before, str):
        return "first audit"
    now = row["tier"]
    if before == now:
        return "same"
    if now in _WORSE and before in _WORSE:
        return f"{'worse' if _WORSE[now] > _WORSE[before] else 'better'}: {before} → {now}"
    return f"{before} → {now}"


def team_table(
    store: Store, quarter: str, entries: Sequence[Any], folders: Mapping[str, str]
) -> pd.DataFrame:
    """One row per person on the roster, worst tier first, failures last."""
    keys = [e.id for e in entries]
    people = _audits(store, quarter, keys)
    counts = _flag_counts(store, quarter, "all")
    new = _flag_counts(store, quarter, "new").add_prefix("new_")
    table = (
        people.merge(counts, left_on="audit_id", right_index=True, how="left")
        .merge(new, left_on="audit_id", right_index=True, how="left")
        .merge(_previous(store, quarter), on="id", how="left")
    )
    for c in CATEGORIES:
        for col in (c, f"new_{c}"):
            table[col] = table[col].fillna(0).astype(int)
        before = table[f"before_{c}"] if f"before_{c}" in table else pd.Series(pd.NA, index=table.index)
        table[f"change_{c}"] = (table[c] - before).where(before.notna() & (table["status"] == "ok"))
    table["flags"] = table[list(CATEGORIES)].sum(axis=1)
    table["new_flags"] = table[[f"new_{c}" for c in CATEGORIES]].sum(axis=1)
    table["change"] = table.apply(_change, axis=1) if len(table) else pd.Series(dtype=str)
    table["report"] = table["id"].map(lambda k: f"{folders[k]}/report.html")
    table.loc[table["status"] != "ok", "report"] = ""
    order = {t: i for i, t in enumerate(TIER_ORDER)}
    table["_order"] = (
        table.apply(
            lambda r: len(order) + 1 if r["status"] != "ok" else order.get(r["tier"], len(order)), axis=1
        )
        if len(table)
        else pd.Series(dtype=int)
    )
    table = table.sort_values(["_order", "flags", "name"], ascending=[True, False, True]).drop(
        columns="_order"
    )
    return table.reset_index(drop=True)


def _csv_frame(table: pd.DataFrame) -> pd.DataFrame:
    from auditor.report.writers import csv_safe

    extra = [
        "role",
        "team",
        "previous_quarter",
        "previous_tier",
        "flags",
        "new_flags",
        *(f"change_{c}" for c in CATEGORIES),
        "public_posts",
        "assessed",
        "new_posts",
        "removed_posts",
        "report",
    ]
    frame = table.reindex(columns=FIRST_COLUMNS + extra)
    frame[[f"change_{c}" for c in CATEGORIES]] = frame[[f"change_{c}" for c in CATEGORIES]].astype("Int64")
    return frame.map(csv_safe)


def coverage(table: pd.DataFrame, roster_size: int) -> dict[str, Any]:
    ok = table[table["status"] == "ok"]
    public, assessed = int(ok["public_posts"].sum()), int(ok["assessed"].sum())
    return {
        "people": roster_size,
        "audited": len(ok),
        "failed": int((table["status"] != "ok").sum()),
        "public_posts": public,
        "assessed": assessed,
        "assessed_share": round(assessed / public, 4) if public else None,
        "tiers": {t: int((ok["tier"] == t).sum()) for t in TIER_ORDER},
    }


def write_team_summary(
    store: Store,
    entries: Sequence[Any],
    quarter: str,
    out: Path,
    folders: Mapping[str, str],
    *,
    pdf: bool = True,
) -> list[Path]:
    """``team-summary.csv``, ``.html`` and (unless ``pdf`` is False) ``.pdf`` in ``out``, each atomically."""
    from auditor.report.pdf import write_pdf
    from auditor.report.render import render_page

    table = team_table(store, quarter, entries, folders)
    out.mkdir(parents=True, exist_ok=True)
    csv_path = out / "team-summary.csv"
    with atomic_file(csv_path, "w") as fh:
        _csv_frame(table).to_csv(fh, index=False)
    rows = table.astype(object).where(table.notna(), None).to_dict("records")
    context = {
        "quarter": quarter,
        "rows": [r for r in rows if r["status"] == "ok"],
        "failures": [r for r in rows if r["status"] != "ok"],
        "coverage": coverage(table, len(entries)),
        "categories": CATEGORIES,
        "labels": LABELS,
        "tiers": TIER_ORDER,
        "generated": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    }
    html = render_page("team-summary.html.j2", **context)
    html_path = out / "team-summary.html"
    with atomic_file(html_path) as fh:
        fh.write(html)
    files = [html_path]
    if pdf:
        pdf_path = out / "team-summary.pdf"
        with atomic_file(pdf_path, "wb") as fh:  # laid out with the print stylesheet: fixed-layout tables
            write_pdf(render_page("team-summary.html.j2", pdf=True, **context), pdf_path, target=fh)
        files.append(pdf_path)
    files.append(csv_path)
    return files

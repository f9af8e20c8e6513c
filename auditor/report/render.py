"""The HTML report: summary.json rendered through reports/report.html.j2 with autoescaping everywhere."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup, escape

from auditor.categories import CATEGORIES, LABELS, MEANINGS
from auditor.report.charts import COLORS, MONTHS, coverage_svg, month_label, timeline_svg
from auditor.resources import reports_dir
from auditor.topics import TOPIC_LABELS

#: Cards shown per section in the report; flagged.csv and summary.json always hold every flagged post.
MAX_CARDS = 300
MAX_PHRASE = 200
#: Rows in the report's list of not-assessed posts; summary.json lists them all.
MAX_NOT_ASSESSED_ROWS = 500
#: Rows per group of the clean-up plan in the report; cleanup.csv holds them all.
MAX_PLAN_ROWS = 300
#: Longer posts are shown as excerpts around their evidence; flagged.csv and summary.json keep the full text.
MAX_CARD_CHARS = 3000
MIN_CARD_CHARS = 600  # once MAX_REPORT_CHARS of post text are shown, later cards get this much
MAX_REPORT_CHARS = 200_000
EXCERPT_CONTEXT = 300
KIND_LABELS = {
    "post": "Post",
    "reply": "Reply",
    "quote": "Quote post",
    "comment": "Comment",
    "repost": "Repost · amplified, not authored",
}
#: What each source cannot give, shown at the end of every report ("*": any other source).
SOURCE_LIMITS: dict[str, str] = {
    "x": "the archive the person downloaded; images, videos and the posts they reply to or quote are not "
         "in it (linked by id instead); likes and direct messages are never read.",
    "bluesky": "the account's public repository (or its public feed); images are not read; replies show the "
               "post they answer when the server returned it.",
    "mastodon": "public and unlisted posts; followers-only posts and direct messages are counted only; an "
                "export holds only the address of each boost.",
    "reddit": "public listings stop at the newest 1,000 comments and posts; removed and deleted items are "
              "counted, not read.",
    "linkedin": "feed posts and comments; LinkedIn does not say who could see each post.",
    "*": "public posts as the source gives them; images, video and private posts are not read.",
}
SECTION_TITLES = {
    "authored": "Flagged posts: the person's own words",
    "repost": "Flagged reposts: amplified, not authored",
    "deleted": "Flagged deleted posts",
}


def safe_url(url: Any) -> str | None:
    """The URL if it is a plain http(s) link, else None (javascript:, data:, relative … stay text)."""
    if not isinstance(url, str) or any(ch in url for ch in "\x00\r\n\t "):
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    return url.strip() if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def _phrase_pattern(phrase: str) -> re.Pattern[str] | None:
    words = phrase[:MAX_PHRASE].split()
    if not words:
        return None
    pattern = r"\s+".join(re.escape(w) for w in words)
    if re.match(r"\w", words[0]):
        pattern = r"(?<!\w)" + pattern
    if re.search(r"\w$", words[-1]):
        pattern += r"(?!\w)"
    return re.compile(pattern, re.IGNORECASE)


def highlight(text: str, evidence: Mapping[str, Sequence[str]]) -> Markup:
    """Escape ``text`` piece by piece, wrapping evidence phrases in <mark>; never marks up raw text."""
    spans: list[tuple[int, int, str]] = []
    for cat, phrases in evidence.items():
        css = cat if cat in CATEGORIES else "other"
        for phrase in phrases:
            pat = _phrase_pattern(str(phrase))
            if pat:
                spans.extend((m.start(), m.end(), css) for m in pat.finditer(text) if m.end() > m.start())
    spans.sort(key=lambda s: (s[0], -(s[1] - s[0])))
    out: list[Markup] = []
    pos = 0
    for start, end, css in spans:
        if start < pos:
            continue  # overlaps a phrase already marked
        out.append(escape(text[pos:start]))
        out.append(Markup('<mark class="ev ev-{}">{}</mark>').format(css, text[start:end]))
        pos = end
    out.append(escape(text[pos:]))
    return Markup("").join(out)


def excerpt(text: str, evidence: Mapping[str, Sequence[str]], limit: int = MAX_CARD_CHARS
            ) -> tuple[str, bool]:
    """The text a card shows: all of it up to ``limit`` characters, else windows around the evidence (or the
    start), so one 100,000-character post cannot fill a hundred PDF pages. Returns (text, was it cut)."""
    if len(text) <= limit:
        return text, False
    spans = []
    for phrases in evidence.values():
        for phrase in phrases:
            pat = _phrase_pattern(str(phrase))
            m = pat.search(text) if pat else None
            if m:
                spans.append((max(0, m.start() - EXCERPT_CONTEXT), m.end() + EXCERPT_CONTEXT))
    windows: list[list[int]] = []
    for start, end in sorted(spans) or [(0, limit)]:
        if windows and start <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], end)
        else:
            windows.append([start, end])
    pieces, room = [], limit
    for start, end in windows:
        if room <= 0:
            break
        end = min(end, start + room, len(text))
        pieces.append(("… " if start > 0 else "") + text[start:end])
        room -= end - start
    return " ".join(pieces) + " …", True


def nice_date(value: str | None) -> str:
    """ISO timestamp → ``12 Mar 2024`` (or "date unknown")."""
    if not value:
        return "date unknown"
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        return str(value)
    return f"{dt.day} {MONTHS[dt.month - 1]} {dt.year}"


def span(days: float) -> str:
    """``1095`` → ``1095 days (about 3 years)``."""
    years = days / 365.25
    if years >= 1:
        return f"{days:g} days (about {years:.0f} year{'s' if round(years) != 1 else ''})"
    return f"{days:g} days"


def _card(entry: Mapping[str, Any], limit: int = MAX_CARD_CHARS) -> dict[str, Any]:
    scores, evidence, tiers = entry.get("scores", {}), entry.get("evidence", {}), entry.get("tiers", {})
    shown, cut = excerpt(entry.get("text") or "", evidence, limit)
    return {
        **entry,
        "html_text": highlight(shown, evidence),
        "cut_from": len(entry.get("text") or "") if cut else None,
        "href": safe_url(entry.get("url")),
        "date_text": nice_date(entry.get("date")),
        "kind_label": KIND_LABELS.get(entry.get("kind", ""), str(entry.get("kind", ""))),
        "flag_chips": [{"category": c, "label": LABELS.get(c, c), "score": scores.get(c, 0.0),
                        "tier": tiers.get(c), "evidence": evidence.get(c, [])}
                       for c in entry.get("flags", [])],
        "other_scores": [{"label": LABELS[c], "score": scores[c]} for c in CATEGORIES
                         if c in scores and c not in entry.get("flags", [])],
        "context_view": _context_view(entry.get("context")),
    }


def _context_view(context: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The post a reply answers, or the one a quote quotes: its text when known, else a link."""
    if not context:
        return None
    whose = "your own post" if context.get("own") else "a post"
    label = f"In reply to {whose}" if context.get("relation") == "reply" else f"Quoting {whose}"
    return {"label": label, "text": context.get("text"), "href": safe_url(context.get("url")),
            "ref": context.get("ref")}


def _fact(value: Any, brief: bool = False) -> str:
    """One model fact as short text: a validation dict becomes "measure 0.85 (precision …, n …)" ("measure
    0.85" when ``brief``)."""
    if isinstance(value, Mapping):
        head = f"{value['measure']}: {value['value']}" if "measure" in value and "value" in value else ""
        if brief and head:
            return head
        rest = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in value.items()
                         if k not in ("measure", "value", "split") and isinstance(v, str | int | float))
        return f"{head} ({rest})" if head and rest else head or rest
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def _model_view(models: Mapping[str, Any], brief: bool = False) -> dict[str, Any]:
    """What the classifier reports about itself: a version, top-level facts, and facts per category. ``brief``
    (the PDF): per category only its validation figure, without the training sets and file names (the HTML
    report has them all)."""
    per_cat = models.get("categories") if isinstance(models.get("categories"), Mapping) else {
        c: models[c] for c in CATEGORIES if isinstance(models.get(c), Mapping)}
    rows = []
    for cat, info in per_cat.items():
        facts = ([(k.replace("_", " "), _fact(v, brief)) for k, v in info.items()
                  if v not in (None, "", [], {}) and (not brief or k == "validation")]
                 if isinstance(info, Mapping) else [("", _fact(info))])
        if facts or not brief:
            rows.append({"label": LABELS.get(cat, str(cat)), "facts": facts})
    facts = [(k.replace("_", " "), _fact(v)) for k, v in models.items()
             if k not in ("categories", "version", *CATEGORIES) and v not in (None, "", [], {})]
    return {"version": models.get("version", "unknown"), "facts": facts, "rows": rows}


@functools.cache  # one per process: a roster renders hundreds of reports from the same compiled templates
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(reports_dir())),
        autoescape=True,  # every .j2 file, whatever its extension
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@functools.cache  # read once per process
def _css(pdf: bool = False) -> Markup:
    """The page's stylesheet: report.css for the HTML; none for the PDF's version, which write_pdf lays out
    with reports/pdf.css (parsed once per process)."""
    if pdf:
        return Markup("")
    css = (reports_dir() / "report.css").read_text(encoding="utf-8")
    return Markup(css.replace("</", "<\\/"))  # our own file; never able to close the <style> element


def render_html(
    summary: Mapping[str, Any], assessments: Sequence[Any] | None = None, pdf_max_cards: int | None = None
) -> str:
    """The self-contained HTML report. Everything shown comes from ``summary`` (summary.json). With
    ``pdf_max_cards`` it is the PDF's version, for write_pdf and reports/pdf.css: at most that many cards per
    section and not-assessed posts, each card in a few lines of text, the clean-up plan by its group counts
    (report.html and cleanup.csv list its posts) and the models by their validation figures."""
    pdf = pdf_max_cards is not None
    limit = MAX_CARDS if pdf_max_cards is None else pdf_max_cards
    # the PDF lists as many not-assessed posts as cards: long tables are most of its layout time
    unread_rows = MAX_NOT_ASSESSED_ROWS if pdf_max_cards is None else pdf_max_cards
    plan_rows = 0 if pdf else MAX_PLAN_ROWS
    sections = []
    budget = MAX_REPORT_CHARS  # post text shown in all cards together: the PDF stays a readable size
    for key in ("authored", "repost", "deleted"):
        entries = [e for e in summary.get("flagged", []) if e.get("section") == key]
        cards = []
        for e in entries[:limit]:
            cards.append(_card(e, max(MIN_CARD_CHARS, min(MAX_CARD_CHARS, budget))))
            budget -= len(cards[-1]["html_text"])
        sections.append({"key": key, "title": SECTION_TITLES[key], "total": len(entries), "cards": cards})
    by_id = {e.get("id"): e for e in summary.get("flagged", [])}
    top = [_card(by_id[i]) for i in summary.get("overall", {}).get("top", []) if i in by_id]
    cover = summary.get("overall", {}).get("coverage") or {}
    unread = [{**e, "href": safe_url(e.get("url")), "date_text": nice_date(e.get("date"))}
              for e in summary.get("not_assessed", [])[:unread_rows]]
    template = _environment().get_template("report.html.j2")
    return template.render(
        top=top,
        coverage_chart=coverage_svg(cover.get("assessed", 0), cover.get("own_posts", 0)),
        unread=unread,
        unread_total=len(summary.get("not_assessed", [])),
        cleanup=[{**g, "total": len(g["posts"]),
                  "posts": [{**p, "href": safe_url(p.get("url"))} for p in g["posts"][:plan_rows]]}
                 for g in summary.get("cleanup") or []],
        audit=summary.get("audit") or {},
        topic_labels={**LABELS, **TOPIC_LABELS},
        source_limits=SOURCE_LIMITS,
        safe_url=safe_url,
        s=summary,
        css=_css(pdf=pdf),
        pdf=pdf,
        chart=timeline_svg(summary.get("timeline", []), for_print=pdf),
        sections=sections,
        max_cards=limit,
        colors=COLORS,
        labels=LABELS,
        meanings=MEANINGS,
        categories=CATEGORIES,
        models=_model_view(summary.get("models") or {}, brief=pdf),
        nice_date=nice_date,
        span=span,
        month_label=month_label,
        generated=nice_date(summary.get("generated_at")),
    )


def render_page(template: str, *, pdf: bool = False, **context: Any) -> str:
    """Another page (e.g. the team summary) with the report's autoescaping environment and CSS (none with
    ``pdf``: the HTML for write_pdf)."""
    return _environment().get_template(template).render(css=_css(pdf), **context)

"""Issue 13 end to end: an honest verdict, self mode with a clean-up plan, HR mode with consent and lawful
withholding, reviewer notes, context, look-back, --fail-on, and the CLI polish."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from report_samples import StubClassifier
from typer.testing import CliRunner

import auditor.classify as classify_pkg
from auditor.cli import app

TODAY = date.today()
POLITICAL = "The senator lied about the election results again and everyone knows it"
RELIGIOUS = "Went to church this morning and the pastor gave a sermon about patience, idiot driver aside"
PAY = "Management cut our overtime pay again and my boss calls us useless clowns"
INSULT = "The guy who parked across my driveway is a complete idiot and I hope he reads this"
HARMLESS = ["Lovely walk along the river with the dog this morning",
            "New recipe for banana bread turned out really well today",
            "Reading a good book about typography on the train home",
            "Our team shipped the new onboarding flow this week, proud of everyone"]


def _row(pid: str, text: str, days: int = 30, **kw) -> dict:
    created = (TODAY - timedelta(days=days)).isoformat() + "T12:00:00+00:00"
    return {"id": pid, "text": text, "created_at": created, "platform": "x", "author": "@sam",
            "url": f"https://x.com/sam/status/{pid}", "lang": "en", **kw}


def write_posts(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture
def stub(monkeypatch):
    monkeypatch.setattr(classify_pkg.Classifier, "load", classmethod(lambda cls, *a, **k: StubClassifier()))


def audit(tmp_path: Path, rows: list[dict], *args: str) -> tuple[object, Path]:
    src = write_posts(tmp_path / "posts.jsonl", rows)
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["audit", str(src), "--person", "Sam Doe", "--out", str(out),
                                      "--no-store", *args])
    return result, person_folder(out)


def person_folder(out: Path) -> Path:
    """The one person folder a run wrote (its name is the person's slug plus a short hash)."""
    folders = [p for p in out.iterdir() if p.is_dir()] if out.is_dir() else []
    return folders[0] if len(folders) == 1 else out / "missing"


def summary_of(folder: Path) -> dict:
    return json.loads((folder / "summary.json").read_text(encoding="utf-8"))


HR_CONSENT = ["--mode", "hr", "--consent-date", (TODAY - timedelta(days=3)).isoformat(),
              "--consent-scope", "public posts 2019-2026", "--requested-by", "Dana Lee, HR"]


# -- the verdict ---------------------------------------------------------------------------------------

def test_clear_is_impossible_under_low_coverage(stub, tmp_path):
    rows = [_row(str(i), "今日はとても良い天気ですね。公園を散歩しました。", lang="ja") for i in range(1, 9)]
    rows += [_row("20", HARMLESS[0]), _row("21", HARMLESS[1])]
    result, folder = audit(tmp_path, rows, "--no-pdf")
    assert result.exit_code == 0, result.output
    s = summary_of(folder)
    assert s["overall"]["tier"] == "insufficient-coverage"
    assert s["overall"]["coverage"]["assessed"] == 2 and s["overall"]["coverage"]["own_posts"] == 10
    assert len(s["not_assessed"]) == 8 and s["not_assessed"][0]["language_name"] == "Japanese"
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert "INSUFFICIENT COVERAGE" in html and "CLEAR" not in html.split('class="tier-value"')[1][:40]
    assert "Japanese" in html and 'href="https://x.com/sam/status/3"' in html  # listed with its link
    # with a policy that asks for less coverage the same posts get a verdict
    policy = tmp_path / "lenient.yaml"
    from auditor.resources import policies_dir
    policy.write_text((policies_dir() / "default.yaml").read_text().replace("min_assessed_share: 0.5",
                                                                            "min_assessed_share: 0.1"))
    result, folder = audit(tmp_path, rows, "--no-pdf", "--policy", str(policy))
    assert summary_of(folder)["overall"]["tier"] == "clear"


def test_page_one_explains_the_tier_names_top_posts_and_one_count(stub, tmp_path):
    rows = [_row("1", INSULT, 10), _row("2", "What a useless clown show that meeting was", 20),
            _row("3", "Oh great, just what I needed, another Monday", 40)] + [
        _row(str(10 + i), t) for i, t in enumerate(HARMLESS)]
    result, folder = audit(tmp_path, rows, "--no-pdf")
    assert result.exit_code == 0, result.output
    ov = summary_of(folder)["overall"]
    assert ov["tier"] == "high" and ov["reason"].startswith("HIGH: 1 post at high severity (insult")
    assert "weighted" not in ov["reason"]  # plain words, no internal arithmetic
    assert ov["top"][0] == "1" and len(ov["top"]) <= 3
    b = ov["flagged_breakdown"]
    assert b["flagged"] == 3 and b["counted"] == 3
    assert ov["flagged_in_words"].startswith("3 flagged posts of the person's own")
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert "The posts that weigh most" in html and "complete idiot" in html.split("Per category")[0]


def test_mild_self_directed_swearing_never_decides_the_tier(stub, tmp_path):
    rows = [_row("1", "Damn, my build broke again, crap crap crap"), *[_row(str(9 + i), t) for i, t in
                                                                         enumerate(HARMLESS)]]
    result, folder = audit(tmp_path, rows, "--no-pdf")
    s = summary_of(folder)
    assert s["overall"]["tier"] == "clear"
    # the default policy flags profanity from the "strong" grade up: mild swearing is not even listed
    assert not s["flagged"]
    # the family policy flags mild swearing too, and still keeps it out of the tier when self-directed
    result, folder = audit(tmp_path, rows, "--no-pdf", "--policy", "family")
    s = summary_of(folder)
    assert s["overall"]["tier"] == "clear"
    [flag] = s["flagged"]
    assert flag["excluded"].startswith("mild swearing") and not flag["counts_toward_tier"]
    # the same words aimed at someone do count
    rows[0] = _row("1", "Damn you, your build broke mine again, crap crap crap")
    result, folder = audit(tmp_path, rows, "--no-pdf", "--policy", "family")
    assert summary_of(folder)["overall"]["tier"] != "clear"


# -- self mode ------------------------------------------------------------------------------------------

def test_self_mode_writes_a_clean_up_plan(stub, tmp_path):
    rows = [_row("1", INSULT, 10), _row("2", POLITICAL, 20), _row("3", "Oh great, just what I needed", 30),
            *[_row(str(10 + i), t) for i, t in enumerate(HARMLESS)]]
    result, folder = audit(tmp_path, rows, "--no-pdf")
    assert result.exit_code == 0, result.output
    with (folder / "cleanup.csv").open(encoding="utf-8", newline="") as fh:
        plan = list(csv.DictReader(fh))
    assert [r["id"] for r in plan][0] == "1" and {r["id"] for r in plan} == {"1", "2", "3"}
    assert list(plan[0]) == ["platform", "id", "url", "reason", "priority", "kind"]
    assert plan[0]["priority"] == "first" and "Insults or attacks someone" in plan[0]["reason"]
    assert plan[0]["url"] == "https://x.com/sam/status/1"
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert "Clean-up plan" in html and "Delete first" in html
    assert POLITICAL in html  # self mode shows everything
    from auditor.cleanplan import read_plan
    assert [r.id for r in read_plan(folder / "cleanup.csv")] == [r["id"] for r in plan]  # clean reads it back


# -- HR mode --------------------------------------------------------------------------------------------

def test_hr_mode_refuses_without_consent_in_one_line(tmp_path):
    src = write_posts(tmp_path / "p.jsonl", [_row("1", HARMLESS[0])])
    cases = [
        (["--mode", "hr"], "needs the person's consent record"),
        (["--mode", "hr", "--consent-date", (TODAY + timedelta(days=2)).isoformat(), "--consent-scope", "all",
          "--requested-by", "HR"], "is in the future"),
        (["--mode", "hr", "--consent-date", TODAY.isoformat(), "--requested-by", "HR"], "has no scope"),
        (["--mode", "hr", *HR_CONSENT[2:], "--preset", "us-xx"], "no such preset"),
    ]
    env = {k: v for k, v in os.environ.items() if k != "AUDITOR_DEBUG"}
    for args, needle in cases:
        proc = subprocess.run([sys.executable, "-m", "auditor", "audit", str(src), "--out",
                               str(tmp_path / "o"), *args], capture_output=True, text=True, env=env,
                              timeout=120)
        assert proc.returncode == 2, (args, proc.stderr)
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and needle in lines[0] and lines[0].startswith("auditor: error:"), proc.stderr
    assert not (tmp_path / "o").exists()


def test_consent_from_the_person_file(stub, tmp_path):
    write_posts(tmp_path / "posts.jsonl", [_row("1", INSULT), *[_row(str(5 + i), t) for i, t in
                                                                enumerate(HARMLESS)]])
    person = tmp_path / "sam.yaml"
    person.write_text(f"name: Sam Doe\naccounts: [posts.jsonl]\nconsent:\n  date: {TODAY.isoformat()}\n"
                      "  scope: public posts, last 5 years\n  requested_by: Dana Lee (HR)\n",
                      encoding="utf-8")
    result = CliRunner().invoke(app, ["audit", "--person-file", str(person), "--mode", "hr", "--no-pdf",
                                      "--no-store", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    folder = person_folder(tmp_path / "out")
    s = summary_of(folder)
    assert s["audit"]["consent"] == {"date": TODAY.isoformat(), "scope": "public posts, last 5 years",
                                     "requested_by": "Dana Lee (HR)"}
    assert s["audit"]["preset"]["name"] == "default"
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert "Dana Lee (HR)" in html and "How to dispute a flag" in html


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader
    return "\n".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)


def test_withholding_preset_keeps_protected_text_out_of_every_hr_output(stub, tmp_path):
    rows = [_row("1", INSULT, 10), _row("2", POLITICAL, 20, kind="reply"), _row("3", RELIGIOUS, 25),
            _row("4", PAY, 30), _row("5", "Is the senator even listening? Such an idiot move", 35),
            _row("6", POLITICAL + " (reposted)", 5, kind="repost"),
            *[_row(str(10 + i), t) for i, t in enumerate(HARMLESS)]]
    rows[0]["extra"] = {"in_reply_to": "2"}
    result, folder = audit(tmp_path, rows, *HR_CONSENT, "--preset", "us-ca")
    assert result.exit_code == 0, result.output
    files = {p.name for p in folder.iterdir()}
    assert "cleanup.csv" not in files
    assert {"report.html", "report.pdf", "flagged.csv", "summary.json"} <= files
    outputs = {name: (folder / name).read_text(encoding="utf-8-sig") for name in
               ("report.html", "flagged.csv", "summary.json")}
    outputs["report.pdf"] = _pdf_text(folder / "report.pdf")
    protected = [POLITICAL, RELIGIOUS, PAY, "Is the senator even listening"]
    for name, text in outputs.items():
        flat = " ".join(text.split())
        for p in protected:
            assert p[:40] not in flat, (name, p)
            assert p[:40].replace("'", "&#39;") not in flat
    s = summary_of(folder)
    assert [e["id"] for e in s["flagged"]] == ["1"]
    assert s["audit"]["hidden"]["withheld"] >= 4 and s["audit"]["preset"]["name"] == "us-ca"
    assert s["overall"]["flagged_breakdown"]["withheld"] >= 4
    pdf = " ".join(outputs["report.pdf"].split())
    assert "withheld under this policy" in pdf and "us-ca" in pdf and "How to dispute a flag" in pdf


def test_count_preset_shows_numbers_not_text(stub, tmp_path):
    rows = [_row("1", POLITICAL, 10), _row("2", INSULT, 12), *[_row(str(10 + i), t) for i, t in
                                                                enumerate(HARMLESS)]]
    result, folder = audit(tmp_path, rows, *HR_CONSENT, "--preset", "default", "--no-pdf")
    assert result.exit_code == 0, result.output
    s = summary_of(folder)
    assert s["audit"]["hidden"]["counted"] == {"politics": 1} and s["audit"]["hidden"]["withheld"] == 0
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert POLITICAL[:30] not in html and "1 flagged post about politics: counted only" in html


def test_presets_command_and_topic_detector():
    result = CliRunner().invoke(app, ["presets"])
    assert result.exit_code == 0
    names = [line.split()[0] for line in result.output.splitlines()]
    assert names == ["default", "eu", "us-ca", "us-co", "us-ct", "us-ny"]
    from auditor.topics import topics_of
    assert topics_of(RELIGIOUS) == ["religion"] and topics_of(PAY) == ["workplace"]
    assert topics_of("We prayed for rain; the union called a strike") == ["religion", "workplace"]
    assert topics_of("Great pancakes at the church fete") == ["religion"]
    assert topics_of("Oh my god this coffee is great") == [] and topics_of(HARMLESS[3]) == []


# -- notes ----------------------------------------------------------------------------------------------

def test_notes_render_and_dismissals_change_the_tier(stub, tmp_path):
    rows = [_row("1", INSULT, 10), _row("2", "Oh great, just what I needed, another Monday", 20),
            *[_row(str(10 + i), t) for i, t in enumerate(HARMLESS)]]
    result, folder = audit(tmp_path, rows, "--no-pdf")
    assert summary_of(folder)["overall"]["tier"] == "high"
    # the reviewer fills in flagged.csv and feeds it back
    with (folder / "flagged.csv").open(encoding="utf-8-sig", newline="") as fh:
        flagged = list(csv.DictReader(fh))
    assert {"id", "decision", "note"} <= set(flagged[0]) and all(r["decision"] == "" for r in flagged)
    for r in flagged:
        if r["id"] == "1":
            r["decision"], r["note"] = "dismissed", "song lyric"
    notes = tmp_path / "notes.csv"
    with notes.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(flagged[0]))
        w.writeheader()
        w.writerows(flagged)
    result, folder = audit(tmp_path, rows, "--no-pdf", "--notes", str(notes))
    assert result.exit_code == 0, result.output
    s = summary_of(folder)
    assert s["overall"]["tier"] != "high" and s["overall"]["flagged_breakdown"]["dismissed"] == 1
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert "song lyric" in html and "dismissed" in html
    assert "1" not in [r["id"] for r in csv.DictReader((folder / "cleanup.csv").open(encoding="utf-8"))]


def test_note_for_an_unknown_post_warns_and_the_rest_renders(stub, tmp_path):
    notes = tmp_path / "notes.yaml"
    notes.write_text("'1': {note: quoting to condemn}\n'999': {note: no such post, decision: dismissed}\n")
    src = write_posts(tmp_path / "posts.jsonl", [_row("1", INSULT), *[_row(str(5 + i), t) for i, t in
                                                                      enumerate(HARMLESS)]])
    env = {k: v for k, v in os.environ.items() if k != "AUDITOR_DEBUG"}
    proc = subprocess.run([sys.executable, "-m", "auditor", "audit", str(src), "--person", "Sam", "--no-pdf",
                           "--notes", str(notes), "--out", str(tmp_path / "o")], capture_output=True,
                          text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "auditor: warning:" in proc.stderr and "'999'" in proc.stderr
    html = (person_folder(tmp_path / "o") / "report.html").read_text(encoding="utf-8")
    assert "quoting to condemn" in html


def test_bad_notes_decision_is_one_clear_error(tmp_path):
    notes = tmp_path / "notes.csv"
    notes.write_text("id,note,decision\n1,fine,maybe\n")
    from auditor.errors import AuditorError
    from auditor.notes import load_notes
    with pytest.raises(AuditorError, match=r"notes.csv: row 2: decision must be one of"):
        load_notes(notes)


# -- context, time, scripting ---------------------------------------------------------------------------

def test_reply_shows_its_parent_and_x_ids_link_out(stub, tmp_path):
    rows = [_row("1", "Anyone else think the new bus timetable is confusing?", 12),
            _row("2", "Replying to myself: the driver was a complete idiot about it", 11, kind="reply",
                 extra={"in_reply_to": "1"}),
            _row("3", "What an idiot take, honestly", 10, kind="reply", extra={"in_reply_to": "777"}),
            *[_row(str(10 + i), t) for i, t in enumerate(HARMLESS)]]
    result, folder = audit(tmp_path, rows, "--no-pdf")
    assert result.exit_code == 0, result.output
    by_id = {e["id"]: e for e in summary_of(folder)["flagged"]}
    assert by_id["2"]["context"]["text"] == rows[0]["text"] and by_id["2"]["context"]["own"]
    assert by_id["3"]["context"]["url"] == "https://x.com/i/web/status/777"
    # the post is dated 12:00 UTC eleven days back: before noon UTC that is ten whole days
    elapsed = datetime.now(timezone.utc) - datetime.fromisoformat(rows[1]["created_at"])
    assert by_id["2"]["age"] == f"{elapsed.days} days ago"
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert "In reply to your own post" in html and 'href="https://x.com/i/web/status/777"' in html


def test_since_leaves_older_posts_out(stub, tmp_path):
    rows = [_row("1", INSULT, 800), *[_row(str(10 + i), t, 10) for i, t in enumerate(HARMLESS)]]
    since = (TODAY - timedelta(days=365)).isoformat()
    result, folder = audit(tmp_path, rows, "--no-pdf", "--since", since)
    s = summary_of(folder)
    assert s["flagged"] == [] and s["audit"]["since"] == since and s["audit"]["before_since"] == 1
    assert s["overall"]["tier"] == "clear"


def test_fail_on_sets_exit_3_when_the_tier_reaches_it(stub, tmp_path):
    rows = [_row("1", INSULT, 10), *[_row(str(10 + i), t) for i, t in enumerate(HARMLESS)]]
    result, _ = audit(tmp_path, rows, "--no-pdf", "--fail-on", "high")
    assert result.exit_code == 3
    result, _ = audit(tmp_path, [_row(str(10 + i), t) for i, t in enumerate(HARMLESS)], "--no-pdf",
                      "--fail-on", "low")
    assert result.exit_code == 0
    ja = [_row(str(i), "今日はとても良い天気ですね。", lang="ja") for i in range(5)]
    result, _ = audit(tmp_path, ja, "--no-pdf", "--fail-on", "high")
    assert result.exit_code == 3  # an audit that could not read the posts never passes a gate


def test_help_shows_flags_without_bool():
    result = CliRunner().invoke(app, ["audit", "--help"], env={"COLUMNS": "160"})
    assert result.exit_code == 0 and "--fail-on" in result.output and "--mode" in result.output
    assert "<bool>" not in result.output


def test_classify_reads_plain_text_one_post_per_line():
    result = CliRunner().invoke(app, ["classify", "-"], input="first post here\n\nsecond post here\n")
    lines = [json.loads(x) for x in result.output.splitlines()]
    assert [x["id"] for x in lines] == ["1", "2"]


def _fonts_installed() -> bool:
    import shutil
    if not shutil.which("fc-list"):
        return False
    families = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True).stdout
    return "Noto Sans CJK JP" in families and "Noto Color Emoji" in families


@pytest.mark.skipif(not _fonts_installed(), reason="fonts-noto-cjk / fonts-noto-color-emoji not installed "
                    "(.ci/run installs them)")
def test_japanese_and_emoji_reach_the_pdf_as_glyphs(stub, tmp_path):
    from pypdf import PdfReader
    rows = [_row("1", "You idiot 🙄 今日の会議は最悪だった", 5), *[_row(str(10 + i), t) for i, t in
                                                          enumerate(HARMLESS)]]
    result, folder = audit(tmp_path, rows)
    assert result.exit_code == 0, result.output
    reader = PdfReader(str(folder / "report.pdf"))
    text = "".join(page.extract_text() or "" for page in reader.pages)
    assert "今日の会議は最悪だった" in text and "🙄" in text
    fonts = {str(f.get_object()["/BaseFont"]) for page in reader.pages
             for f in page["/Resources"].get("/Font", {}).values()}
    assert any("Noto-Sans-CJK" in f for f in fonts) and any("Color-Emoji" in f for f in fonts), fonts


def test_withheld_category_shows_no_numbers_and_demo_names_tier_and_report(tmp_path):
    result = CliRunner().invoke(app, ["audit", "--demo", "--no-pdf", "--out", str(tmp_path / "demo"),
                                      *HR_CONSENT, "--preset", "eu"])
    assert result.exit_code == 0, result.output
    folder = person_folder(tmp_path / "demo")
    politics = next(c for c in summary_of(folder)["categories"] if c["category"] == "politics")
    assert politics["display"] == "withhold" and politics["flagged"] == 0
    assert "withheld under preset eu" in (folder / "report.html").read_text(encoding="utf-8")
    assert "overall tier" in result.stderr and str(folder / "report.html") in result.stderr


def test_preset_needs_hr_mode_and_person_file_consent_is_checked(tmp_path):
    from auditor.consent import make_consent
    from auditor.errors import AuditorError
    src = write_posts(tmp_path / "p.jsonl", [_row("1", HARMLESS[0])])
    result = CliRunner().invoke(app, ["audit", str(src), "--preset", "eu", "--out", str(tmp_path / "o")])
    assert isinstance(result.exception, AuditorError) and "add --mode hr" in str(result.exception)
    with pytest.raises(AuditorError, match="sam.yaml: consent record has no requested by"):
        make_consent({"date": "2026-01-02", "scope": "all"}, "sam.yaml", TODAY)
    with pytest.raises(AuditorError, match="consent date must be YYYY-MM-DD"):
        make_consent({"date": "last week", "scope": "all", "requested_by": "HR"}, "sam.yaml", TODAY)


def test_cleanup_ids_are_formula_guarded_and_read_back(tmp_path):
    from auditor.cleanplan import read_plan
    from auditor.cleanup import write_plan
    summary = {"flagged": [{"id": "=cmd", "platform": "x", "url": "https://x.com/a/status/1",
                            "section": "authored", "severity": "high", "flags": ["insult"],
                            "evidence": {"insult": ["idiot"]}}]}
    path = write_plan(summary, tmp_path / "cleanup.csv")
    assert "'=cmd" in path.read_text(encoding="utf-8")
    assert [r.id for r in read_plan(path)] == ["=cmd"]


def test_classify_honours_each_rows_lang_like_audit(stub, tmp_path):
    texts = ["merci bien", "ok cool", "Danke schön", "great stuff", "gracias amigo", "si"]
    rows = [_row(str(i), t, lang=lang) for i, t in enumerate(texts, 1) for lang in ("fr",)]
    rows += [_row(str(10 + i), t, lang="en") for i, t in enumerate(texts, 1)]
    result, folder = audit(tmp_path, rows, "--no-pdf")
    unread_by_audit = {e["id"] for e in summary_of(folder)["not_assessed"]}
    proc = subprocess.run([sys.executable, "-m", "auditor", "classify", "-"], capture_output=True, text=True,
                          input="".join(json.dumps(r) + "\n" for r in rows), timeout=300)
    assert proc.returncode == 0, proc.stderr
    unread_by_classify = {x["id"] for x in map(json.loads, proc.stdout.splitlines()) if "not_assessed" in x}
    assert unread_by_classify == unread_by_audit
    assert "3" in unread_by_audit and "13" not in unread_by_audit  # "Danke schön": the row's lang decides


def test_formats_lists_only_working_live_sources():
    result = CliRunner().invoke(app, ["formats"])
    live = result.output.split("Live public accounts")[1].split("Not available")[0]
    assert "bsky:" in live and "mastodon:" in live and "twitter:" not in live and "x:" not in live.split()
    assert "X/Twitter archive" in result.output


def test_auditing_a_file_never_fetches_reply_context(stub, tmp_path, monkeypatch):
    import auditor.sources.mastodon_api as mastodon_api
    asked: list = []
    monkeypatch.setattr(mastodon_api, "fetch_parent_texts", lambda posts: asked.extend(posts))
    rows = [_row("1", INSULT, platform="mastodon", account="mastodon:@sam@example.social", kind="reply",
                 extra={"in_reply_to": "12345"}), *[_row(str(10 + i), t) for i, t in enumerate(HARMLESS)]]
    result, folder = audit(tmp_path, rows, "--no-pdf")
    assert result.exit_code == 0, result.output
    assert asked == [] and summary_of(folder)["flagged"][0]["context"]["url"] is None


def test_withheld_posts_keep_no_text_or_evidence_in_the_store(monkeypatch, tmp_path):
    import sqlite3

    class VersionedStub(StubClassifier):
        version = "stub-1.2"

        def evidence(self, text, category, k=3):
            return []

    monkeypatch.setattr(classify_pkg.Classifier, "load", classmethod(lambda cls, *a, **k: VersionedStub()))
    rows = [_row("1", INSULT, 10), _row("2", POLITICAL, 20), _row("3", RELIGIOUS, 25),
            *[_row(str(10 + i), t) for i, t in enumerate(HARMLESS)]]
    src = write_posts(tmp_path / "posts.jsonl", rows)
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["audit", str(src), "--person", "Sam Doe", "--out", str(out), "--no-pdf",
                                      *HR_CONSENT, "--preset", "us-ca"])
    assert result.exit_code == 0, result.output
    with sqlite3.connect(out / "auditor.db") as db:
        stored = dict(db.execute("SELECT post_id, text FROM posts"))
        evidence = " ".join(e for (e,) in db.execute("SELECT evidence FROM classifications") if e)
    assert stored["1"] == INSULT and stored["10"] == HARMLESS[0]  # shown posts keep their text
    assert stored["2"] is None and stored["3"] is None  # withheld under us-ca: hashes and scores only
    assert "senator" not in evidence and "church" not in evidence


def test_mild_swearing_is_what_the_severity_lexicon_grades_mild():
    from auditor.swearing import mild_self_directed

    assert mild_self_directed("d4mn, my build broke again", ["profanity"], {"profanity": "mild"})
    assert not mild_self_directed("shit, my build broke again", ["profanity"], {"profanity": "strong"})
    assert not mild_self_directed("damn you", ["profanity"], {"profanity": "mild"})  # aimed at someone
    assert not mild_self_directed("damn @sam", ["profanity"], {"profanity": "mild"})
    assert not mild_self_directed("damn idiot", ["profanity", "insult"], {"profanity": "mild"})
    assert not mild_self_directed("darn", ["profanity"], {})  # no graded word: not known to be mild

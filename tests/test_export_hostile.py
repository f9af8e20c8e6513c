"""Wrong-shaped, truncated or hostile exports give an AuditorError (or a clean read), never a traceback."""

import contextlib
import json
import random

import pytest
from export_fixtures import build_zip, fixture

from auditor.errors import AuditorError
from auditor.sources import linkedin_export, mastodon_export, meta_export, reddit_export, snscrape_jsonl

JSON_CASES = [
    (mastodon_export, fixture("mastodon", "outbox.json"), "outbox.json"),
    (meta_export, fixture("meta", "your_posts_1.json"), "your_posts_1.json"),
    (meta_export, fixture("meta", "comments.json"), "comments.json"),
    (meta_export, fixture("meta", "posts_1.json"), "posts_1.json"),
    (meta_export, fixture("meta", "threads_and_replies.json"), "threads_and_replies.json"),
]
REPLACEMENTS = [None, 7, "text", [], [1, "x"], {}, {"a": {"b": 1}}, True, 1e308]


def _paths(node, prefix=()):
    """Every (path) in a JSON document."""
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, (*prefix, i))


def _replaced(doc, path, value):
    doc = json.loads(json.dumps(doc))
    if not path:
        return value
    node = doc
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    return doc


def _read_or_auditor_error(module, path):
    with contextlib.suppress(AuditorError):
        module.read(path)


@pytest.mark.parametrize(("module", "src", "name"), JSON_CASES, ids=[c[2] for c in JSON_CASES])
def test_type_confusion_in_every_field(tmp_path, module, src, name):
    text = src.read_text(encoding="utf-8")
    doc = json.loads(text)
    rng = random.Random(name)
    paths = list(_paths(doc))
    target = tmp_path / name
    for path in rng.sample(paths, min(len(paths), 250)):
        value = rng.choice(REPLACEMENTS)
        target.write_text(json.dumps(_replaced(doc, path, value)), encoding="utf-8")
        _read_or_auditor_error(module, target)


def test_snscrape_type_confusion(tmp_path):
    lines = fixture("snscrape", "twitter-user.jsonl").read_text(encoding="utf-8").splitlines()
    rng = random.Random(7)
    target = tmp_path / "s.jsonl"
    for _ in range(300):
        i = rng.randrange(len(lines))
        doc = json.loads(lines[i])
        path = rng.choice(list(_paths(doc))[1:])
        mutated = lines.copy()
        mutated[i] = json.dumps(_replaced(doc, path, rng.choice(REPLACEMENTS)))
        target.write_text("\n".join(mutated) + "\n", encoding="utf-8")
        _read_or_auditor_error(snscrape_jsonl, target)


@pytest.mark.parametrize(
    ("module", "src"),
    [(reddit_export, fixture("reddit", "posts.csv")),
     (reddit_export, fixture("reddit", "comments.csv")),
     (linkedin_export, fixture("linkedin", "Shares.csv")),
     (linkedin_export, fixture("linkedin", "Comments.csv"))],
)
def test_truncated_csv_files(tmp_path, module, src):
    data = src.read_bytes()
    target = tmp_path / "cut.csv"
    header_end = data.index(b"\n") + 1
    for cut in range(header_end + 1, len(data), 17):
        target.write_bytes(data[:cut])
        _read_or_auditor_error(module, target)


ALL = [mastodon_export, meta_export, snscrape_jsonl, reddit_export, linkedin_export]


@pytest.mark.parametrize("module", ALL)
def test_binary_and_non_utf8_files(tmp_path, module):
    target = tmp_path / "x.json"
    target.write_bytes(b'{"orderedItems": [\xff\xfe\x00 "https://www.w3.org/ns/activitystreams"')
    _read_or_auditor_error(module, target)
    with pytest.raises(AuditorError, match="not UTF-8|not valid JSON|unexpected|no |missing|not a"):
        module.read(target)


def test_deeply_nested_json(tmp_path):
    target = tmp_path / "outbox.json"
    target.write_text('{"@context": "https://www.w3.org/ns/activitystreams", "orderedItems": '
                      + "[" * 100_000 + "]" * 100_000 + "}")
    with pytest.raises(AuditorError):
        mastodon_export.read(target)


def test_zip_with_traversal_member_is_refused(tmp_path):
    evil = build_zip(tmp_path / "evil.zip", {"../outbox.json": fixture("mastodon", "outbox.json")})
    with pytest.raises(AuditorError, match="unsafe path"):
        mastodon_export.sniff(evil)

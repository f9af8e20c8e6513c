"""Person files (YAML or CSV) list one person's accounts; relative paths are read from the file's folder."""

import pytest
from export_fixtures import fixture

from auditor.errors import AuditorError
from auditor.person import Person, load_person

FOLDER = fixture("person")
EXPECTED = Person(
    "Alice Example",
    [str(FOLDER / "exports" / "alice-mastodon-outbox.json"), "bsky:alice.example.com",
     "mastodon:@alice@example.social"],
)


@pytest.mark.parametrize("name", ["alice.yaml", "alice.csv"])
def test_yaml_and_csv_give_the_same_person(name):
    assert load_person(FOLDER / name) == EXPECTED


def test_format_is_told_by_content(tmp_path):
    renamed = tmp_path / "alice.txt"
    renamed.write_text((FOLDER / "alice.csv").read_text())
    assert load_person(renamed).accounts[1] == "bsky:alice.example.com"


def test_absolute_home_and_spec_like_existing_paths(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "odd:name.zip").write_text("x")
    person_file = tmp_path / "p.yaml"
    person_file.write_text(
        "name: Sam\naccounts:\n  - /data/x.zip\n  - ~/downloads/fb.zip\n  - odd:name.zip\n  - 'x:@sam'\n"
    )
    assert load_person(person_file).accounts == [
        "/data/x.zip", str(tmp_path / "downloads" / "fb.zip"), str(tmp_path / "odd:name.zip"), "x:@sam",
    ]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("name: [unclosed\n", "not valid YAML (line"),
        ("- just\n- a list\n", "needs `name:`"),
        ("name: Sam\n", "`accounts:` must be a list"),
        ("name: Sam\naccounts: []\n", "`accounts:` must be a list"),
        ("name: ''\naccounts: [a.zip]\n", "`name:` must be"),
        ("name: Sam\naccounts: [a.zip, 3]\n", "every account must be a text source"),
        ("name: Sam\nacounts: [a.zip]\n", "unknown key(s) acounts"),
        ("person,account\nSam,a.zip\nKim,b.zip\n", "lists several people"),
        ("person,account\nSam,\n", "needs both a person and an account"),
        ("person,account\n", "no accounts listed"),
        ('person,account\nSam,"a.zip\n', "malformed CSV"),
    ],
)
def test_invalid_person_files(tmp_path, content, problem):
    path = tmp_path / "person.yaml"
    path.write_text(content)
    with pytest.raises(AuditorError) as err:
        load_person(path)
    assert problem in str(err.value) and str(path) in str(err.value)


def test_missing_binary_and_huge_files(tmp_path):
    with pytest.raises(AuditorError, match="cannot read"):
        load_person(tmp_path / "nope.yaml")
    binary = tmp_path / "b.yaml"
    binary.write_bytes(b"\xff\xfe\x00name")
    with pytest.raises(AuditorError, match="not UTF-8"):
        load_person(binary)
    huge = tmp_path / "h.yaml"
    huge.write_text("#" * (1024 * 1024 + 1))
    with pytest.raises(AuditorError, match="too large"):
        load_person(huge)


def test_yaml_tags_are_not_executed(tmp_path):
    path = tmp_path / "evil.yaml"
    path.write_text("name: !!python/object/apply:os.system ['echo pwned']\naccounts: [a.zip]\n")
    with pytest.raises(AuditorError, match="not valid YAML"):
        load_person(path)

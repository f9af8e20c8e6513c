"""Brand policies: the shipped ones load, and every kind of bad policy file is one clear AuditorError."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from auditor.categories import CATEGORIES
from auditor.errors import AuditorError
from auditor.policy import load_policy, shipped_policies
from auditor.resources import policies_dir


def test_shipped_policies_load_and_default_is_first():
    names = shipped_policies()
    assert names[0] == "default"
    assert {"default", "family", "edgy"} <= set(names)
    for name in names:
        p = load_policy(name)
        assert p.name == name
        assert set(p.thresholds) == set(CATEGORIES)
        for c in CATEGORIES:
            t = p.tiers[c]
            assert 0 <= t["low"] <= t["medium"] <= t["high"] <= 1
            assert t["low"] == p.thresholds[c]
        assert p.reposts == "separate"
        assert p.half_life_days and p.half_life_days > 0
        assert p.description


def test_none_loads_the_default_and_a_path_works_too():
    assert load_policy(None) == load_policy("default")
    assert load_policy(policies_dir() / "family.yaml") == load_policy("family")


def test_family_is_stricter_than_edgy_on_every_category():
    family, edgy = load_policy("family"), load_policy("edgy")
    for c in CATEGORIES:
        assert family.thresholds[c] <= edgy.thresholds[c]
    # Edgy is lenient on tone but keeps hate and insult strict (close to the default).
    default = load_policy("default")
    assert edgy.thresholds["profanity"] >= 0.85 and edgy.thresholds["snark"] >= 0.9
    assert edgy.thresholds["hate"] <= default.thresholds["hate"]
    assert "snark" not in edgy.overall.categories
    assert "snark" in family.overall.categories


def test_shipped_policies_say_leaning_is_never_inferred():
    for name in shipped_policies():
        text = (policies_dir() / f"{name}.yaml").read_text(encoding="utf-8")
        assert "NEVER infer" in text


def test_severity_tiers():
    p = load_policy("default")
    hate = p.tiers["hate"]
    assert p.severity("hate", hate["high"]) == "high"
    assert p.severity("hate", hate["medium"]) == "medium"
    assert p.severity("hate", hate["low"]) == "low"
    assert p.severity("hate", hate["low"] - 0.01) is None


def _write(tmp_path: Path, data, name: str = "brand.yaml") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data), encoding="utf-8")
    return path


def _base() -> dict:
    return yaml.safe_load((policies_dir() / "default.yaml").read_text(encoding="utf-8"))


def test_a_custom_policy_round_trips(tmp_path):
    data = _base()
    data["name"] = "acme"
    data["reposts"] = "count"
    data["half_life_days"] = None
    p = load_policy(_write(tmp_path, data))
    assert (p.name, p.reposts, p.half_life_days) == ("acme", "count", None)
    assert p.to_dict()["overall"]["rules"]["high"]["high"] == 0.5
    assert p.overall.caps == {"politics": "medium", "snark": "medium", "sensitive": "low"}


def _broken(mutate):
    data = _base()
    mutate(data)
    return data


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ("name: [unclosed\n  categories: {", "not valid YAML"),
        ("- just\n- a list\n", "must be a YAML mapping"),
        (_broken(lambda d: d["categories"].__setitem__("gossip", {})), "unknown category"),
        (_broken(lambda d: d["categories"].pop("hate")), "missing hate"),
        (_broken(lambda d: d["categories"]["insult"].__setitem__("flag_at", 1.5)), "between 0 and 1"),
        (_broken(lambda d: d["categories"]["insult"].__setitem__("flag_at", -0.1)), "between 0 and 1"),
        (_broken(lambda d: d["categories"]["insult"].__setitem__("high_at", 0.3)), "tiers out of order"),
        (_broken(lambda d: d["categories"]["insult"].__setitem__("flag_at", "high")), "must be a number"),
        (_broken(lambda d: d["categories"]["insult"].__setitem__("flag_at", True)), "must be a number"),
        (_broken(lambda d: d["categories"]["hate"].update(counts_toward_overall="maybe")), "true or false"),
        (_broken(lambda d: d["categories"]["insult"].pop("medium_at")), "needs medium_at"),
        (_broken(lambda d: d.__setitem__("reposts", "sometimes")), "reposts must be one of"),
        (_broken(lambda d: d["categories"]["snark"].update(cap="severe")), "cap must be one of"),
        (_broken(lambda d: d.__setitem__("half_life_days", 0)), "half_life_days"),
        (_broken(lambda d: d.__setitem__("thresholds", {})), "unknown setting"),
        (_broken(lambda d: d["overall"].__setitem__("critical", {"high": 1})), "unknown overall tier"),
        (_broken(lambda d: d["overall"]["high"].__setitem__("severe", 1)), "unknown condition"),
        (_broken(lambda d: d.__setitem__("overall", {})), "overall needs at least one"),
        (_broken(lambda d: d.pop("categories")), "missing categories"),
    ],
)
def test_invalid_policies_name_the_file(tmp_path, data, problem):
    path = _write(tmp_path, data)
    with pytest.raises(AuditorError) as exc:
        load_policy(path)
    assert exc.value.where == str(path)
    assert problem in exc.value.problem


def test_unknown_name_and_unreadable_files(tmp_path):
    with pytest.raises(AuditorError, match="no such policy file.*default"):
        load_policy("corporate")
    with pytest.raises(AuditorError, match="is a folder"):
        load_policy(tmp_path)
    bad = tmp_path / "latin1.yaml"
    bad.write_bytes(b"name: caf\xe9\n")
    with pytest.raises(AuditorError, match="not UTF-8"):
        load_policy(bad)
    huge = tmp_path / "huge.yaml"
    huge.write_text("# " + "x" * 300_000, encoding="utf-8")
    with pytest.raises(AuditorError, match="too large"):
        load_policy(huge)


def test_profanity_grades_per_policy():
    assert load_policy("family").min_grades == {"profanity": "mild"}
    assert load_policy("default").min_grades == {"profanity": "strong"}
    assert load_policy("edgy").min_grades == {"profanity": "severe"}
    default = load_policy("default")
    assert default.grade_ok("profanity", "strong") and default.grade_ok("profanity", "severe")
    assert not default.grade_ok("profanity", "mild")
    assert not default.grade_ok("profanity", None)  # no graded word present: never profanity
    assert default.grade_ok("insult", None)  # other categories are not graded


@pytest.mark.parametrize(
    ("category", "grade", "message"),
    [
        ("profanity", "awful", "must be one of mild, strong, severe"),
        ("insult", "mild", "only profanity is graded"),
    ],
)
def test_bad_min_grade_is_one_line_error(tmp_path, category, grade, message):
    data = _base()
    data["categories"][category]["min_grade"] = grade
    with pytest.raises(AuditorError, match=message):
        load_policy(_write(tmp_path, data))

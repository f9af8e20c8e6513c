"""Rewrite tests/fixtures/evidence_sample.json with the shipped model (after a retrain, never to hide a diff).

    python tests/tools/freeze_evidence_sample.py

Keeps the fixture's 425 texts; records the model version, each shipped policy's thresholds, and the scores
and evidence under each policy and at 0.5, plus the evidence of every category for the first 60 texts.
test_evidence_sample.py then checks that later changes leave them exactly as they are.
"""

from __future__ import annotations

import json
from pathlib import Path

from auditor.classify import CATEGORIES, Classifier
from auditor.policy import load_policy

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "evidence_sample.json"
POLICIES = ("default", "family", "edgy")
EVERY_CATEGORY = 60


def main() -> None:
    texts = json.loads(FIXTURE.read_text(encoding="utf-8"))["texts"]
    clf = Classifier.load()
    policies = {name: dict(load_policy(name).thresholds) for name in POLICIES}
    cases = []
    for name in (*POLICIES, None):
        results = clf.classify(texts, thresholds=policies[name] if name else None)
        cases.append({"policy": name,
                      "results": [{"scores": r.scores, "evidence": r.evidence} for r in results]})
    every = [{c: clf.evidence(t, c) for c in CATEGORIES} for t in texts[:EVERY_CATEGORY]]
    frozen = {"model_version": clf.version, "cases": cases, "policies": policies, "texts": texts,
              "evidence_every_category": every}
    FIXTURE.write_text(json.dumps(frozen, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{FIXTURE}: {len(texts)} texts, model {clf.version}")


if __name__ == "__main__":
    main()

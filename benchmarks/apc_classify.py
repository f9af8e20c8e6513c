"""alt-profanity-check's whole process on a JSONL file, as a script would run it: the reference that
``benchmarks/end_to_end.py`` times against ``auditor classify`` on the same posts.

    python benchmarks/apc_classify.py IN.jsonl OUT.jsonl

Reads the rows (orjson, as auditor does), scores every text for profanity (its one category) in batches of
4,096 and writes one line per row: {"id": …, "profanity": p}.
"""

from __future__ import annotations

import sys

import orjson
from profanity_check import predict_prob

BATCH = 4096


def main(src: str, dest: str) -> None:
    with open(src, "rb") as fh_in, open(dest, "wb") as fh_out:
        while True:
            rows = [orjson.loads(line) for _, line in zip(range(BATCH), fh_in, strict=False)]
            if not rows:
                break
            probs = predict_prob([r["text"] for r in rows])
            fh_out.write(b"".join(orjson.dumps({"id": r.get("id"), "profanity": round(float(p), 4)}) + b"\n"
                                  for r, p in zip(rows, probs, strict=True)))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])

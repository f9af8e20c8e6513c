"""The one Post record every source produces."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from typing import Any, Literal

from auditor.textclean import valid_unicode

Kind = Literal["post", "reply", "repost", "quote", "comment"]
Visibility = Literal["public", "unlisted", "private", "direct", "unknown"]

KINDS: tuple[str, ...] = ("post", "reply", "repost", "quote", "comment")
VISIBILITIES: tuple[str, ...] = ("public", "unlisted", "private", "direct", "unknown")
#: Visibilities that may be classified and shown. Everything else is only counted.
AUDITABLE_VISIBILITIES = frozenset({"public", "unlisted"})


def _text(value: Any) -> str:
    return value if isinstance(value, str) else "" if value is None else str(value)


@dataclass(slots=True)
class Post:
    """One post, reply, repost, quote or comment, in the same shape for every platform.

    ``text`` is the clean text the classifiers read; ``raw_text`` is what the person saw, shown in reports.
    """

    id: str
    platform: str
    author: str
    created_at: datetime | None
    text: str
    raw_text: str
    kind: str = "post"
    url: str | None = None
    lang: str | None = None
    visibility: str = "public"
    deleted: bool = False
    account: str | None = None  # which audited account this came from, e.g. "x:@alice" (set by the source)
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # lone surrogates from broken JSON escapes would stop the report from being written as UTF-8
        # fields from a hostile file may hold any JSON value: text fields become text or nothing
        self.id = valid_unicode(str(self.id))
        self.text, self.raw_text = valid_unicode(_text(self.text)), valid_unicode(_text(self.raw_text))
        self.author = valid_unicode(_text(self.author))
        self.url = valid_unicode(self.url) if isinstance(self.url, str) and self.url else None
        self.lang = self.lang if isinstance(self.lang, str) and self.lang else None
        self.account = valid_unicode(self.account) if isinstance(self.account, str) and self.account else None
        if self.kind not in KINDS:
            raise ValueError(f"unknown kind {self.kind!r}")
        if self.visibility not in VISIBILITIES:
            raise ValueError(f"unknown visibility {self.visibility!r}")
        if self.created_at is not None and self.created_at.tzinfo is None:
            self.created_at = self.created_at.replace(tzinfo=timezone.utc)
        elif self.created_at is not None:
            try:
                self.created_at = self.created_at.astimezone(timezone.utc)
            except OverflowError:  # 0001-01-01T00:00+01:00 has no UTC form: a "no date" placeholder
                self.extra["date_given"] = self.created_at.isoformat()
                self.created_at = None

    @property
    def authored(self) -> bool:
        """True for the person's own words (everything but reposts)."""
        return self.kind != "repost"

    @property
    def auditable(self) -> bool:
        """Only public (or unlisted) posts are ever classified or shown."""
        return self.visibility in AUDITABLE_VISIBILITIES

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict, timestamps in ISO 8601."""
        d = asdict(self)
        d["created_at"] = self.created_at.isoformat() if self.created_at else None
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Post:
        created = d.get("created_at")
        return cls(
            id=str(d["id"]),
            platform=d["platform"],
            author=d.get("author", ""),
            created_at=datetime.fromisoformat(created) if created else None,
            text=d["text"],
            raw_text=d.get("raw_text", d["text"]),
            kind=d.get("kind", "post"),
            url=d.get("url"),
            lang=d.get("lang"),
            visibility=d.get("visibility", "public"),
            deleted=bool(d.get("deleted", False)),
            account=d.get("account"),
            extra=d.get("extra") or {},
        )

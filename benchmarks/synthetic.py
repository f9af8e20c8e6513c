"""Synthetic posts for the end-to-end benchmark: everyday posts, about 13% of them written to be political,
profane, insulting or snarky (what a real account holds; the share the models flag is measured, not assumed),
some replies, reposts, links, long posts and posts in other languages. Every text is built here from templates
and word lists written for this benchmark (none is copied from a data set), with a fixed seed, so a size
always gives the same posts.

    from benchmarks.synthetic import posts, write_jsonl, write_x_archive
"""

from __future__ import annotations

import io
import json
import random
import zipfile
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

NAMES = ("Sam", "Priya", "Jordan", "Alex", "Mina", "Tom", "Rosa", "Kofi", "Lena", "Ravi", "Ada", "Noah",
         "Ivy", "Omar", "Zoe", "Luis", "Hana", "Ben", "Maya", "Theo")
PLACES = ("Leeds", "the lake", "downtown", "Lisbon", "the office", "the farmers market", "Denver",
          "the coast", "the new cafe", "Glasgow", "the library", "the gym", "Austin", "the harbour",
          "the old mill")
THINGS = ("sourdough", "the new release", "our quarterly report", "a long run", "the playoffs",
          "this podcast", "the team offsite", "a new keyboard", "my tomato plants", "the conference talk",
          "the launch", "a rainy hike", "the pottery class", "our roadmap", "the book club pick",
          "a vintage camera", "the hackathon", "my first marathon", "the museum", "a dim sum lunch")
FEELINGS = ("really enjoyed", "loved", "can't stop thinking about", "finally finished", "just tried",
            "spent the weekend on", "am so proud of", "learned a lot from", "had fun with", "recommend")
TIMES = ("this morning", "today", "last night", "this weekend", "on Friday", "after work", "all week",
         "yesterday", "at lunch", "before sunrise")
TOPICS = ("data pipelines", "customer research", "design systems", "remote teams", "onboarding",
          "accessibility", "coffee brewing", "trail running", "urban gardening", "budget travel",
          "film photography", "product analytics", "open source", "public speaking", "home repairs")
EMOJI = ("🙂", "🎉", "☕", "🌧️", "🚀", "🙌", "📚", "🌱", "", "", "", "")
POLICY = ("the housing bill", "the new tax plan", "the immigration reform", "the election results",
          "the senate vote on healthcare", "the minimum wage debate", "gun control laws",
          "the climate policy", "the abortion ruling", "the school funding vote",
          "the prime minister's speech", "the city council budget")
POLITICAL = (
    "Everyone needs to call their representative about {policy} before {time_end}.",
    "Watched the debate on {policy}. The government has to do better for {place}.",
    "Voting matters: {policy} will shape {place} for a decade. Register to vote!",
    "The parliament vote on {policy} is a disgrace to democracy #politics",
    "Protest against {policy} outside city hall {time}, {n} people showed up",
)
PROFANE = (
    "{name} this fucking printer jammed again {emoji}",
    "holy shit, {thing} was amazing",
    "what the hell is wrong with {place} traffic {time}",
    "damn, I {feeling} {thing} and it was so f*cking good",
    "ugh this shitty wifi at {place}",
    "bullshit meeting {time}, total waste of an hour",
)
INSULTING = (
    "@{handle} you are a complete idiot and everyone knows it",
    "@{handle} shut up, you pathetic clown",
    "{name} is such a moron, can't believe they run {thing}",
    "@{handle} nobody cares what a brainless troll like you thinks",
    "@{handle} you absolute loser, go away",
)
SNARKY = (
    "Oh great, another meeting that could have been an email. Just what I needed {time}.",
    "Wow, {place} traffic at 5pm, what a total surprise. Love it.",
    "Sure, because {thing} always works perfectly the first time. Genius.",
    "Yeah right, {name} definitely read the whole document. Totally.",
)
EVERYDAY = (
    "{feeling_cap} {thing} {time} {emoji}",
    "Great chat with {name} about {topic} at {place} {emoji}",
    "Anyone have tips for {topic}? Starting {time_end}.",
    "Thanks to everyone who came to {place} {time}! {emoji}",
    "New post on {topic}: {link}",
    "{name} and I {feeling} {thing} {time}. Highly recommend {place}.",
    "Reading about {topic} {time}. Lots to think about.",
    "Weather in {place} is perfect {time} {emoji}",
    "Coffee, {thing}, and a quiet morning {emoji}",
    "Hiring! We're looking for someone who loves {topic}. Details: {link}",
    "Day {n} of learning {topic}. Small progress but progress.",
    "Happy birthday {name}! Hope {place} treats you well {emoji}",
)
FOREIGN = (
    "Bonjour à tous, belle journée à {place} aujourd'hui avec les collègues",
    "Hoy fuimos al mercado con {name} y compramos muchas frutas frescas",
    "Heute Abend gehen wir mit {name} ins Kino, ich freue mich sehr darauf",
    "Oggi abbiamo fatto una bella passeggiata vicino al lago con gli amici",
    "Vandaag hebben we heerlijk gefietst langs de rivier met de kinderen",
)
# Share of each kind of post; flagged kinds add up to about 12%.
MIX = ((EVERYDAY, 0.83), (POLITICAL, 0.04), (PROFANE, 0.04), (INSULTING, 0.02), (SNARKY, 0.03),
       (FOREIGN, 0.04))
START = datetime(2016, 1, 1, tzinfo=timezone.utc)


def _handle(rng: random.Random) -> str:
    return f"{rng.choice(NAMES).lower()}_{rng.randrange(10, 9999)}"


def _link(rng: random.Random) -> str:
    return f"https://t.co/{''.join(rng.choices('abcdefghijkmnpqrstuvwxyzABCDEFGH23456789', k=10))}"


def _fill(template: str, rng: random.Random) -> str:
    feeling = rng.choice(FEELINGS)
    return template.format(
        name=rng.choice(NAMES), place=rng.choice(PLACES), thing=rng.choice(THINGS), feeling=feeling,
        feeling_cap=feeling[0].upper() + feeling[1:], time=rng.choice(TIMES), time_end="next week",
        topic=rng.choice(TOPICS), emoji=rng.choice(EMOJI), policy=rng.choice(POLICY), handle=_handle(rng),
        link=_link(rng), n=rng.randrange(2, 400),
    ).strip()


# Everyday asides people add to a post, built from the word lists below (no model vocabulary is used, so the
# share of flagged posts is whatever the models make of plain, ordinary writing).
ASIDES = (
    "{opener} {doing} {time}",
    "{opener} {doing}, then {doing2}",
    "Can't believe it's already {month}",
    "{food} for {meal} again",
    "Note to self: {chore} {time_end}",
    "{doing_cap} with {who}",
    "The {animal} next door {animal_act} {time}",
    "Still thinking about {thing}",
    "{n} {unit} later and {doing}",
    "Who else is {doing} {time}",
    "{weather_cap} in {place}, {reaction}",
    "{reaction_cap}, {doing} {time}",
    "Going to {plan} {time_end}",
    "Best part of {weekday}: {food}",
    "My {relative} says hi",
)
OPENERS = ("Finally", "Just", "Honestly", "So", "Well", "Okay", "Today I was", "Currently", "Spent an hour",
           "Ended up", "Mostly", "Quietly")
DOING = ("making pancakes", "cleaning out the garage", "reading on the balcony", "fixing the bike chain",
         "waiting for the train", "watering the plants", "answering emails", "planning the trip",
         "painting the hallway", "walking the dog", "sorting old photos", "learning a new recipe",
         "catching up on sleep", "packing for the weekend", "practising guitar", "baking bread",
         "writing thank-you cards", "assembling a bookshelf", "tidying my desk", "stretching after a run",
         "trying the new bakery", "looking for my keys", "rearranging the living room", "folding laundry",
         "studying for the exam", "updating my laptop", "repotting the basil", "calling my grandparents")
FOODS = ("Leftover pasta", "Tomato soup", "Oatmeal with berries", "A big salad", "Homemade pizza",
         "Toast and eggs", "Noodles", "Curry", "Tacos", "A bagel", "Fried rice", "Banana bread",
         "Grilled cheese", "Lentil stew", "Fresh strawberries")
MEALS = ("breakfast", "lunch", "dinner", "a late snack", "brunch")
CHORES = ("buy more coffee filters", "renew the library books", "call the dentist", "back up the laptop",
          "return the parcel", "book the car service", "water the ferns", "pay the electricity bill",
          "order new running shoes", "send the invoice")
WHO = ("my sister", "the kids", "my neighbour", "an old friend", "the team", "my dad", "my flatmate",
       "the book club", "my partner", "two colleagues")
ANIMALS = ("cat", "dog", "parrot", "puppy", "rabbit")
ANIMAL_ACTS = ("was napping in the sun", "chased a leaf for ten minutes", "knocked over a plant",
               "learned to open the gate", "would not stop sneezing", "stole a sock")
WEATHER = ("sunny", "foggy", "windy", "drizzly", "warm", "chilly", "snowing", "bright and cold")
REACTIONS = ("not complaining", "love it", "could be worse", "perfect for a walk", "time for tea",
             "fingers crossed", "so nice", "we'll see", "can't wait", "pretty happy about it")
PLANS = ("visit the farmers market", "try a yoga class", "finish the puzzle", "repaint the fence",
         "see the new exhibition", "start a herb garden", "go camping", "clean the windows",
         "learn to knit", "take the ferry")
MONTHS = ("January", "March", "May", "July", "September", "October", "December")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
UNITS = ("minutes", "hours", "pages", "emails", "steps", "kilometres")
RELATIVES = ("mum", "aunt", "grandma", "brother", "cousin", "uncle")
PUNCT = ("", "", ".", "!", "...", " :)", "!!", " haha", " lol")


def _typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(len(word))
    return word[:i] + word[i] + word[i:] if rng.random() < 0.5 else word[:i] + word[i + 1 :] or word


def _free_text(rng: random.Random) -> str:
    """An everyday aside as people type it: an ordinary sentence, sometimes a typo or lower case."""
    doing = rng.choice(DOING)
    weather, reaction = rng.choice(WEATHER), rng.choice(REACTIONS)
    text = rng.choice(ASIDES).format(
        opener=rng.choice(OPENERS), doing=doing, doing2=rng.choice(DOING), doing_cap=doing.capitalize(),
        time=rng.choice(TIMES), time_end=rng.choice(("tomorrow", "next week", "on Monday", "later")),
        month=rng.choice(MONTHS), food=rng.choice(FOODS), meal=rng.choice(MEALS), chore=rng.choice(CHORES),
        who=rng.choice(WHO), animal=rng.choice(ANIMALS), animal_act=rng.choice(ANIMAL_ACTS),
        thing=rng.choice(THINGS), n=rng.randrange(2, 60), unit=rng.choice(UNITS), place=rng.choice(PLACES),
        weather_cap=weather.capitalize(), reaction=reaction, reaction_cap=reaction.capitalize(),
        plan=rng.choice(PLANS), weekday=rng.choice(WEEKDAYS), relative=rng.choice(RELATIVES),
    )
    words = text.split()
    if rng.random() < 0.08:  # a typo in one word
        i = rng.randrange(len(words))
        words[i] = _typo(words[i], rng)
    text = " ".join(words)
    if rng.random() < 0.15:  # typed on a phone without capitals
        text = text.lower()
    return text + rng.choice(PUNCT)


def _decorate(text: str, rng: random.Random) -> str:
    """What makes every real post a little different: tags, mentions, numbers, links, a second sentence."""
    if rng.random() < 0.7:
        aside = _free_text(rng)
        stop = ". " if aside[-1].isalnum() else " "
        text = f"{text} {aside}" if rng.random() < 0.6 else f"{aside}{stop}{text}"
    roll = rng.random()
    if roll < 0.15:
        text += f" #{rng.choice(TOPICS).replace(' ', '')}{rng.randrange(1, 99)}"
    elif roll < 0.3:
        text += f" cc @{_handle(rng)}"
    elif roll < 0.4:
        text += f" {_link(rng)}"
    elif roll < 0.5:
        text += f" ({rng.randrange(1, 60)} min read)"
    if rng.random() < 0.03:  # a long post: several sentences, read in windows
        text += " " + " ".join(_fill(rng.choice(EVERYDAY), rng) for _ in range(rng.randrange(3, 7)))
    return text


def posts(n: int, seed: int = 20261206) -> Iterator[dict]:
    """``n`` post records: id, text, created_at (ISO 8601), kind (post, reply or repost), lang hint."""
    rng = random.Random(seed)
    pools, weights = zip(*MIX, strict=True)
    step = timedelta(days=9 * 365) / max(n, 1)
    seen: set[str] = set()
    for i in range(n):
        text = ""
        while not text or text in seen:  # every text unique: a repeat is drawn again
            pool = rng.choices(pools, weights)[0]
            text = _decorate(_fill(rng.choice(pool), rng), rng)
        seen.add(text)
        kind = "post"
        roll = rng.random()
        if roll < 0.08:
            text, kind = f"RT @{_handle(rng)}: {text}", "repost"
        elif roll < 0.25 and not text.startswith("@"):
            text, kind = f"@{_handle(rng)} {text}", "reply"
        elif text.startswith("@"):
            kind = "reply"
        created = (START + step * i).isoformat()
        yield {"id": str(10**17 + i), "text": text, "created_at": created, "kind": kind}


def write_jsonl(path: Path, n: int) -> Path:
    """The posts as JSONL (id, text): the input of ``auditor classify``."""
    with Path(path).open("w", encoding="utf-8") as fh:
        for p in posts(n):
            fh.write(json.dumps({"id": p["id"], "text": p["text"]}, ensure_ascii=False) + "\n")
    return Path(path)


def _tweet(p: dict, user: str) -> dict:
    """A tweets.js item shaped like a 2024 export (the fields real exports carry, padding included)."""
    created = datetime.fromisoformat(p["created_at"]).strftime("%a %b %d %H:%M:%S +0000 %Y")
    text = p["text"].replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    tweet = {
        "edit_info": {"initial": {"editTweetIds": [p["id"]], "editableUntil": "2024-01-01T00:00:00.000Z",
                                  "editsRemaining": "5", "isEditEligible": True}},
        "retweeted": False,
        "source": '<a href="https://mobile.twitter.com" rel="nofollow">Twitter Web App</a>',
        "entities": {"hashtags": [], "symbols": [], "user_mentions": [], "urls": []},
        "display_text_range": ["0", str(len(p["text"]))], "favorite_count": "3", "id_str": p["id"],
        "truncated": False, "retweet_count": "0", "id": p["id"], "created_at": created, "favorited": False,
        "full_text": text, "lang": "en",
    }
    if p["kind"] == "reply":
        tweet["in_reply_to_status_id_str"] = str(int(p["id"]) - 7)
        tweet["in_reply_to_screen_name"] = p["text"].split()[0][1:]
    return {"tweet": tweet}


def write_x_archive(path: Path, n: int, user: str = "bench_user") -> Path:
    """An X archive zip (data/manifest.js, data/tweets.js) holding the posts: the input of ``audit``."""
    buf = io.StringIO()
    buf.write("window.YTD.tweets.part0 = [")
    for i, p in enumerate(posts(n)):
        buf.write(("," if i else "") + "\n  " + json.dumps(_tweet(p, user), ensure_ascii=False))
    buf.write("\n]")
    manifest = {"userInfo": {"accountId": "42", "userName": user, "displayName": "Bench User"},
                "archiveInfo": {"sizeBytes": "0", "isPartialArchive": False},
                "dataTypes": {"tweets": {"files": [{"fileName": "data/tweets.js",
                                                    "globalName": "YTD.tweets.part0", "count": str(n)}]}}}
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("data/manifest.js", "window.__THAR_CONFIG = " + json.dumps(manifest, indent=2))
        zf.writestr("data/tweets.js", buf.getvalue())
    return Path(path)

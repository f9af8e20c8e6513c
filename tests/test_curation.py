"""The politics training data's curation rule (models/data.py OnTopic): which texts name politics."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

MODELS = Path(__file__).resolve().parents[1] / "models"


@pytest.fixture(scope="module")
def on_topic():
    spec = importlib.util.spec_from_file_location("auditor_training_data", MODELS / "data.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module.OnTopic()


@pytest.mark.parametrize(
    "text",
    [
        "Proud to vote for the farm bill today. #Obamacare repeal next?",
        "My bill to protect seniors passed the House this afternoon.",
        "The Supreme Court ruling on voting rights is a big deal.",
        "Pro-life rally on the capitol steps at noon.",
        "Sequestration cuts hit our county's schools hardest.",
    ],
)
def test_texts_that_name_politics(on_topic, text):
    assert on_topic(text)


@pytest.mark.parametrize(
    "text",
    [
        "Happy Labor Day! Proud to salute all the hardworking men and women of our state.",
        "Spending time with family this weekend before the session starts.",
        "Woke up early for the parade, what a turnout!",
        "Great game on the basketball court with the Boys & Girls Club.",
        "Congrats to Bill and the whole team at the bakery on 25 years.",
        "Right now the left lane of the bridge is closed.",
    ],
)
def test_ambiguous_words_do_not_count(on_topic, text):
    assert not on_topic(text)

"""WordLlama word vectors: read offline from the installed wheel, checked against the model, linear."""

import numpy as np
import pytest

from auditor.classify import Classifier
from auditor.classify.embedding import WordVectors, package_dir
from auditor.errors import AuditorError


def test_vectors_come_from_the_wheel_and_have_unit_length():
    assert (package_dir() / "weights").is_dir()
    wv = WordVectors(16)
    v = wv.vectors(["pension", "strike", ""])
    assert v.shape == (3, 16)
    assert np.allclose(np.linalg.norm(v[:2], axis=1), 1.0, atol=1e-5)
    assert not v[2].any()  # no subwords, no vector
    assert np.array_equal(v, wv.vectors(["pension", "strike", ""]))


def test_a_different_weights_file_is_refused():
    with pytest.raises(AuditorError, match="differ from those the model was trained with"):
        WordVectors(16, expected_sha256="0" * 64)


def test_shipped_model_uses_word_vectors_and_each_word_share_is_exact():
    clf = Classifier.load()
    feat = clf.featuriser
    assert feat.embed_dims > 0
    text = "union members vote to strike over pensions"
    block = slice(feat.off_embed, feat.off_doc)
    x = feat.transform([text])[:, block].toarray()[0]
    tokens = feat.tokens_of_texts([text])[0]
    rows, _ = feat.token_rows(tokens)
    per_word = rows[:, block].toarray()  # each word's own vector: the text's columns are their sum
    assert np.allclose(x, per_word.sum(axis=0) / np.sqrt(len(tokens)), atol=1e-6)
    # and scoring (which adds the vectors as category scores) equals the feature matrix times the weights
    full = feat.transform([text]) @ clf.coef
    assert np.allclose(feat.row_scores([text], clf.coef, windows=False)[0][0], np.asarray(full)[0])


def test_hyphenated_word_is_one_token():
    clf = Classifier.load()
    assert clf.featuriser.tokens_of_texts(["my in-laws are here"])[0] == ["my", "in_laws", "are", "here"]
    assert "fucking" in clf.featuriser.tokens_of_texts(["what a f*cking-idiot"])[0]

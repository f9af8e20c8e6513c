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
    x = feat.transform([text])
    units, doc, scale = feat.units(text)
    weights = clf.coef[:, clf.heads.index("politics")]
    from_units = sum(float(weights[u.cols] @ np.asarray(u.vals)) for u in units) * scale
    total = from_units + float(doc @ weights[feat.off_doc :])
    assert total == pytest.approx(float((x @ weights)[0]), abs=1e-6)


def test_hyphenated_word_is_one_token():
    clf = Classifier.load()
    assert clf.featuriser.tokens_of_texts(["my in-laws are here"])[0] == ["my", "in_laws", "are", "here"]
    assert "fucking" in clf.featuriser.tokens_of_texts(["what a f*cking-idiot"])[0]

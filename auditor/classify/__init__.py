"""Brand-safety classifiers: politics, profanity, insult, hate and snark, with evidence for every flag."""

from auditor.classify.model import CATEGORIES, Classification, Classifier

__all__ = ["CATEGORIES", "Classification", "Classifier"]

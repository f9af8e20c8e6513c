"""auditor: a local-first brand-safety audit of a person's public social-media history."""

__version__ = "0.1.0"

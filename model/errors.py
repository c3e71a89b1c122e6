"""Errors of bad input: what the user gave cannot be used.

Each carries a one-line message naming the file (or option), the field and what is wrong; the
command line prints it and exits with status 2. Anything else that escapes is an internal error.
"""

from __future__ import annotations


class InputError(ValueError):
    """Bad input of any kind; the message is one line for the user."""


class ScenarioError(InputError):
    """A scenario file that cannot be used."""


class UsageError(InputError):
    """Bad input that is not a scenario file: an option value, an experiment file, a folder."""

"""Errors and warnings raised by effekt.

Every problem with the caller's input raises :class:`EffektError`, a subclass of
:class:`ValueError`, whose message names the argument or column, the offending value and
what to do about it. Situations where a result can still be computed but deserves
attention emit a named warning (a subclass of :class:`EffektWarning`).

Examples
--------
>>> from effekt.errors import EffektError
>>> issubclass(EffektError, ValueError)
True
"""

from __future__ import annotations

__all__ = [
    "EffektError",
    "ColumnError",
    "MissingValueError",
    "EffektWarning",
    "SmallSampleWarning",
    "OverlapWarning",
    "ComparabilityWarning",
    "ConvergenceWarning",
    "DroppedRowsWarning",
    "UndefinedValueWarning",
    "quote",
]


def quote(value: object) -> str:
    """A value as error messages show it: strings in quotes, anything else as printed.

    Examples
    --------
    >>> quote("job"), quote(3)
    ("'job'", '3')
    """
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 80 else f"{text[:60]}... ({len(text)} characters)"


class EffektError(ValueError):
    """Invalid input to an effekt function; the message says which argument and how to fix it."""


class ColumnError(EffektError):
    """A column is absent from the DataFrame or holds values of the wrong kind."""


class MissingValueError(ColumnError):
    """A column used by the estimator holds missing values."""


class EffektWarning(UserWarning):
    """Base class of effekt's warnings."""


class SmallSampleWarning(EffektWarning):
    """Counts are too small for the requested large-sample method to be trusted."""


class OverlapWarning(EffektWarning):
    """Treated and control units overlap poorly, or some units could not be matched."""


class ComparabilityWarning(EffektWarning):
    """Groups being compared differ in case mix or period, so the comparison may mislead."""


class ConvergenceWarning(EffektWarning):
    """An iterative fit (e.g. a logistic regression) did not converge."""


class DroppedRowsWarning(EffektWarning):
    """Rows were dropped on request (``missing='drop'``); the message gives the count."""


class UndefinedValueWarning(EffektWarning):
    """An estimate or standard error is NaN or infinite, so the interval and p-value are NaN;
    the result's ``summary()`` carries a note saying so."""

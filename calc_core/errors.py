"""The one error type that user input can raise.

Every problem with what a visitor typed -- a syntax error, a number too large, an
expression too complex, a point outside the domain -- is an :class:`InputError`.
It carries a stable ``code`` (the key a translation catalog uses), the ``params``
the message needs, and the 0-based ``column`` it points at, so a page can show it
in the visitor's language with a caret under the culprit.

Examples
--------
>>> err = InputError("unknown_name", "Unknown name 'xy'.", column=3, name="xy")
>>> isinstance(err, ValueError), err.code, err.column, err.params["name"]
(True, 'unknown_name', 3, 'xy')
"""

from __future__ import annotations

from typing import Any


class InputError(ValueError):
    """A problem with user input, explained for a student.

    Parameters
    ----------
    code : str
        Stable key of the message (``"unexpected_char"``, ``"too_complex"``, ...).
    message : str
        The English message; translations are looked up by ``code``.
    column : int or None
        0-based position in the input text the message refers to.
    field : str or None
        Name of the input the error belongs to (``"f"``, ``"at"``, ...), if known.
    **params
        Values substituted into the translated message (``{name}``, ``{limit}``, ...).
    """

    def __init__(
        self,
        code: str,
        message: str,
        *,
        column: int | None = None,
        field: str | None = None,
        **params: Any,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.column = column
        self.field = field
        self.params = params

    def __reduce__(self):  # keep code/column/params when sent back from a worker process
        return (_rebuild, (self.code, self.message, self.column, self.field, self.params))

    def __repr__(self) -> str:
        return f"InputError({self.code!r}, {self.message!r}, column={self.column!r})"

    def with_field(self, field: str) -> InputError:
        """Return a copy tagged with the input it came from."""
        return InputError(self.code, self.message, column=self.column, field=field, **self.params)


def _rebuild(code, message, column, field, params):
    return InputError(code, message, column=column, field=field, **params)


#: The code of a failure that is a bug and not the input's fault (``lab_ui.shell.compute``
#: logs it and shows this code's message instead of a traceback).
INTERNAL_ERROR = "internal_error"

#: Every error code calc_core can raise, with the parameters its message uses.
#: The translation catalogs must cover each of these (a test checks it).
ERROR_CODES: dict[str, tuple[str, ...]] = {
    "empty": (),
    "too_long": ("limit", "length"),
    "unexpected_char": ("char",),
    "unexpected_token": ("token",),
    "unexpected_end": (),
    "unclosed_paren": (),
    "unmatched_paren": (),
    "unknown_name": ("name", "suggestion"),
    "unknown_name_plain": ("name", "allowed"),
    "unknown_function": ("name",),
    "function_needs_parens": ("name",),
    "wrong_arg_count": ("name", "expected", "got"),
    "variable_not_allowed": ("name", "allowed"),
    "comparison_not_allowed": ("token",),
    "too_deep": ("limit",),
    "too_many_nodes": ("limit",),
    "number_too_long": ("limit",),
    "number_too_large": ("limit",),
    "exponent_too_large": ("limit",),
    "constant_too_large": ("limit",),
    "constant_too_small": ("limit",),
    "constant_too_long": ("limit",),
    "exponent_denominator": ("limit",),
    "bad_number": ("text",),
    "undefined_constant": (),
    "too_complex": ("seconds",),
    INTERNAL_ERROR: (),
    "not_a_number": ("text",),
    "not_finite": ("text",),
    "out_of_range": ("low", "high"),
    "not_positive": (),
    "not_integer": ("text",),
    # vectors and norms (parse(..., vectors=...)) and points of R^n (the gradients page)
    "vector_not_scalar": ("name", "coordinates"),
    "norm_needs_vector": ("vectors",),
    "norm_order": ("limit",),
    "inf_only_in_norm": (),
    "wrong_point_size": ("expected", "got"),
    "dimension_too_small": ("name", "n", "needed"),
    # named definitions and points (calc_core.definitions; the chain-rule page)
    "definition_syntax": (),
    "definition_name": ("name",),
    "definition_empty": ("name",),
    "reserved_name": ("name",),
    "duplicate_name": ("name",),
    "too_many_definitions": ("limit",),
    "undeclared_variable": ("name", "allowed"),
    "definition_cycle": ("cycle",),
    "no_inputs": (),
    "too_many_paths": ("limit", "name"),
    # the plotted interval and the tangent point (the tangent page)
    "domain_reversed": ("xmin", "xmax"),
    "domain_too_small": ("width",),
    "x0_outside": ("x0", "xmin", "xmax"),
    # answers typed on the exercises page (calc_core.answers)
    "too_many_components": ("limit", "got"),
    # working in a lower precision (calc_core.precision; limits page, gradient check)
    "dtype_overflow": ("value", "dtype", "max"),
    "no_complex_dtype": ("dtype",),
    "wrong_gradient_size": ("expected", "got"),
}

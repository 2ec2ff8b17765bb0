"""The floating-point formats deep learning computes in, and where each stops resolving a step.

float64 is numpy's default; frameworks train in float32, float16 and bfloat16. This is
the one module of calc_core that imports ``ml_dtypes`` (it gives numpy a ``bfloat16``);
everything else asks it for a format by name.

=========  ===========  ==============  =====================
format     ε            fl(1 + h) == 1  best h: forward / central
=========  ===========  ==============  =====================
float64    2.2e-16      h ≤ 1.1e-16     ~1.5e-8 / ~6.1e-6
float32    1.2e-7       h ≤ 6.0e-8      ~3.5e-4 / ~4.9e-3
float16    9.8e-4       h ≤ 4.9e-4      ~3.1e-2 / ~9.9e-2
bfloat16   7.8e-3       h ≤ 3.9e-3      ~8.8e-2 / ~2.0e-1
=========  ===========  ==============  =====================

Examples
--------
>>> collapse_step(1.0, "float32")  # 2**-24: 1 + h rounds back to 1 from here down
5.960464477539063e-08
>>> shortest(2.3, "bfloat16"), shortest(2.3, "float32")
('2.3', '2.3')
>>> float(to_dtype(2.3, "bfloat16"))
2.296875
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import ml_dtypes
import numpy as np

from calc_core.errors import InputError

#: The formats offered, float64 first (the default and the reference).
DTYPES = ("float64", "float32", "float16", "bfloat16")
_NUMPY = {
    "float64": np.dtype(np.float64),
    "float32": np.dtype(np.float32),
    "float16": np.dtype(np.float16),
    "bfloat16": np.dtype(ml_dtypes.bfloat16),
}
#: numpy's complex type of the same precision (none below float32: no complex step there).
_COMPLEX = {"float64": np.dtype(np.complex128), "float32": np.dtype(np.complex64)}


@dataclass(frozen=True)
class Format:
    """One floating-point format's constants, as plain floats."""

    name: str
    eps: float  # distance from 1 to the next larger number
    smallest_normal: float
    max: float
    bits: int  # significand bits, the implicit one included

    @property
    def has_complex(self) -> bool:
        return self.name in _COMPLEX


def check_name(name: str) -> None:
    """Refuse a format this module does not know (field ``dtype``)."""
    if name not in _NUMPY:
        raise InputError(
            "out_of_range",
            f"Unknown dtype {name!r}.",
            field="dtype",
            low=DTYPES[0],
            high=DTYPES[-1],
        )


def format_of(name: str) -> Format:
    """The constants of format ``name`` (one of :data:`DTYPES`)."""
    check_name(name)
    info = ml_dtypes.finfo(_NUMPY[name]) if name == "bfloat16" else np.finfo(_NUMPY[name])
    return Format(
        name=name,
        eps=float(info.eps),
        smallest_normal=float(info.smallest_normal),
        max=float(info.max),
        bits=int(info.nmant) + 1,
    )


def numpy_dtype(name: str) -> np.dtype:
    check_name(name)
    return _NUMPY[name]


def complex_dtype(name: str) -> np.dtype | None:
    """numpy's complex type of this precision, or None (float16 and bfloat16 have none)."""
    check_name(name)
    return _COMPLEX.get(name)


def to_dtype(values, name: str) -> np.ndarray:
    """``values`` rounded to format ``name`` (round to nearest, ties to even)."""
    return np.asarray(values, dtype=float).astype(numpy_dtype(name))


def shortest(value: float, name: str) -> str:
    """The shortest decimal text that rounds back to ``value`` in format ``name``.

    >>> shortest(0.1, "float64"), shortest(float(to_dtype(0.1, "float16")), "float16")
    ('0.1', '0.1')
    """
    value = float(value)
    if not math.isfinite(value):
        return repr(value)
    if name == "float64":
        return repr(value)
    target = to_dtype(value, name)
    for digits in range(1, 18):
        text = f"{value:.{digits}g}"
        if to_dtype(float(text), name) == target:
            return text
    return repr(value)  # pragma: no cover - 17 digits always round-trip


def collapse_step(x0: float, name: str) -> float | None:
    """The largest power of two h with fl(x0 + h) == fl(x0) in format ``name``.

    From this h down, the forward quotient's numerator f(x0 + h) − f(x0) is exactly 0.
    None when no step the format holds is absorbed (x0 = 0: 0 + h is h; x0 among the
    subnormals, where even the smallest number moves it) and where x0 overflows.
    """
    dtype = numpy_dtype(name)
    x = to_dtype(x0, name)
    if x == 0 or not np.isfinite(x):
        return None
    h = 2.0 ** (math.floor(math.log2(abs(float(x)))) + 1)  # 2h > |x|: never absorbed
    with np.errstate(all="ignore"):
        while (x + np.asarray(h).astype(dtype)).astype(dtype) != x:
            h /= 2
            if np.asarray(h).astype(dtype) == 0:
                return None
    return h


def sweep_floor(name: str) -> float:
    """The smallest step the error sweep tries: the power of ten just below ε/2.

    Just past the point where fl(1 + h) == 1, so every chart shows the collapse:
    1e-16 in float64, 1e-8 in float32, 1e-4 in float16, 1e-3 in bfloat16.
    """
    return 10.0 ** math.floor(math.log10(format_of(name).eps / 2))


__all__ = [
    "DTYPES",
    "Format",
    "check_name",
    "collapse_step",
    "complex_dtype",
    "format_of",
    "numpy_dtype",
    "shortest",
    "sweep_floor",
    "to_dtype",
]

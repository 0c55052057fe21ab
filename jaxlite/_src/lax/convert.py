"""convert_element_type: the primitive with all of its rules, and its lax wrapper."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from jaxlite._src import core, dtypes
from jaxlite._src.core import get_aval
from jaxlite._src.interpreters.ad import Zero
from jaxlite._src.lax import lowering as _lowering
from jaxlite._src.rules import deflinear, defvectorized, float_to_int, standard_primitive


def _convert_impl(x, *, new_dtype, weak_type):
    if x.dtype == new_dtype:
        return x
    new_dtype = np.dtype(new_dtype)
    if x.dtype.kind == "c" and new_dtype.kind != "c":
        x = np.real(x)  # complex to real keeps the real part (without NumPy's warning)
    if x.dtype.kind == "f" and new_dtype.kind in "iu":
        return float_to_int(x, new_dtype)
    return x.astype(new_dtype)


def _convert_transpose(ct, x, *, new_dtype, weak_type):
    aval = x.aval
    if not dtypes.is_inexact(aval.dtype):
        return [None]
    return [convert_element_type_p.bind(ct, new_dtype=aval.dtype, weak_type=aval.weak_type)]


# convert_element_type: linear between inexact dtypes; integers get float0 tangents.
convert_element_type_p = standard_primitive(
    "convert_element_type",
    _convert_impl,
    lambda x, **p: x.shape,
    lambda x, *, new_dtype, weak_type: np.dtype(new_dtype),
    lambda w, *, new_dtype, weak_type: weak_type,
)
deflinear(convert_element_type_p, _convert_transpose)
_convert_jvp_linear = convert_element_type_p.jvp


def _convert_jvp(primals, tangents, *, new_dtype, weak_type):
    if not dtypes.is_inexact(np.dtype(new_dtype)) or not dtypes.is_inexact(
        get_aval(primals[0]).dtype
    ):
        ans = convert_element_type_p.bind(*primals, new_dtype=new_dtype, weak_type=weak_type)
        return ans, Zero(get_aval(ans).to_tangent_aval())
    return _convert_jvp_linear(primals, tangents, new_dtype=new_dtype, weak_type=weak_type)


convert_element_type_p.jvp = _convert_jvp
defvectorized(convert_element_type_p)

convert_element_type_p.lower = _lowering.convert_element_type


def convert_element_type(x: Any, new_dtype: Any, weak_type: bool = False) -> Any:
    """Casts `x` to `new_dtype` (canonicalised), as `lax.convert_element_type`; a cast to the
    same dtype and weak type returns `x` unchanged (no equation). A complex value cast to a
    real type keeps its real part, with NumPy's ComplexWarning, as in JAX."""
    dt = dtypes.canonicalize_dtype(new_dtype)
    aval = get_aval(x)
    if aval.dtype.kind == "c" and dt.kind != "c":
        warnings.warn(
            "Casting complex values to real discards the imaginary part",
            np.exceptions.ComplexWarning,
            stacklevel=2,
        )
    if aval.dtype == dt and aval.weak_type == weak_type and not isinstance(x, (int, float)):
        return x
    return convert_element_type_p.bind(x, new_dtype=dt, weak_type=weak_type)


core.ops.convert_element_type = convert_element_type

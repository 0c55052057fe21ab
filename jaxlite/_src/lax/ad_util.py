"""stop_gradient: identity on values, zero derivative."""

from __future__ import annotations

from typing import Any

from jaxlite._src.rules import defjvp_zero, defvectorized, standard_primitive
from jaxlite._src.tree_util import tree_map

# stop_gradient: d(stop_gradient x) = 0.
stop_gradient_p = standard_primitive(
    "stop_gradient", lambda x: x, lambda x: x.shape, lambda x: x.dtype, lambda w: w
)
defjvp_zero(stop_gradient_p)
defvectorized(stop_gradient_p)
stop_gradient_p.transpose = lambda ct, x: [None]


def stop_gradient(x: Any) -> Any:
    """Identity on values whose derivative is zero; maps over pytrees."""
    return tree_map(stop_gradient_p.bind, x)


__all__ = ["stop_gradient"]

"""Custom derivative rules: custom_jvp, custom_vjp, custom_gradient, closure_convert.

Modules: `common` (records, argument handling, the closure guard, batching helpers),
`custom_jvp`, `custom_vjp` (with `custom_lin` and `remat_opt`), `extras` (custom_gradient,
closure_convert), `check_rule` (the rule checker behind `jaxlite.test_util.check_rule`).
"""

from jaxlite._src.custom_derivatives.common import (
    CustomVJPException,
    CustomVJPPrimal,
    SymbolicZero,
    custom_vjp_primal_tree_values,
    zero_from_primal,
)
from jaxlite._src.custom_derivatives.custom_jvp import custom_jvp, custom_jvp_call_p
from jaxlite._src.custom_derivatives.custom_vjp import (
    custom_lin_p,
    custom_vjp,
    custom_vjp_call_p,
    remat_opt_p,
)
from jaxlite._src.custom_derivatives.extras import closure_convert, custom_gradient

__all__ = [
    "CustomVJPException",
    "CustomVJPPrimal",
    "SymbolicZero",
    "closure_convert",
    "custom_gradient",
    "custom_jvp",
    "custom_jvp_call_p",
    "custom_lin_p",
    "custom_vjp",
    "custom_vjp_call_p",
    "custom_vjp_primal_tree_values",
    "remat_opt_p",
    "zero_from_primal",
]

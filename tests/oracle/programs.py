"""The oracle corpus: small programs written once against a module pair `(jax, jnp)`.

Every program is a builder `prog_NAME(jax, jnp) -> (fn, args)`. The test runs it twice, with
`(jax, jax.numpy)` and with `(jaxlite, jaxlite.numpy)`, calls `fn(*args)` and compares the
outputs leaf by leaf (values, dtypes, weak types, shapes) and the output pytree structure.
Arguments are NumPy arrays or Python scalars built by the builder itself, so both runs see
identical inputs. Before the call the test turns NumPy arrays and NumPy scalars among the
arguments into the library's arrays (`jnp.asarray`), so that operators such as `x * y` or
`x.at[i]` inside `fn` run on the library under test; Python scalars are passed unchanged (they
are weakly typed). With `raw_args=True` the NumPy arguments are passed as they are (for `fn`
that is a transformation such as `jit` or `grad`, which must accept NumPy inputs).
`jax.lax`, `jax.nn` and `jax.tree_util` are reached through the module.

The programs live in programs_math.py, programs_arrays.py, programs_transforms.py,
programs_edge.py and programs_staging.py.

Flags on `@program(...)`:
  x64         also run the program with `jax_enable_x64` on (both libraries).
  jaxpr_text  also require `str(make_jaxpr(fn)(*args))` to be identical.
  raw_args    pass NumPy arguments to `fn` unconverted.
  rtol/atol   float tolerances where the default float32 ones are too tight.
"""

from . import (  # noqa: F401  (importing registers the programs)
    programs_arrays,
    programs_edge,
    programs_math,
    programs_staging,
    programs_transforms,
)
from ._registry import PROGRAMS, Program

__all__ = ["PROGRAMS", "Program"]

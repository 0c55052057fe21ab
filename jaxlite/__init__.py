"""jaxlite: JAX's programming model in pure Python on NumPy.

`import jaxlite as jax` and `import jaxlite.numpy as jnp` stand in for JAX's modules.
"""

from jaxlite._src.config import config as config
from jaxlite._src.config import enable_x64 as enable_x64
from jaxlite._src.core import ShapeDtypeStruct as ShapeDtypeStruct
from jaxlite._src.api import (
    block_until_ready as block_until_ready,
    device_get as device_get,
    device_put as device_put,
    eval_shape as eval_shape,
    grad as grad,
    hessian as hessian,
    jacfwd as jacfwd,
    jacrev as jacrev,
    jvp as jvp,
    linear_transpose as linear_transpose,
    linearize as linearize,
    make_jaxpr as make_jaxpr,
    value_and_grad as value_and_grad,
    vjp as vjp,
    vmap as vmap,
)
from jaxlite._src.ad_checkpoint import checkpoint as checkpoint, remat as remat
from jaxlite._src.jit import jit as jit

# `jax.Array` is the abstract array type: concrete arrays and tracers are both instances.
from jaxlite._src.numpy.array_methods import ndarray as Array  # noqa: F401
from jaxlite._src.custom_derivatives import (
    closure_convert as closure_convert,
    custom_gradient as custom_gradient,
    custom_jvp as custom_jvp,
    custom_vjp as custom_vjp,
)
from jaxlite import custom_derivatives as custom_derivatives
from jaxlite._src.tree_util import (
    tree_flatten as tree_flatten,
    tree_leaves as tree_leaves,
    tree_map as tree_map,
    tree_structure as tree_structure,
    tree_unflatten as tree_unflatten,
)
from jaxlite import lax as lax
from jaxlite import numpy as numpy
from jaxlite import nn as nn
from jaxlite import tree_util as tree_util
from jaxlite import errors as errors
from jaxlite import tree as tree
from jaxlite import dtypes as dtypes

__version__ = "0.1.0"


def devices(backend=None):
    """The one device jaxlite computes on."""
    return ["cpu"]


def default_backend() -> str:
    return "cpu"

"""Public lax: the primitives' wrappers (as `jax.lax`)."""

from jaxlite._src.lax import elementwise as _elementwise
from jaxlite._src.lax import linalg as _linalg
from jaxlite._src.lax import reductions as _reductions
from jaxlite._src.lax import shape as _shape
from jaxlite._src.lax import special as _special
from jaxlite._src.lax.ad_util import stop_gradient as stop_gradient
from jaxlite._src.lax.control_flow import associative_scan as associative_scan
from jaxlite._src.lax.control_flow import cond as cond
from jaxlite._src.lax.control_flow import fori_loop as fori_loop
from jaxlite._src.lax.control_flow import map as map
from jaxlite._src.lax.control_flow import scan as scan
from jaxlite._src.lax.control_flow import switch as switch
from jaxlite._src.lax.control_flow import while_loop as while_loop

try:
    from jaxlite._src.lax import slicing as _slicing
except ImportError:  # pragma: no cover - only while the slicing family is being written
    _slicing = None


def _export(mod) -> None:
    if mod is None:
        return
    for name in getattr(mod, "__all__", ()):
        globals()[name] = getattr(mod, name)


for _m in (_elementwise, _special, _shape, _slicing, _reductions, _linalg):
    _export(_m)
del _m, _export

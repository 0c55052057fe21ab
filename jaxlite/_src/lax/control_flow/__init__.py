"""Control flow: cond, switch, while_loop, fori_loop, scan, map, associative_scan."""

from jaxlite._src.lax.control_flow.associative_scan import associative_scan as associative_scan
from jaxlite._src.lax.control_flow.conditionals import cond as cond
from jaxlite._src.lax.control_flow.conditionals import cond_p as cond_p
from jaxlite._src.lax.control_flow.conditionals import switch as switch
from jaxlite._src.lax.control_flow.loops import while_loop as while_loop
from jaxlite._src.lax.control_flow.loops import while_p as while_p
from jaxlite._src.lax.control_flow.scan import fori_loop as fori_loop
from jaxlite._src.lax.control_flow.scan import map as map  # noqa: A004
from jaxlite._src.lax.control_flow.scan import scan as scan
from jaxlite._src.lax.control_flow.scan import scan_p as scan_p

__all__ = ["associative_scan", "cond", "fori_loop", "map", "scan", "switch", "while_loop"]

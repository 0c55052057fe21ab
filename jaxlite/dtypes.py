"""Public dtype utilities (as `jax.dtypes`)."""

from jaxlite._src.dtypes import canonicalize_dtype as canonicalize_dtype
from jaxlite._src.dtypes import float0 as float0
from jaxlite._src.dtypes import is_weakly_typed as is_weakly_typed
from jaxlite._src.dtypes import issubdtype as issubdtype
from jaxlite._src.dtypes import result_type as result_type

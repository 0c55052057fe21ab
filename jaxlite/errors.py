"""Public exception classes (as `jax.errors`)."""

from jaxlite._src.errors import (
    ConcretizationTypeError as ConcretizationTypeError,
)
from jaxlite._src.errors import (
    NonConcreteBooleanIndexError as NonConcreteBooleanIndexError,
)
from jaxlite._src.errors import (
    TracerArrayConversionError as TracerArrayConversionError,
)
from jaxlite._src.errors import (
    TracerBoolConversionError as TracerBoolConversionError,
)
from jaxlite._src.errors import (
    TracerIntegerConversionError as TracerIntegerConversionError,
)
from jaxlite._src.errors import (
    UnexpectedTracerError as UnexpectedTracerError,
)

"""The surface for op authors: define a primitive and its rules in one block.

>>> from jaxlite import extend
>>> import numpy as np
>>> cube_p = extend.unop("cube", lambda x: x ** 3, extend.FLOAT)
>>> extend.defjvp(cube_p, lambda g, ans, x: g * 3 * x ** 2)
"""

from jaxlite._src.core import Primitive as Primitive
from jaxlite._src.core import ShapedArray as ShapedArray
from jaxlite._src.interpreters.ad import UndefinedPrimal as UndefinedPrimal
from jaxlite._src.interpreters.ad import Zero as Zero
from jaxlite._src.rules import FLOAT as FLOAT
from jaxlite._src.rules import NUMBER as NUMBER
from jaxlite._src.rules import binop as binop
from jaxlite._src.rules import defbilinear as defbilinear
from jaxlite._src.rules import defbroadcasting as defbroadcasting
from jaxlite._src.rules import defjvp as defjvp
from jaxlite._src.rules import defjvp_zero as defjvp_zero
from jaxlite._src.rules import deflinear as deflinear
from jaxlite._src.rules import defreducer as defreducer
from jaxlite._src.rules import defvectorized as defvectorized
from jaxlite._src.rules import standard_primitive as standard_primitive
from jaxlite._src.rules import unop as unop

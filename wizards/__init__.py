from . import wholesale_ladder_apply
from . import stock_return_picking

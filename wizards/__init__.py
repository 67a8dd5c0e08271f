from . import wholesale_ladder_apply
from . import stock_return_picking
from . import wholesale_return_wizard
from . import wholesale_return_wizard_line
from . import wholesale_return_wizard_flows
from . import wholesale_statement_wizard

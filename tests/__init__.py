from . import test_foundation
from . import test_monthly_report
from . import test_oversell_guard
from . import test_unit_ladder
from . import test_pos_ui
from . import test_pool_flows
from . import test_access
from . import test_step_prices

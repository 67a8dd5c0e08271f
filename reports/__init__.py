from . import monthly_report
from . import monthly_report_sales
from . import monthly_report_stock
from . import monthly_report_reconciliation
from . import monthly_report_exports
from . import monthly_report_sections
from . import sale_report
from . import wholesale_monthly_report_xlsx

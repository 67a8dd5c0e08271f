from . import wholesale_monthly_report
from . import wholesale_monthly_report_xlsx

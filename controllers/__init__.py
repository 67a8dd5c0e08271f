from . import report_xlsx
from . import channel_sync

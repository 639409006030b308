"""HTML reports: the run report (``parcel-sandbox run --report``, ``parcel-sandbox report RUN_DIR``)
and the plotting style verify's report shares (``plotting``)."""

#: The run report's name in a run directory (``run`` replaces it with the logs it describes).
REPORT_FILE = "report.html"

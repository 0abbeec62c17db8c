"""News-event map: `streamlit run dashboard.py`.

The page lives in dashboard_app, imported once per server process so its
cached functions are not redefined on every rerun; this script only runs it.
"""

from dashboard_app import main

main()

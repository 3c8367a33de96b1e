"""Score-Function Lab's entry point: the sidebar's page list (ui.navigation) and the chosen page.

`streamlit run app.py`. The pages are the scripts in pages/, each at its own URL (see
ui/navigation.py's table); the landing page is pages/0_Home.py, at "/".
"""

import streamlit as st

from ui.navigation import navigation, run_page

st.set_page_config(page_title="Score-Function Lab", page_icon="∇", layout="wide")
run_page(navigation())

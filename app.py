"""Score-Function Lab's entry point: the sidebar's page list (ui.navigation) and the chosen page.

`streamlit run app.py`. The pages are the scripts in pages/, each at its own URL (see
ui/navigation.py's table); the landing page is pages/0_Home.py, at "/".

Streamlit runs this file as `__main__`; a worker process of ui.workers imports it again as
`__mp_main__` (multiprocessing re-imports the main script of a process it starts), where it
must not import Streamlit or draw the app — hence the guard. The server's first run also freezes
its imported modules out of the garbage collector's way (ui.heap).
"""

if __name__ == "__main__":
    import streamlit as st

    from ui.heap import freeze_imported_heap
    from ui.navigation import navigation, run_page

    st.set_page_config(page_title="Score-Function Lab", page_icon="∇", layout="wide")
    freeze_imported_heap()  # once per server process: the collection after each run stays cheap
    run_page(navigation())

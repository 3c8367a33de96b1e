"""The server's long-lived heap, kept out of the garbage collector's way.

Streamlit runs a full collection after every script run (`runner.postScriptGC`, gc.collect(2))
so that a run's cyclic garbage goes at once. A full collection walks every object the
interpreter tracks: with Streamlit, NumPy, SciPy, pandas, Altair and the lab imported, over
120,000 objects and 50–90 ms a run on the bench machine, and the run's last message reaches the
browser only after it (the collection holds the GIL the server's event loop needs to send it),
so every re-render waited for it. `freeze_imported_heap` imports every module a page can use,
collects once and calls gc.freeze() (Python ≥ 3.7: each object tracked now moves to a permanent
generation that collections skip; the Python docs' `gc` module, "gc.freeze"). Afterwards the
collection after a run walks only what runs and sessions created (0.3–5.5 ms on the bench
machine), so a run's garbage is still collected after it.
Frozen objects are module contents that live as long as the process; reference counting still
frees any of them that is dropped.
"""

from __future__ import annotations

import gc
import importlib
import pkgutil
import threading

from streamlit import runtime

PACKAGES = ("core", "ui")
_LOCK = threading.Lock()


def page_modules() -> list[str]:
    """Every module of core and ui (the command line's __main__ modules aside)."""
    names = []
    for package_name in PACKAGES:
        package = importlib.import_module(package_name)
        for module in pkgutil.walk_packages(package.__path__, f"{package_name}."):
            if not module.name.endswith(".__main__"):
                names.append(module.name)
    return names


def freeze_imported_heap(*, server_only: bool = True) -> None:
    """Once per process (a heap already frozen is left as it is): import page_modules(), collect,
    and gc.freeze() what is left. With `server_only`, only in a Streamlit server (not a test's
    AppTest, which shares its process)."""
    if server_only and not runtime.exists():
        return
    with _LOCK:
        if gc.get_freeze_count():
            return
        for name in page_modules():
            importlib.import_module(name)
        gc.collect()
        gc.freeze()

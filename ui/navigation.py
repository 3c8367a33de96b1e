"""The app's pages: one table (file, title, URL, sidebar section, home-page blurb) and the one
function every page runs through.

`app.py` calls `run_page(navigation())`: `navigation` draws the sidebar — "Home" first, the
pages grouped into sections — with `st.navigation`, and `run_page` runs the chosen page (the one
place to wrap every page run). A page whose file does not exist yet is left out. Each URL path
is set explicitly, so `/Bandit_derivation?theta=0.5` keeps working whatever the file is named.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import streamlit as st
from streamlit.navigation.page import StreamlitPage
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

PAGES_DIR = Path(__file__).resolve().parents[1] / "pages"


@dataclass(frozen=True)
class AppPage:
    """One page: its script in pages/, sidebar title, URL path ("" for home), sidebar section,
    icon and the sentence the home page's map shows beside its link."""

    script: str
    title: str
    url_path: str
    section: str
    icon: str
    description: str = ""

    @property
    def path(self) -> Path:
        return PAGES_DIR / self.script

    @property
    def exists(self) -> bool:
        return self.path.is_file()

    @property
    def number(self) -> str:
        """The number in the file name ("1" for 1_Bandit_derivation.py)."""
        return self.script.split("_", 1)[0]


HOME = AppPage("0_Home.py", "Home", "", "Start", ":material/home:")
# In reading order: the sidebar and the home page's map list them so, section by section.
PAGE_TABLE: tuple[AppPage, ...] = (
    HOME,
    AppPage(
        "1_Bandit_derivation.py", "Bandit derivation", "Bandit_derivation", "The estimator",
        ":material/casino:",
        "Derive it on a two-armed bandit, with your numbers, then check it three ways.",
    ),
    AppPage(
        "2_Score_checks.py", "Score checks", "Score_checks", "The estimator",
        ":material/functions:",
        "The score has mean zero and covariance = Fisher information — measured and checked.",
    ),
    AppPage(
        "10_Surrogate_loss.py", "The surrogate loss", "Surrogate_loss", "The estimator",
        ":material/calculate:",
        "The loss whose autodiff gradient is the score-function estimate, and what it is not.",
    ),
    AppPage(
        "3_Variance_vs_samples.py", "Variance vs samples", "Variance_vs_samples",
        "Variance and baselines", ":material/trending_down:",
        "Variance falls as 1/N: measure it on log-log axes, fit the slope, size a study.",
    ),
    AppPage(
        "4_Baselines.py", "Baselines", "Baselines", "Variance and baselines",
        ":material/balance:",
        "Baselines cut the variance without bias: none, constant, batch mean, RLOO, b*.",
    ),
    AppPage(
        "8_Group_baselines.py", "Group baselines (RLOO, GRPO)", "Group_baselines",
        "Variance and baselines", ":material/groups:",
        "Baselines from a group of samples of one prompt: leave-one-out (RLOO) and GRPO.",
    ),
    AppPage(
        "5_Continuous_and_nondifferentiable.py", "Continuous and non-smooth",
        "Continuous_and_nondifferentiable", "Beyond the bandit", ":material/show_chart:",
        "Continuous and non-differentiable costs: score vs pathwise vs measure-valued.",
    ),
    AppPage(
        "9_Discrete_estimators.py", "Discrete estimators", "Discrete_estimators",
        "Beyond the bandit", ":material/grain:",
        "Gradients through discrete samples: the score function beside its discrete rivals.",
    ),
    AppPage(
        "6_Trajectories.py", "Trajectories", "Trajectories", "Beyond the bandit",
        ":material/route:",
        "Trajectories: REINFORCE with the whole return vs reward-to-go as T grows.",
    ),
    AppPage(
        "7_Study_tables.py", "Study tables", "Study_tables", "Studies", ":material/table_chart:",
        "Study tables: a grid run from the command line or a cluster, read back and drawn.",
    ),
)  # fmt: skip


def existing_pages() -> Iterator[AppPage]:
    """The table's pages whose script exists, in table order (home first)."""
    return (page for page in PAGE_TABLE if page.exists)


def streamlit_page(page: AppPage) -> StreamlitPage:
    """`page` as an `st.Page` (an absolute path, so it can be built from any running script)."""
    return st.Page(
        page.path,
        title=page.title,
        icon=page.icon,
        url_path=page.url_path,
        default=page is HOME,
    )


def navigation() -> StreamlitPage:
    """Draw the sidebar's page list, grouped by section, and return the page to run."""
    sections: dict[str, list[StreamlitPage]] = {}
    for page in existing_pages():
        sections.setdefault(page.section, []).append(streamlit_page(page))
    return st.navigation(sections, expanded=True)


def run_under_entry_point() -> None:
    """If this run was started by Streamlit's pages/ directory mode, rerun it through app.py.

    Streamlit 1.67 decides per process, at its first session, whether an app "uses the pages
    directory" (pages/ beside the entry point); until some run has called `st.navigation` it
    runs a deep-linked page's file directly, with an automatic sidebar ("app", file names, no
    sections). The flag is cleared here and the run repeated, so even the first visitor of a
    fresh server gets app.py's navigation; later runs never come here. Called by every page
    (ui.layout.page_header); a page run alone (AppTest of one file) is left alone.
    """
    ctx = get_script_run_ctx()
    if ctx is None or not PagesManager.uses_pages_directory:
        return
    PagesManager.uses_pages_directory = False
    main_script = Path(ctx.main_script_path).resolve()
    pages = ctx.pages_manager.get_pages().values()
    if len(pages) > 1 and any(Path(p["script_path"]).resolve() == main_script for p in pages):
        st.rerun()


def run_page(page: StreamlitPage) -> None:
    """Run the chosen page: the one place every page run goes through."""
    page.run()

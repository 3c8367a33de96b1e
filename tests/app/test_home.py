"""AppTest of the entry point: the landing page (the trick, why the log, a map of the pages) and
the navigation table every page is registered in."""

from tests.app.page_runner import REPO_ROOT, assert_healthy, run_page, shown_text
from ui.navigation import HOME, PAGE_TABLE


def test_home_states_the_trick_and_why_the_log():
    app = run_page("app.py")
    assert_healthy(app)
    latex = "\n".join(element.value for element in app.latex)
    assert r"f(x)\, \nabla_\theta \log p(x\mid\theta)" in latex
    assert r"\begin{aligned}" in latex and r"\begin{align}" not in latex
    assert "nabla_\\theta p = p" in shown_text(app)


def test_home_links_to_every_page_in_the_sidebars_order():
    app = run_page("app.py")
    links = app.get("page_link")
    expected = [page for page in PAGE_TABLE if page is not HOME and page.path.is_file()]
    # A page link names the URL path the page is served at.
    assert [link.proto.page for link in links] == [page.url_path for page in expected]
    assert [link.proto.label for link in links] == [page.title for page in expected]
    assert [h.value for h in app.subheader] == list(dict.fromkeys(p.section for p in expected))


def test_every_script_in_pages_is_registered_once_with_a_url_of_its_own():
    scripts = sorted(path.name for path in (REPO_ROOT / "pages").glob("*.py"))
    registered = [page.script for page in PAGE_TABLE if page.path.is_file()]
    assert sorted(registered) == scripts
    url_paths = [page.url_path for page in PAGE_TABLE]
    assert len(set(url_paths)) == len(url_paths)


def test_the_old_deep_links_keep_their_paths():
    url_paths = {page.script: page.url_path for page in PAGE_TABLE}
    for script, url_path in url_paths.items():
        if script != HOME.script:
            # pages/1_Bandit_derivation.py -> /Bandit_derivation, as Streamlit's pages/ served it
            assert url_path == script.removesuffix(".py").split("_", 1)[1], script

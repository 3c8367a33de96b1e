"""AppTest of the landing page: the trick, why the log, and a link to every page that exists."""

from tests.app.page_runner import REPO_ROOT, assert_healthy, run_page, shown_text


def test_home_states_the_trick_and_why_the_log():
    app = run_page("app.py")
    assert_healthy(app)
    latex = "\n".join(element.value for element in app.latex)
    assert r"f(x)\, \nabla_\theta \log p(x\mid\theta)" in latex
    assert r"\begin{aligned}" in latex and r"\begin{align}" not in latex
    assert "nabla_\\theta p = p" in shown_text(app)


def test_home_links_to_every_page_in_order():
    app = run_page("app.py")
    links = app.get("page_link")
    pages = sorted((REPO_ROOT / "pages").glob("[0-9]_*.py"))
    # A page link names the URL path streamlit serves the script at: "1_Bandit_derivation.py"
    # is served at /Bandit_derivation.
    targets = [link.proto.page for link in links]
    assert targets == [page.stem.split("_", 1)[1] for page in pages]
    assert [link.proto.label.split(".")[0] for link in links] == [p.name[0] for p in pages]

"""AppTest of the Trajectories page: every credit unbiased against the exact gradient, variance as
the horizon grows, every control, links."""

import pytest

import core
from tests.app import page_runner
from tests.app.page_runner import assert_healthy, run_page, shown_text

PAGE = "pages/6_Trajectories.py"
# Issue 13's sections: one episode's steps and sums, GAE at one λ.
TEACHING_TABLES = 3


@pytest.fixture(scope="module")
def default_page():
    return run_page(PAGE)


def metrics(app) -> dict[str, str]:
    return {metric.label: metric.value for metric in app.metric}


def test_defaults_show_the_exact_return_and_gradient_of_five_step_episodes(default_page):
    assert_healthy(default_page)
    episodes = core.Episodes(5, (0.0, 0.0, 0.0), (0.0, 0.5, 1.0))
    shown = metrics(default_page)
    assert shown["E[R], T = 5 (exact)"] == f"{episodes.expected_value():.6g}" == "2.01562"
    gradient = episodes.exact_gradient()
    assert shown["∂E[R]/∂theta_0 (exact)"] == f"{gradient[0]:.6g}" == "0.585938"
    assert shown["∂E[R]/∂theta_2 (exact)"] == "0.140625"


def test_defaults_check_every_credit_against_the_same_exact_gradient(default_page):
    gradients, variances = (frame.value for frame in page_runner.shown_tables(default_page)[:2])
    assert list(gradients["credit"].unique()) == [
        "whole return",
        "reward-to-go",
        "reward-to-go − V(s)",
    ]
    assert list(gradients["exact gradient"]) == pytest.approx([0.5859375, 0.5625, 0.140625] * 3)
    assert all(label.startswith("✓") for label in gradients.iloc[:, -1])
    assert all(label.startswith("✓") for label in variances.iloc[:, 4])
    # Reward-to-go − V has the smallest exact variance for every parameter.
    by_credit = variances.groupby("credit", sort=False)["Var[ĝₙ] (exact)"].apply(list)
    assert all(
        a > b > c
        for a, b, c in zip(
            by_credit["whole return"],
            by_credit["reward-to-go"],
            by_credit["reward-to-go − V(s)"],
            strict=True,
        )
    )
    badges = [element.value for element in default_page.success]
    assert any(
        "Mean estimate vs exact gradient — 9 of 9 agree with their exact values" in text
        for text in badges
    )


def test_defaults_show_the_variance_growing_with_the_horizon(default_page):
    exact = core.horizon_study([12])
    totals = exact.drop_duplicates("credit").set_index("credit")["total_variance"]
    shown = metrics(default_page)
    assert shown["whole return"] == f"{totals['return']:.4g}" == "106.4"
    assert shown["reward-to-go"] == f"{totals['reward_to_go']:.4g}"
    assert shown["reward-to-go − V(s)"] == f"{totals['advantage']:.4g}"
    assert len(default_page.get("vega_lite_chart")) == 2 + 1  # + the GAE(λ) chart


@pytest.mark.parametrize(
    ("kind", "key", "value"),
    [
        ("slider", "T", 1),
        ("slider", "T", 12),
        ("slider", "theta0", 4.0),
        ("slider", "theta1", -4.0),
        ("slider", "theta2", 2.5),
        ("number_input", "reward0", -10.0),
        ("number_input", "reward2", 10.0),
        ("slider", "n", 1),
        ("slider", "n", 1000),
        ("select_slider", "reps", 100),
        ("select_slider", "per_T", 500),
        ("number_input", "seed", 2024),
    ],
)
def test_each_control_reruns_without_error(kind, key, value):
    app = run_page(PAGE)
    getattr(app, kind)(key=key).set_value(value).run()
    assert not app.exception
    assert len(page_runner.shown_tables(app)) == 2 + TEACHING_TABLES


def test_at_one_step_the_value_baseline_leaves_no_variance():
    # T = 1 from position 0: the terms (r(a) − V)·(a − ½) are ¼·½ = 0.125 for both actions.
    app = run_page(PAGE, {"T": 1})
    assert_healthy(app)
    variances = page_runner.shown_tables(app)[1].value
    advantage = variances[variances["credit"] == "reward-to-go − V(s)"]
    assert list(advantage["Var[ĝₙ] (exact)"]) == [0.0, 0.0, 0.0]


def test_query_params_restore_the_view():
    query = {
        "T": 8,
        "theta0": 1.5,
        "theta2": -0.5,
        "reward1": 2.0,
        "n": 20,
        "reps": 500,
        "per_T": 5_000,
        "seed": 11,
    }
    app = run_page(PAGE, query)
    assert not app.exception
    assert app.slider(key="T").value == 8
    assert app.slider(key="theta0").value == 1.5
    assert app.slider(key="theta2").value == -0.5
    assert app.number_input(key="reward1").value == 2.0
    assert app.slider(key="n").value == 20
    assert app.select_slider(key="reps").value == 500
    assert app.select_slider(key="per_T").value == 5_000
    assert app.number_input(key="seed").value == 11
    episodes = core.Episodes(8, (1.5, 0.0, -0.5), (0.0, 2.0, 1.0))
    assert metrics(app)["E[R], T = 8 (exact)"] == f"{episodes.expected_value():.6g}"
    code = "\n".join(element.value for element in page_runner.open_code_blocks(app).code)
    assert "theta=(1.5, 0.0, -0.5),\n    state_rewards=(0.0, 2.0, 1.0)," in code
    assert "table = credit_comparison(\n    horizon=8,\n" in code
    assert "    n=20,\n    reps=500,\n    seed=11,\n)" in code


def test_garbage_query_values_fall_back_to_the_defaults():
    app = run_page(PAGE, {"T": "99", "theta1": "x", "n": "0", "reps": "3", "per_T": "-5"})
    assert_healthy(app)
    assert app.slider(key="T").value == 5
    assert app.slider(key="theta1").value == 0.0
    assert app.slider(key="n").value == 10
    assert app.select_slider(key="reps").value == 1_000
    assert app.select_slider(key="per_T").value == 1_000
    assert metrics(app)["E[R], T = 5 (exact)"] == "2.01562"


def test_the_reproduce_code_gives_the_numbers_on_the_page():
    app = run_page(PAGE, {"T": 3, "seed": 6, "reps": 200})
    namespace = {}
    block = next(
        code.value
        for code in page_runner.open_code_blocks(app).code
        if "credit_comparison(" in code.value
    )
    exec(block, namespace)  # the credit comparison block
    table = namespace["table"]
    gradients = page_runner.shown_tables(app)[0].value
    assert [text.split(" ± ")[0] for text in gradients["mean estimate (MC ± SE)"]] == [
        f"{value:.5g}" for value in table["mean"]
    ]


def test_defaults_work_one_episode_by_hand_and_sum_it_per_credit(default_page):
    assert_healthy(default_page)
    steps, sums = (frame.value for frame in page_runner.shown_tables(default_page)[2:4])
    assert len(steps) == 5 and list(steps["t"]) == [0, 1, 2, 3, 4]
    episodes = core.Episodes()
    by_hand = core.worked_examples.episode_estimates(episodes, seed=0, episode=1)
    hand = by_hand[by_hand["credit"] == "advantage"]["by_hand"].tolist()
    assert sums.iloc[2, 1:].tolist() == pytest.approx(hand)
    assert sums.iloc[3, 1:].tolist() == pytest.approx(episodes.exact_gradient().tolist())
    badges = [element.value for element in default_page.success]
    assert any("By hand vs core.Episodes.credited_score" in text and "✓" in text for text in badges)


def test_defaults_show_gae_bias_and_variance_checked_at_the_chosen_lambda(default_page):
    gae = page_runner.shown_tables(default_page)[4].value
    assert len(gae) == 6 and set(gae["critic"]) == {"exact V", "c·V, c = 0.5"}
    study = core.gae.gae_study(
        core.Episodes(), gamma=0.95, lambdas=(0.9,), critic_scale=0.5, n=2_000, seed=0
    )
    assert gae["bias (exact)"].tolist() == pytest.approx(study["exact_bias"].tolist())
    assert all(label.startswith("✓") for label in gae["mean check"])
    assert all(label.startswith("✓") for label in gae["variance check"])
    badges = [element.value for element in default_page.success]
    assert any("GAE mean estimates at λ = 0.9 vs exact" in text for text in badges)


# URL key → (widget kind, a value to set) of each control the teaching sections add.
TEACHING_CONTROLS = {
    "episode": ("number_input", 17),
    "gamma": ("slider", 1.0),
    "lam": ("slider", 0.35),
    "critic": ("slider", 0.0),
    "gae_n": ("select_slider", 500),
}


@pytest.mark.parametrize("key", TEACHING_CONTROLS)
def test_each_teaching_control_reruns_without_error(key):
    kind, value = TEACHING_CONTROLS[key]
    app = run_page(PAGE, {"reps": 100, "per_T": 500})
    getattr(app, kind)(key=key).set_value(value).run()
    assert_healthy(app)
    assert len(page_runner.shown_tables(app)) == 2 + TEACHING_TABLES


def test_at_gamma_one_the_exact_critic_is_unbiased_at_every_lambda():
    app = run_page(PAGE, {"gamma": 1.0, "lam": 0.35, "reps": 100, "per_T": 500})
    assert_healthy(app)
    gae = page_runner.shown_tables(app)[4].value
    exact = gae[gae["critic"] == "exact V"]
    assert exact["bias (exact)"].abs().max() < 1e-12


def test_the_gae_reproduce_code_gives_the_table_on_the_page():
    app = run_page(PAGE, {"T": 3, "seed": 6, "lam": 0.25, "gae_n": 500, "reps": 100, "per_T": 500})
    namespace = {}
    exec(
        next(
            code.value
            for code in page_runner.open_code_blocks(app).code
            if "gae_study(" in code.value
        ),
        namespace,
    )
    gae = namespace["gae"]
    shown = page_runner.shown_tables(app)[4].value
    at = gae[gae["lam"] == 0.25]
    assert shown["bias (exact)"].tolist() == pytest.approx(at["exact_bias"].tolist())
    assert [text.split(" ± ")[0] for text in shown["mean ĝ (MC ± exact SE)"]] == [
        f"{value:.5g}" for value in at["mean"]
    ]


@pytest.mark.parametrize(
    ("kind", "key", "value", "heading"),
    [
        ("select_slider", "per_T", 2_000, None),
        ("number_input", "episode", 2, "One episode by hand (episode 2 of seed 0)"),
        ("slider", "gamma", 0.9, "Discounting and GAE(λ)"),
    ],
)
def test_a_section_control_reruns_only_its_section(kind, key, value, heading):
    app = run_page(PAGE, {"reps": 100})
    page_runner.rerun_section(app, kind, key, value)
    assert_healthy(app)
    # The page's exact values and credit tables (drawn outside every section) were not sent; the
    # GAE section's own formula heads that section.
    section_latex = [r"\delta_t" in element.value for element in app.latex]
    assert section_latex == ([True] if key == "gamma" else [])
    assert not any(m.label.startswith("E[R]") for m in app.metric)
    assert [element.value for element in app.subheader] == ([heading] if heading else [])
    assert getattr(app, kind)(key=key).value == value
    if key == "gamma":
        assert "**At γ = 0.9, λ = 0.9:**" in shown_text(app)


def test_a_section_over_the_work_cap_refuses_with_a_fix_and_the_page_stays():
    # 4,000 repetitions of n = 130 twelve-step episodes per credit: 18.7 million samples, within
    # the cap for the sidebar's check; 20,000 episodes per horizon point add 2.76 million, so the
    # whole view is over it: the two sections that sample refuse, with their fixes, and the rest
    # of the page (the credits, one episode by hand) is drawn.
    app = run_page(PAGE, {"T": 12, "n": 130, "reps": 4_000, "per_T": 20_000})
    assert not app.exception
    warnings = [element.value for element in app.warning]
    assert len(warnings) == 2 and all("Nothing has been computed yet" in w for w in warnings)
    buttons = [button.label for button in app.button]
    assert "Use 5,000 episodes per horizon point" in buttons, buttons
    assert any(s.value.startswith("One episode by hand") for s in app.subheader)
    assert app.metric

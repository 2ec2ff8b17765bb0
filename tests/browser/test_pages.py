"""Every page in a real Chromium against a real server: what AppTest cannot see.

The pages come from ``lab_ui.sitemap.TOPICS`` at collection time, so a page added there
is covered at once by the generic checks (it loads, draws its charts, switches
language, takes part in navigation). The interaction checks need a few facts per
page — a shared link and what it must show, an input to type into and what must
follow, a bad input — kept in :data:`CASES`; a page without an entry skips those
with a reason until one is added.

``SCREENSHOTS=1 pytest tests/browser -k screenshot`` (or ``python -m tools.screenshots``)
also writes ``docs/screenshot-<page>.png``.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, quote, urlencode

import pytest
from playwright.sync_api import expect

from calc_core.errors import InputError
from lab_ui import home
from lab_ui.i18n import LANGUAGES, error_message, t
from lab_ui.sitemap import HOME, TEACHING, TOPICS
from tests.choice_cases import WIDGETS
from tools.browser import ERROR_BOX, EXCEPTION, AppPage, has_cjk

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SLUGS = [slug for slug, *_ in TOPICS]  # every topic at its own url_path
PAGES = ["", *SLUGS]  # and the home page at the root
NAVIGATION = [*PAGES, *(slug for slug, *_ in TEACHING)]  # then the Class page
NAV_KEYS = {"": HOME[1]} | {slug: key for slug, _file, key, _icon in TOPICS}
PREVIEW_BOX = (480, 270)  # the home cards' pictures: width, height at most


@dataclass(frozen=True)
class Case:
    """What a page must do in a browser, in data."""

    link: dict[str, str]  # the query parameters of a shared link
    shows: tuple[str, ...]  # text the page shows for that link (KaTeX keeps the TeX too)
    fields: dict[str, str]  # input key -> the value the link put there
    title_key: str  # the page's title, to check both languages
    input_key: str  # a text input to type a new function into
    new_value: str
    shows_after: tuple[str, ...]
    bad_value: str
    bad_code: str  # the InputError code the bad value must produce
    charts: int = 0  # Vega-Lite charts the shared link's view draws
    url_after: dict[str, str] = field(default_factory=dict)  # query params kept after typing
    submit_key: str | None = None  # a button to press after typing ("Check")
    in_url: bool = True  # whether the typed input is a query parameter
    same_input_in_zh: bool = True  # False where switching language switches the content

    @property
    def query(self) -> str:
        return urlencode(self.link, quote_via=quote)


CASES: dict[str, Case] = {
    "limits": Case(
        link={"f": "sin(x)", "x0": "0.5", "scheme": "central", "lang": "en"},
        shows=("0.8775825619", t("limits.scheme_note.central", "en")),
        fields={"f": "sin(x)", "x0": "0.5"},
        title_key="limits.title",
        input_key="f",
        new_value="x^3 - 1/x",
        shows_after=(r"\frac{19}{4}", "4.75"),  # f'(0.5) = 3/4 + 4
        bad_value="sin(x",
        bad_code="unclosed_paren",
        charts=2,
        url_after={"x0": "0.5", "scheme": "central"},
    ),
    "gradients": Case(
        link={"f": "x1^2*x2 + x2^3", "at": "1, 2", "lang": "en"},
        shows=("(4, 13)",),  # (2 x1 x2, x1^2 + 3 x2^2) at (1, 2)
        fields={"f": "x1^2*x2 + x2^3", "at": "1, 2"},
        title_key="gradients.title",
        input_key="f",
        new_value="x1*x2",
        shows_after=("(2, 1)",),
        bad_value="x1 +* x2",
        bad_code="unexpected_token",
        charts=1,
        url_after={"at": "1, 2"},
    ),
    "tangent": Case(
        link={"f": "x^3 - 1/x", "x0": "1", "lang": "en"},
        shows=("y = 4x - 4",),  # the Chinese edition's exercise 1
        fields={"f": "x^3 - 1/x", "x0": "1"},
        title_key="tangent.title",
        input_key="f",
        new_value="x^2",
        shows_after=("y = 2x - 1",),
        bad_value="sin(x",
        bad_code="unclosed_paren",
        charts=1,
        url_after={"x0": "1"},
    ),
    "chain-rule": Case(
        link={"mode": "steps", "f": "sin(x^2)", "lang": "en"},
        shows=(r"\cos{\left(u \right)}",),
        fields={"f": "sin(x^2)"},
        title_key="chain_rule.title",
        input_key="f",
        new_value="exp(3x)",
        shows_after=(r"3 e^{3 x}",),
        bad_value="exp(3x",
        bad_code="unclosed_paren",
        url_after={"mode": "steps"},
    ),
    "exercises": Case(
        link={"n": "4", "lang": "en"},
        shows=(t("exercises.items.power_tower.title", "en"),),
        fields={},
        title_key="exercises.title",
        input_key="answer_en_4",
        new_value="x^x (log(x) + 1)",
        shows_after=(t("exercises.verdict.right_symbolic", "en").split("!")[0],),
        bad_value="x^x log(x",
        bad_code="unclosed_paren",
        submit_key="check_en_4",
        in_url=False,
        same_input_in_zh=False,  # each language lists its own edition's exercises
        url_after={"n": "4"},
    ),
}


def case_for(slug: str) -> Case:
    if slug not in CASES:
        pytest.skip(f"no browser case for /{slug} yet: add one to CASES in {Path(__file__).name}")
    return CASES[slug]


def type_and_submit(app: AppPage, case: Case, text: str) -> None:
    """Type into the case's input (Enter), then press its button if it has one."""
    app.type_into(case.input_key, text)
    if case.submit_key:
        with app.expect_run():
            app.widget(case.submit_key).locator("button").click()


def assert_no_exception(app: AppPage) -> None:
    """No exception box, and no modal dialog (such as "Page not found") over the page."""
    assert not app.exceptions(), app.exceptions()
    expect(app.page.locator(EXCEPTION)).to_have_count(0)
    expect(app.page.locator('[role="dialog"]')).to_have_count(0)


# ------------------------------------------------------------------------ every page


@pytest.mark.parametrize("slug", PAGES)
class TestEveryPageLoads:
    def test_it_opens_through_the_entry_without_an_exception(self, app, slug):
        app.open(f"{slug}?lang=en")
        expect(app.page).to_have_title("Calculus Lab · 微积分实验室")
        expect(app.main.locator("h1").first).to_be_visible()
        expect(app.page.locator('[data-testid="stSidebar"]')).to_contain_text(
            t("app.tagline", "en")
        )
        assert app.path() == slug
        assert_no_exception(app)

    def test_every_chart_draws_its_svg_marks(self, app, slug):
        app.open(f"{slug}?lang=en")
        charts = app.page.locator('[data-testid="stVegaLiteChart"]')
        for index in range(charts.count()):
            expect(charts.nth(index).locator("svg.marks")).to_be_attached()
            marks = charts.nth(index).locator("svg.marks path, svg.marks line")
            expect(marks.first).to_be_attached()

    def test_the_language_switch_changes_the_text(self, app, slug):
        app.open(f"{slug}?lang=en")
        english = app.title()
        app.choose_language("简体中文")
        chinese = app.title()
        assert chinese != english and has_cjk(chinese), (english, chinese)
        assert app.query()["lang"] == "zh"
        app.choose_language("English")
        assert app.title() == english
        assert_no_exception(app)

    def test_a_link_with_lang_zh_opens_in_chinese(self, app, slug):
        app.open(f"{slug}?lang=zh")
        assert has_cjk(app.title())
        expect(app.page.locator('[data-testid="stSidebar"]')).to_contain_text(
            t("app.tagline", "zh")
        )


class TestNavigation:
    def test_every_page_is_reachable_from_the_sidebar_and_keeps_working(self, app):
        if len(SLUGS) < 2:
            pytest.skip("only one page in lab_ui.sitemap.TOPICS: Streamlit hides the navigation")
        app.open("?lang=en")
        titles = {}
        for slug in [*PAGES[1:], PAGES[0]]:
            links = app.nav_links()
            assert list(links) == NAVIGATION  # in the book's order, under the home page
            link = links[slug]
            label = link.locator('[data-testid="stMarkdownContainer"]').inner_text()
            assert label.strip() == t(NAV_KEYS[slug], "en")
            with app.expect_run():
                link.click()
            expect(app.page).to_have_url(re.compile(rf"/{re.escape(slug)}(\?|$)"))
            titles[slug] = app.title()
            assert_no_exception(app)
        assert len(set(titles.values())) == len(PAGES), titles

    def test_inputs_survive_a_round_trip_to_another_page(self, app):
        if len(SLUGS) < 2:
            pytest.skip("only one page in lab_ui.sitemap.TOPICS: nothing to navigate to")
        slug = next((s for s in SLUGS if s in CASES), None)
        if slug is None:
            pytest.skip("no page has a browser case yet")
        case = CASES[slug]
        other = next(s for s in SLUGS if s != slug)
        app.open(f"{slug}?{case.query}")
        type_and_submit(app, case, case.new_value)
        with app.expect_run():
            app.nav_links()[other].click()
        assert_no_exception(app)
        with app.expect_run():
            app.nav_links()[slug].click()
        expect(app.widget(case.input_key).locator("input").first).to_have_value(case.new_value)
        for text in case.shows_after:
            expect(app.main).to_contain_text(text)
        assert app.query()[case.input_key] == case.new_value


# On a fresh server Streamlit treats an app with a pages/ folder as a legacy one until
# some run calls st.navigation, and looks a first request up by file name: every page
# file is named after its url_path (tests/app/test_navigation.py), and a page run that
# way hands itself to the entry (lab_ui.shell.leave_legacy_navigation).


class TestFreshServer:
    def test_a_shared_chain_rule_link_as_the_very_first_visit_shows_the_chain_rule(
        self, new_app, fresh_server
    ):
        slug = "chain-rule"
        case = CASES[slug]
        app = new_app(fresh_server.url)
        app.open(f"{slug}?{case.query}")
        assert app.title() == t(case.title_key, "en")
        for text in case.shows:
            expect(app.main).to_contain_text(text)
        expect(app.page).to_have_title("Calculus Lab · 微积分实验室")
        expect(app.page.locator('[data-testid="stSidebar"]')).to_contain_text(
            t("app.tagline", "en")
        )
        links = app.nav_links()
        assert "dashboard" not in links, list(links)
        assert app.path() == slug
        assert case.link.items() <= app.query().items()
        assert_no_exception(app)


class TestHomePage:
    def test_the_root_is_the_home_page(self, app):
        app.open("?lang=en")
        assert app.title() == t("home.title", "en")
        assert_no_exception(app)

    def test_a_link_to_the_limits_path_opens_the_limits_page_without_a_dialog(self, app):
        app.open("limits?lang=en")
        assert app.path() == "limits"
        assert app.title() == t("limits.title", "en")
        assert_no_exception(app)

    @pytest.mark.parametrize("card", home.CARDS, ids=lambda card: card.slug)
    def test_every_card_opens_its_page_with_the_books_example(self, app, card):
        app.open("?lang=en")
        label = t(card.text_key + ".link", "en")
        with app.expect_run():
            app.main.get_by_role("link", name=label).click()
        assert app.path() == card.slug
        assert dict(card.query).items() <= app.query().items()
        assert_no_exception(app)

    def test_previews_are_drawn(self, app):
        app.open("?lang=en")
        pictures = app.main.locator("img")
        expect(pictures).to_have_count(len(home.CARDS))
        loaded = """img => img.complete ? img.naturalWidth : new Promise(done => {
            img.addEventListener("load", () => done(img.naturalWidth));
            img.addEventListener("error", () => done(0));
        })"""  # counted is not loaded: on a busy machine an image may still be coming
        for index in range(len(home.CARDS)):
            assert pictures.nth(index).evaluate(loaded) > 0


# ------------------------------------------------------------------- per-page cases


@pytest.mark.parametrize("slug", SLUGS)
class TestSharedLinks:
    def test_the_link_shows_what_it_says(self, app, slug):
        case = case_for(slug)
        app.open(f"{slug}?{case.query}")
        for key, value in case.fields.items():
            expect(app.widget(key).locator("input").first).to_have_value(value)
        for text in case.shows:
            expect(app.main).to_contain_text(text)
        assert t(case.title_key, "en") == app.title()
        assert_no_exception(app)

    def test_the_links_charts_render(self, app, slug):
        case = case_for(slug)
        if not case.charts:
            pytest.skip(f"/{slug} draws no chart for its shared link")
        app.open(f"{slug}?{case.query}")
        app.wait_for_charts(case.charts)
        charts = app.page.locator('[data-testid="stVegaLiteChart"]')
        assert charts.count() >= case.charts
        for index in range(case.charts):
            expect(charts.nth(index).locator("svg.marks")).to_be_attached()


@pytest.mark.parametrize("slug", SLUGS)
class TestTyping:
    def test_a_new_function_updates_the_results_and_the_url(self, app, slug):
        case = case_for(slug)
        app.open(f"{slug}?{case.query}")
        type_and_submit(app, case, case.new_value)
        for text in case.shows_after:
            expect(app.main).to_contain_text(text)
        query = app.query()
        if case.in_url:
            assert query[case.input_key] == case.new_value
        for key, value in case.url_after.items():
            assert query[key] == value
        if case.charts:
            app.wait_for_charts(case.charts)
        assert_no_exception(app)

    def test_a_bad_input_shows_the_error_box_and_no_exception(self, app, slug):
        case = case_for(slug)
        app.open(f"{slug}?{case.query}")
        type_and_submit(app, case, case.bad_value)
        box = app.page.locator(ERROR_BOX).first
        expect(box).to_be_visible()
        en = error_message(InputError(case.bad_code, case.bad_code), "en")
        expect(box).to_contain_text(en.split("{")[0][:25])
        assert_no_exception(app)
        if case.in_url:
            assert parse_qs(app.page.url.split("?", 1)[1])[case.input_key] == [case.bad_value]

    def test_the_error_box_follows_the_language(self, app, slug):
        case = case_for(slug)
        if not case.same_input_in_zh:
            pytest.skip(f"/{slug}: switching language switches the content, not just the text")
        app.open(f"{slug}?{case.query}")
        type_and_submit(app, case, case.bad_value)
        app.choose_language("简体中文")
        box = app.page.locator(ERROR_BOX).first
        zh = error_message(InputError(case.bad_code, case.bad_code), "zh")
        expect(box).to_contain_text(zh.split("{")[0][:6])
        assert t(case.title_key, "zh") == app.title()
        assert_no_exception(app)


class TestASlowBrowser:
    """Widgets whose code arrives after the visitor's first action keep the link's values."""

    def test_number_boxes_drawn_late_keep_the_links_window(self, app):
        held = []
        # their code has not arrived yet: the requests wait until the visitor has typed
        app.page.route("**/NumberInput*.js", lambda route: held.append(route))
        app.open("tangent?" + urlencode({"f": "x^3 - 1/x", "x0": "1", "xmin": "-2", "xmax": "2.5"}))
        assert held, "the number boxes' code was not asked for: nothing was held back"
        type_and_submit(app, CASES["tangent"], "x^2")
        for route in held:
            route.continue_()
        app.page.unroute("**/NumberInput*.js")
        expect(app.widget("xmin").locator("input")).to_have_value("-2")
        app.choose_language("简体中文")
        assert {k: app.query()[k] for k in ("x0", "xmin", "xmax")} == {
            "x0": "1",
            "xmin": "-2",
            "xmax": "2.5",
        }
        expect(app.page.locator(ERROR_BOX)).to_have_count(0)


# ------------------------------------------------------ language switches keep choices


@dataclass(frozen=True)
class Choice:
    """A non-default choice on a page, and the next input after the language switch."""

    page: str
    link: dict[str, str]
    key: str
    label: str  # the option's label in the link's language
    switched: str  # its label after the switch
    then: tuple[str, str, str]  # ("type", input key, text) or ("click", button key, "")
    url: dict[str, str] = field(default_factory=dict)  # what the URL keeps saying
    opens: str | None = None  # an expander to open first (its label)


def _other(lang: str) -> str:
    return {"en": "zh", "zh": "en"}[lang]


def _checklist(edition: str, lang: str, n: int) -> str:
    from calc_core.exercises import EDITIONS

    return f"{n}. {t('.'.join(('exercises.items', EDITIONS[edition][n - 1], 'title')), lang)}"


CHOICES = [
    Choice(
        "limits",
        {"lang": "en"},
        "scheme",
        t("scheme.central", "en"),
        t("scheme.central", "zh"),
        ("type", "f", "x^3"),
        {"scheme": "central"},
    ),
    Choice(
        "tangent",
        {"lang": "en"},
        "tangent_yscale",
        t("tangent.scale.log", "en"),
        t("tangent.scale.log", "zh"),
        ("type", "f", "x^2 + 1"),
        opens=t("tangent.settings", "en"),
    ),
    Choice(
        "gradients",
        {"lang": "en"},
        "view",
        t("gradients.tab.rules", "en"),
        t("gradients.tab.rules", "zh"),
        ("click", "reroll", ""),
        {"view": "rules"},
    ),
    Choice(
        "chain-rule",
        {"lang": "en"},
        "mode",
        t("chain_rule.mode_steps", "en"),
        t("chain_rule.mode_steps", "zh"),
        ("type", "f", "x^x"),
        {"mode": "steps"},
    ),
    Choice(  # the checklist keeps the exercise: the Chinese edition's 2 is the English 7
        "exercises",
        {"lang": "zh", "n": "1"},
        "n",
        _checklist("zh", "zh", 2),
        _checklist("en", "en", 7),
        ("click", "reveal_en_7", ""),
        {"n": "7"},
    ),
]


@pytest.mark.parametrize("choice", CHOICES, ids=lambda c: c.page)
def test_a_language_switch_keeps_a_non_default_choice(app, choice):
    app.open(f"{choice.page}?{urlencode(choice.link)}")
    if choice.opens:
        app.page.get_by_text(choice.opens, exact=True).click()
        expect(app.widget(choice.key)).to_be_visible()  # opened (the column may need a scroll)
    app.choose_option(choice.key, choice.label)
    assert choice.label in app.chosen(choice.key)
    lang = choice.link["lang"]
    app.choose_language(LANGUAGES[_other(lang)])
    assert choice.switched in app.chosen(choice.key)
    action, key, text = choice.then
    if action == "type":
        app.type_into(key, text)
    else:
        with app.expect_run():
            app.widget(key).locator("button, label").first.click()
    assert choice.switched in app.chosen(choice.key)
    assert choice.url.items() <= app.query().items()
    assert_no_exception(app)


@pytest.mark.parametrize("w", WIDGETS, ids=lambda w: f"{w.page}:{w.key}")
def test_every_option_widget_keeps_its_choice_across_a_language_switch(app, w):
    app.open(f"{w.page}?{urlencode({'lang': 'en', **w.link})}")
    if w.tick:
        with app.expect_run():
            app.widget(w.tick).locator("label").first.click()
    if w.opens:
        app.page.get_by_text(w.opens, exact=True).click()
        expect(app.widget(w.key)).to_be_visible()  # opened (the column may need a scroll)
    app.choose_option(w.key, w.en_label)
    assert app.chosen(w.key) == w.en_label
    app.choose_language(LANGUAGES["zh"])
    if w.zh_label is not None:
        assert app.chosen(w.key) == w.zh_label
    app.choose_language(LANGUAGES["en"])
    assert app.chosen(w.key) == w.en_label
    assert_no_exception(app)


# ------------------------------------------------------------- chain-rule views


def test_chain_rule_views_keep_their_own_inputs_and_the_url_follows(app):
    """The issue's sequence: example, Step by step, x^x, Backward pass, back to Multivariate."""
    from lab_ui.chain_rule import DEFAULT_AT, DEFAULT_F, EXAMPLE

    def mode(name: str) -> None:
        app.choose_option("mode", t(f"chain_rule.mode_{name}", "en"))
        expect(app.page.locator(ERROR_BOX)).to_have_count(0)  # a view never opens on an error
        assert_no_exception(app)

    def shows(key: str, value: str) -> None:
        expect(app.widget(key).locator("input").first).to_have_value(value)

    app.open("chain-rule?lang=en")
    with app.expect_run():
        app.main.get_by_role("button", name=t("chain_rule.example_button", "en")).click()
    mode("steps")
    app.type_into("f", "x^x")
    mode("graph")
    shows("graph_f", DEFAULT_F["graph"])
    shows("graph_at", DEFAULT_AT)
    graph = {"mode": "graph", "f": DEFAULT_F["graph"], "at": DEFAULT_AT, "ad": "reverse"}
    assert app.query() == {**graph, "lang": "en"}
    mode("multi")
    for key, value in EXAMPLE.items():
        shows(key, value)
    assert {k: app.query()[k] for k in EXAMPLE} == EXAMPLE
    assert "f" not in app.query()
    mode("steps")
    shows("f", "x^x")
    assert app.query() == {"mode": "steps", "f": "x^x", "lang": "en"}


def test_enter_in_an_exercise_answer_box_checks_it(app):
    app.open("exercises?n=4&lang=en")
    app.type_into("answer_en_4", "x^x (log(x) + 1)")  # Enter, no click
    verdict = t("exercises.verdict.right_symbolic", "en").split("!")[0]
    expect(app.main.locator('[data-testid="stAlertContentSuccess"]')).to_contain_text(verdict)
    assert_no_exception(app)


def test_gradients_take_n_from_f_when_the_link_gives_none(app):
    app.open("gradients?f=x1*x2*x3&at=1,2,3&lang=en")
    expect(app.main).to_contain_text("(6, 3, 2)")  # (x2 x3, x1 x3, x1 x2) at (1, 2, 3)
    assert app.chosen("n") == t("gradients.n_auto", "en", n=3)
    assert_no_exception(app)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_chart_tells_screen_readers_what_it_shows(app, lang):
    """The chart's text alternative (lab_ui.chart_text) is the chart's accessible name
    (Vega-Embed labels the chart's container, role graphics-document, with it)."""
    app.open(f"tangent?f={quote('x^3 - 1/x')}&x0=1&xmin=0&xmax=3&lang={lang}")
    app.wait_for_charts(1)
    expected = {
        "en": "Chart of f(x) = x^3 - 1/x for x from 0 to 3, pole at x = 0, "
        "tangent y = 4x − 4 at x = 1.",
        "zh": "函数 f(x) = x^3 - 1/x 在 x 从 0 到 3 上的图像，在 x = 0 处有极点，"
        "在 x = 1 处的切线 y = 4x − 4。",
    }[lang]
    chart = app.main.locator('[data-testid="stVegaLiteChart"]').first
    expect(chart).to_have_attribute("aria-label", expected)
    expect(chart).to_have_attribute("role", "graphics-document")
    expect(app.main.get_by_label(expected, exact=True)).to_have_count(1)


# --------------------------------------------------------------------- screenshots


#: The screens of the README's screenshots: a laptop, and a phone for the tangent page.
SCREENS = {"laptop": {"width": 1400, "height": 900}, "phone": {"width": 390, "height": 844}}
SHOTS = [(slug, "laptop") for slug in PAGES] + [("tangent", "phone")]


@pytest.mark.skipif(os.environ.get("SCREENSHOTS") != "1", reason="set SCREENSHOTS=1 to write docs/")
@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize(("slug", "screen"), SHOTS)
def test_screenshot(browser, base_url, slug, screen, lang):
    """docs/screenshot-<page>[-phone][-zh].png: what a visitor of the page's shared link
    sees without scrolling (home: /), on a 1400x900 laptop or a 390x844 phone.

    Taken once the page has finished drawing: the run over, the charts' marks drawn,
    the fonts loaded, and the charts resized to their columns.
    """
    phone = screen == "phone"
    context = browser.new_context(
        viewport=SCREENS[screen], is_mobile=phone, has_touch=phone, locale="en-US"
    )
    try:
        app = AppPage(context.new_page(), base_url)
        case = CASES.get(slug)
        query = case.query.replace("lang=en", f"lang={lang}") if case else f"lang={lang}"
        app.open(f"{slug}?{query}")
        if case and case.charts:
            app.wait_for_charts(case.charts if not phone else 1)
        app.wait_idle()
        app.page.evaluate("document.fonts.ready")
        app.page.wait_for_timeout(800)  # KaTeX and the charts settle into their columns
        name = "-".join(
            part
            for part in (slug or "home", "phone" if phone else "", lang if lang != "en" else "")
            if part
        )
        target = ROOT / "docs" / f"screenshot-{name}.png"
        target.parent.mkdir(exist_ok=True)
        app.page.screenshot(path=str(target))
        assert target.stat().st_size > 10_000
    finally:
        context.close()


@pytest.mark.skipif(os.environ.get("SCREENSHOTS") != "1", reason="set SCREENSHOTS=1 to write them")
@pytest.mark.parametrize("card", home.CARDS, ids=lambda card: card.slug)
def test_preview(app, card, tmp_path):
    """lab_ui/previews/<page>.png: the home card's small picture, from the card's own link."""
    from PIL import Image

    app.open(f"{card.slug}?{urlencode(dict(card.query), quote_via=quote)}&lang=en")
    shown = app.page.locator(card.shows).first
    expect(shown).to_be_visible()
    if "VegaLite" in card.shows:
        app.wait_for_charts(1)
    app.wait_idle()
    raw = tmp_path / "raw.png"
    shown.screenshot(path=str(raw))
    with Image.open(raw) as picture:
        small = picture.convert("RGB")
        small.thumbnail(PREVIEW_BOX, Image.Resampling.LANCZOS)  # within the box, shape kept
    card.preview.parent.mkdir(exist_ok=True)
    small.quantize(colors=64).save(card.preview, optimize=True)
    assert card.preview.stat().st_size > 2_000

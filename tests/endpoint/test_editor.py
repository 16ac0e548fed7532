"""The query page at `/` (YASGUI, bundled): its files, its page, and in real headless
Chromium against a real `policy-graph serve`, with every request off the server refused."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from policy_graph import api, load_records
from policy_graph.endpoint import editor
from policy_graph.graph import vocab
from policy_graph.query.saved import Parameter, SavedQuery
from tests.helpers import SHIPPED_DATA, serving

HANGUL = re.compile("[가-힣]")
OURS = "https://w3id.org/policy-graph/"
SAVED = api.list_queries()


def page_config(page: bytes) -> dict:
    text = page.decode("utf-8")
    start = text.index('<script type="application/json" id="policy-graph-config">')
    body = text[text.index(">", start) + 1 : text.index("</script>", start)]
    return json.loads(body)


# --- static_file ----------------------------------------------------------------------


def test_static_file_serves_the_vendored_yasgui():
    data, content_type = editor.static_file("yasgui/yasgui.min.js")
    assert data == (editor.STATIC / "yasgui" / "yasgui.min.js").read_bytes()
    assert len(data) > 500_000 and content_type == "text/javascript; charset=utf-8"
    assert editor.static_file("yasgui/yasgui.min.css")[1] == "text/css; charset=utf-8"
    assert editor.static_file("editor.js")[1] == "text/javascript; charset=utf-8"
    version, content_type = editor.static_file("yasgui/VERSION")
    assert content_type == "text/plain; charset=utf-8"
    assert re.fullmatch(
        r"@zazuko/yasgui@\d+\.\d+\.\d+\nsha512-[A-Za-z0-9+/]{86}==\n", version.decode()
    )
    licence = editor.static_file("yasgui/LICENSE")[0].decode()
    assert "license MIT" in licence and "Permission is hereby granted, free of charge" in licence


@pytest.mark.parametrize(
    "name",
    [
        "",
        "..",
        "../editor.py",
        "yasgui/../../editor.py",
        "yasgui/../editor.js",  # inside the folder, but spelled with ..
        "./editor.js",
        "/etc/passwd",
        str(editor.STATIC / "editor.js"),  # absolute, even when it points inside
        "yasgui",  # a folder
        "yasgui/",
        "yasgui//yasgui.min.js",
        "yasgui\\yasgui.min.js",
        "editor.js\x00.png",
        "no-such-file.js",
    ],
)
def test_static_file_refuses_anything_but_a_plain_name_inside(name):
    assert editor.static_file(name) is None


def test_static_file_refuses_a_link_out_of_the_folder(tmp_path, monkeypatch):
    folder = tmp_path / "static"
    folder.mkdir()
    (folder / "inside.css").write_text("body {}")
    secret = tmp_path / "secret.txt"
    secret.write_text("not to be served")
    (folder / "out.txt").symlink_to(secret)
    monkeypatch.setattr(editor, "STATIC", folder)
    assert editor.static_file("inside.css") == (b"body {}", "text/css; charset=utf-8")
    assert editor.static_file("out.txt") is None


# --- editor_page ----------------------------------------------------------------------


def test_every_saved_query_is_an_example_with_its_defaults_bound():
    config = page_config(editor.editor_page(SAVED))
    examples = {example["name"]: example for example in config["examples"]}
    assert list(examples) == [saved.name for saved in SAVED] and len(SAVED) >= 12
    for saved in SAVED:
        example = examples[saved.name]
        assert (example["title"], example["title_ko"]) == (saved.title, saved.title_ko)
        if any(parameter.default for parameter in saved.parameters):
            assert example["text"] != saved.text and "\n  VALUES (" in example["text"]
        else:
            assert example["text"] == saved.text
    # As `policy-graph query policies-using-technology` binds it: lang and technology.
    assert (
        '  VALUES (?lang ?technology) { ("ko" <https://w3id.org/policy-graph/id/technology/ai>) }'
        in examples["policies-using-technology"]["text"]
    )
    assert '  VALUES (?lang) { ("ko") }' in examples["policies-per-department"]["text"]


def test_an_example_whose_defaults_cannot_be_bound_keeps_its_text():
    text = "# title: t\nPREFIX pg: <https://w3id.org/policy-graph/ontology#>\nCONSTRUCT WHERE { ?s a pg:Policy }\n"
    saved = SavedQuery(
        "short-construct", Path("short-construct.rq"), "Short", "짧은", "d",
        (Parameter("lang", "the language", "ko"),), text,
    )  # fmt: skip
    [example] = page_config(editor.editor_page([saved]))["examples"]
    assert example["text"] == text


def test_the_page_predeclares_our_prefixes_and_links_void_and_the_service():
    page = editor.editor_page(SAVED, void_path="/void?x=1&y=<2>")
    config = page_config(page)
    assert config["prefixes"] == vocab.prefixes() and config["endpoint"] == "sparql"
    for prefix, namespace in vocab.prefixes().items():
        assert f"PREFIX {prefix}: <{namespace}>\n" in config["defaultQuery"]
    text = page.decode("utf-8")
    assert '<html lang="ko">' in text
    assert '<a id="void" href="/void?x=1&amp;y=&lt;2&gt;">' in text
    assert '<a id="service" href="sparql">' in text
    # Nothing the page loads comes from elsewhere: every src and stylesheet is ours.
    assert re.findall(r'<script src="([^"]+)"', text) == [
        "static/yasgui/yasgui.min.js",
        "static/editor.js",
    ]
    assert re.findall(r'<link rel="stylesheet" href="([^"]+)"', text) == [
        "static/yasgui/yasgui.min.css"
    ]
    for loaded in re.findall(r'(?:src|href)="([^"]+)"', text):
        assert editor.static_file(loaded.removeprefix("static/")) or not loaded.startswith(
            "static/"
        )


def test_a_query_cannot_close_the_page_s_script_element():
    text = 'SELECT * WHERE { ?s ?p "</script><script>alert(1)</script>" }'
    saved = SavedQuery("x", Path("x.rq"), "X", "엑스", "d", (), text)
    page = editor.editor_page([saved])
    assert page.count(b"</script>") == 3  # the config's, YASGUI's and editor.js's
    assert page_config(page)["examples"][0]["text"] == text


# --- in Chromium, against a real server -------------------------------------------------


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A real `policy-graph serve` of the article's records on a free loopback port."""
    work = tmp_path_factory.mktemp("serve-editor")
    with serving(
        work, "--data", str(SHIPPED_DATA), "--graph-file", str(work / "graph.ttl")
    ) as running:
        yield running[0] + "/"


class Editor:
    """The query page in a fresh browser context; every request not to the server is
    refused and recorded, as are console errors and the server's answers to queries."""

    def __init__(self, browser, base: str, url: str | None = None):
        self.base = base
        self.context = browser.new_context(viewport={"width": 1400, "height": 900})
        self.outside: list[str] = []
        self.errors: list[str] = []
        self.statuses: list[int] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("response", self._response)
        self.page.goto(url or base)
        self.page.wait_for_function("window.policyGraphEditor", timeout=30_000)

    def _route(self, route) -> None:
        url = route.request.url
        if url.startswith(self.base):
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def _response(self, response) -> None:
        if response.url == self.base + "sparql":
            self.statuses.append(response.status)

    def js(self, expression: str):
        return self.page.evaluate(expression)

    def query_text(self) -> str:
        return self.js("policyGraphEditor.yasgui.getTab().getYasqe().getValue()")

    def wait_for_answer(self) -> None:
        """Until the active tab shows its answer: a table drawn, or an error."""
        self.page.wait_for_function(
            """(() => {
              const panel = document.querySelector('.tabPanel.active');
              return panel && !panel.querySelector('.yasqe_queryButton.busy') &&
                (panel.querySelector('.yasr table.dataTable tbody tr') ||
                 panel.querySelector('.yasr .errorResult'));
            })()""",
            timeout=30_000,
        )

    def rows(self) -> list[list[str]]:
        """The cells of the table's rows on screen (the row number left out)."""
        return self.js(
            """[...document.querySelectorAll('.tabPanel.active .yasr table.dataTable tbody tr')]
               .filter(row => !row.querySelector('td.dt-empty'))
               .map(row => [...row.querySelectorAll('td')].slice(1).map(cell => cell.innerText))"""
        )

    def open_example(self, name: str) -> None:
        with self.page.expect_response(lambda r: r.url == self.base + "sparql"):
            self.page.select_option("#examples", name)
        self.wait_for_answer()

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def open_editor(browser, server):
    opened = []

    def opener(url: str | None = None) -> Editor:
        opened.append(Editor(browser, server, url))
        return opened[-1]

    yield opener
    for page in opened:
        page.close()


def test_every_example_answers_offline_with_korean_labels(open_editor):
    page = open_editor()
    assert page.js(
        "document.querySelectorAll('#examples option[value]:not([value=\"\"])').length"
    ) == len(SAVED)
    for number, saved in enumerate(SAVED, start=1):
        page.open_example(saved.name)
        assert page.query_text() == editor.example_text(saved), saved.name
        rows = page.rows()
        assert rows, f"{saved.name}: no rows"
        assert page.js("document.querySelector('.tabPanel.active .yasr .errorResult')") is None
        if saved.name != "department-neighbourhood":  # a CONSTRUCT: its first rows are IRIs
            assert any(HANGUL.search(cell) for row in rows for cell in row), saved.name
        # Each example in a tab of its own, named by its Korean title.
        assert page.js("policyGraphEditor.yasgui.persistentConfig.getTabs().length") == number + 1
        assert page.js("policyGraphEditor.yasgui.getTab().getName()") == saved.title_ko
    assert page.statuses == [200] * len(SAVED)
    assert page.outside == [] and page.errors == []


def test_the_url_keeps_the_query_and_reopens_it(open_editor):
    page = open_editor()
    saved = next(s for s in SAVED if s.name == "policies-per-department")
    page.open_example(saved.name)
    url = page.page.url
    assert url.startswith(page.base + "#query=") and "outputFormat=table" in url
    first_rows = page.rows()
    page.page.reload()
    page.page.wait_for_function("window.policyGraphEditor")
    page.wait_for_answer()
    assert page.query_text() == editor.example_text(saved)
    # A shared link, in a browser that has never seen the page, runs the query at once.
    shared = open_editor(url)
    shared.wait_for_answer()
    assert shared.query_text() == editor.example_text(saved)
    assert shared.rows() == first_rows and shared.statuses == [200]
    assert shared.js("policyGraphEditor.yasgui.getTab().getName()") == saved.title_ko
    assert page.outside == shared.outside == [] and page.errors == shared.errors == []


def test_the_url_keeps_the_table_s_order_filter_and_page(open_editor):
    page = open_editor()
    page.open_example("policies-without-partner")
    controls = ".tabPanel.active .yasr"
    page.page.select_option(f"{controls} select.tableSizer", "10")
    title = page.page.locator(f"{controls} table.dataTable thead th", has_text="title").first
    title.click()
    title.click()  # descending
    page.page.fill(f"{controls} input.tableFilter", "AI")
    page.page.keyboard.press("End")  # the filter follows key presses
    page.page.locator(f"{controls} .dt-paging button", has_text="2").first.click()
    page.page.wait_for_function("location.hash.includes('page=2')")
    url = page.page.url
    assert "&sort=title.desc&filter=AI&page=2" in url and "%22pageSize%22%3A10" in url
    table = "policyGraphEditor.yasgui.getTab().getYasr().plugins.table.dataTable"
    state = f"[{table}.order(), {table}.search(), {table}.page(), {table}.page.len()]"
    assert page.js(state) == [[[2, "desc"]], "AI", 1, 10]  # column 0 numbers the rows
    rows = page.rows()
    # DataTables searches without regard to case, in IRIs too ('…-ai-…')
    assert 0 < len(rows) <= 10 and all("ai" in " ".join(row).lower() for row in rows)

    shared = open_editor(url)
    shared.wait_for_answer()
    shared.page.wait_for_function("location.hash.includes('page=2')")
    assert shared.js(state) == [[[2, "desc"]], "AI", 1, 10] and shared.rows() == rows
    assert shared.page.input_value(f"{controls} input.tableFilter") == "AI"
    # The view's parameters are the page's, never sent to the endpoint as arguments.
    assert shared.js("policyGraphEditor.yasgui.getTab().getRequestConfig().args") == []
    assert shared.statuses == [200] and shared.outside == [] and shared.errors == []


def test_a_link_naming_another_endpoint_still_asks_this_one(open_editor, server):
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/policy-graph/ontology#Policy> }"
    from urllib.parse import urlencode

    page = open_editor(
        server + "#" + urlencode({"query": query, "endpoint": "https://example.org/sparql"})
    )
    page.wait_for_answer()
    policies = len(load_records(SHIPPED_DATA).policies)
    assert page.rows() == [[f'"{policies}"^^xsd:integer']] and policies > 100
    assert page.statuses == [200] and page.outside == []


def test_our_iris_open_this_server_s_pages(open_editor):
    page = open_editor()
    page.open_example("policies-using-technology")
    link = page.page.locator(".tabPanel.active .yasr a.iri", has_text="pgpolicy:").first
    iri = link.get_attribute("title")
    assert iri.startswith(OURS + "id/policy/")
    assert link.get_attribute("href") == page.base + iri.removeprefix(OURS)
    # The table opens IRIs in a new window; the old server has no /id/ pages yet, so
    # the test reads where the window went, not what it shows.
    with page.context.expect_page() as opened:
        link.click()
    assert opened.value.url == page.base + iri.removeprefix(OURS)
    assert page.js(
        "policyGraphEditor.localHref('https://w3id.org/policy-graph/ontology#Policy')"
    ) == (page.base + "ontology#Policy")
    assert page.js("policyGraphEditor.localHref('http://www.w3.org/ns/org#Organization')") is None
    assert page.outside == []


def test_download_links_answer_the_query_in_the_editor(open_editor):
    page = open_editor()
    page.open_example("policies-per-department")
    links = page.js(
        "[...document.querySelectorAll('#downloads a')].map(a => [a.textContent, a.href])"
    )
    assert [label for label, _ in links] == ["CSV", "TSV", "JSON"]
    answers = {}
    for label, href in links:
        assert href.startswith(page.base + "sparql?query=") and href.endswith(
            f"&format={label.lower()}"
        )
        response = page.page.request.get(href)
        assert response.status == 200, response.text()
        answers[label] = response
    csv_lines = answers["CSV"].text().splitlines()
    assert csv_lines[0] == "government,governmentName,department,name,policies,titles"
    assert (
        len(csv_lines)
        == len(page.js("policyGraphEditor.yasgui.getTab().getYasr().results.getBindings()")) + 1
    )
    assert "기획조정실" in answers["TSV"].text()
    assert answers["JSON"].json()["head"]["vars"][0] == "government"
    # A CONSTRUCT is offered as graphs.
    page.open_example("department-neighbourhood")
    labels = page.js("[...document.querySelectorAll('#downloads a')].map(a => a.textContent)")
    assert labels == ["Turtle", "N-Triples", "JSON-LD"]
    assert page.outside == [] and page.errors == []


def test_prefixes_complete_from_our_list_and_errors_are_shown(open_editor):
    page = open_editor()
    page.js(
        "(() => { const y = policyGraphEditor.yasgui.getTab().getYasqe(); y.setValue(''); y.focus(); })()"
    )
    page.page.keyboard.type("PREFIX pgte")
    page.page.keyboard.press("Control+Space")
    page.page.wait_for_selector(".CodeMirror-hint")
    hints = page.js("[...document.querySelectorAll('.CodeMirror-hint')].map(h => h.innerText)")
    assert hints == ["pgtech: <https://w3id.org/policy-graph/id/technology/>"]
    # A prefix of ours used undeclared is declared as it is typed.
    page.js(
        "(() => { const y = policyGraphEditor.yasgui.getTab().getYasqe();"
        " y.setValue('SELECT * WHERE { ?s a '); y.focus(); y.setCursor(y.lineCount(), 0); })()"
    )
    page.page.keyboard.type("pg:Policy }")
    assert page.query_text() == (
        "PREFIX pg: <https://w3id.org/policy-graph/ontology#>\nSELECT * WHERE { ?s a pg:Policy }"
    )
    # A syntax error is marked in the editor, and the endpoint's message is shown.
    page.js("policyGraphEditor.yasgui.getTab().getYasqe().setValue('SELECT * WHERE { ?s ?p }')")
    page.page.wait_for_selector(".tabPanel.active .parseErrorIcon")
    page.js("policyGraphEditor.yasgui.getTab().getYasqe().query().catch(() => {})")
    page.wait_for_answer()
    shown = page.js("document.querySelector('.tabPanel.active .yasr .errorResult').innerText")
    assert "SPARQL syntax error at line 1" in shown
    assert page.statuses == [400] and page.outside == []

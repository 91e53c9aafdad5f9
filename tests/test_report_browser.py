"""The release report in a real browser: Debian's chromium driven by playwright (no browser
download; .ci/run installs chromium when it is missing). The page must work from file:// alone."""

import json
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from pipelines.flows import build_warehouse
from tests.conftest import opened, warehouse_rows

CHROMIUM = shutil.which("chromium")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")

HOSTILE = (
    "# A guide that tries its luck\n\nTable 1: Trials in atopic dermatitis\n\n"
    "Outcome\tComparison\tResult\tGrade\n"
    'IGA success\tOatmeal & "cream" <3 vs. Vehicle\t'
    "<script>window.pwned = 1</script>Oatmeal is more effective.<img src=x onerror=alert(1)>"
    "\tLow\n"
)


def open_report(page_path: Path, screenshot: Path | None = None, width: int = 1400) -> dict:
    """Load the page; what the browser saw: console errors, requests, and a handle to query."""
    seen: dict = {"errors": [], "requests": [], "dialogs": []}
    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
    page = browser.new_page(viewport={"width": width, "height": 1000})
    page.on("console", lambda m: seen["errors"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    page.on("request", lambda r: seen["requests"].append(r.url))
    page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))
    page.goto(page_path.resolve().as_uri())
    page.wait_for_load_state("load")
    if screenshot is not None:
        page.screenshot(path=str(screenshot), full_page=True)
    seen.update(page=page, close=lambda: (browser.close(), playwright.stop()))
    return seen


def test_the_seed_report_shows_the_map_the_plots_and_nothing_leaves_file(
    seed_run, tmp_path_factory
):
    _, warehouse = seed_run
    screenshot = tmp_path_factory.mktemp("artefacts") / "seed-report.png"
    seen = open_report(warehouse / "exports" / "report" / "index.html", screenshot)
    page = seen["page"]
    try:
        markers = page.locator(".finding")
        cells = [
            (
                m.get_attribute("data-outcome"),
                m.get_attribute("data-comparison"),
                m.get_attribute("data-direction"),
                m.get_attribute("data-verdict"),
            )
            for m in markers.all()
        ]
        assert sorted(cells) == sorted(EXPECTED_CELLS)
        atrophy = page.locator(f".finding[data-finding='{_finding(warehouse, 'skin_atrophy')}']")
        detail = atrophy.locator(".detail")
        assert not detail.is_visible()
        atrophy.hover()
        assert detail.is_visible()
        text = detail.inner_text()
        assert (
            "[4] Ascomycins: promising agents for the treatment of inflammatory skin diseases"
            in text
        )
        assert (
            detail.locator("a").first.get_attribute("href")
            == "https://pubmed.ncbi.nlm.nih.gov/11060661/"
        )
        assert "Verdict supported" in text
        verdicts = _verdict_estimates(warehouse)
        plotted = {
            plot.get_attribute("data-finding"): sorted(
                e.get_attribute("data-estimate") for e in plot.locator(".estimate").all()
            )
            for plot in page.locator(".forest").all()
        }
        assert plotted == {f: ids for f, ids in verdicts.items() if ids}
        # The seed's first finding: tacrolimus 0.1% vs pimecrolimus 1% in adults, line 19 turned.
        first = page.locator(".forest").first
        assert (
            first.locator("h3")
            .inner_text()
            .startswith(
                "Tacrolimus 0.1% vs Pimecrolimus 1% — Investigator's Global Assessment (IGA) success, adults"
            )
        )
        assert [t.text_content() for t in first.locator("text.tick").all()] == [
            "0.1", "0.2", "0.5", "1", "2", "5", "10",
        ]  # fmt: skip
        assert [t.text_content() for t in first.locator("text.favours").all()] == [
            "← favours Pimecrolimus 1%",
            "favours Tacrolimus 0.1% →",
        ]
        values = _counted_values(warehouse, first.get_attribute("data-finding"))
        assert [t.text_content() for t in first.locator("text.value").all()] == values
        assert values == ["1.79 [1.30, 2.44]"]
        assert "from RR 0.56 [0.41, 0.77], Pimecrolimus 1% vs Tacrolimus 0.1%" in (
            first.locator("text.note").first.text_content()
        )
        assert first.locator("polygon.pooled").count() == 0  # one estimate: nothing pooled
        plots = tmp_path_factory.mktemp("artefacts") / "seed-forest-plots.png"
        top, bottom = page.evaluate(
            "() => { const p = [...document.querySelectorAll('.forest')].slice(0, 3)"
            ".map(e => e.getBoundingClientRect());"
            " return [p[0].top + scrollY, p[2].bottom + scrollY]; }"
        )
        page.screenshot(
            path=str(plots),
            full_page=True,
            clip={"x": 0, "y": top, "width": 1400, "height": bottom - top},
        )
        print(f"screenshot of the first three forest plots: {plots}")
        # a table per comparison (7), each with its header block and column headers, and a row
        # for every finding of the seed (10), those with no usable estimate too
        assert page.locator("table.sof").count() == 7
        assert page.locator("table.sof tr").count() == 7 * 2 + 10
        second = page.locator("#summary-of-findings-2 tr").nth(2).locator("td")
        assert [second.nth(i).text_content() for i in (1, 4, 5)] == [
            "RR 1.41 (0.89 to 2.22)",
            "not printed (1 study)",
            "⊕⊕◯◯ lowa",
        ]
        assert page.locator("ol.footnotes li").count() == 5
        # every reference with a PMID is linked in the references (once only one link was)
        pmids = warehouse_rows(
            warehouse, "SELECT count(*) FROM core.references WHERE pmid IS NOT NULL"
        )[0][0]
        references = page.locator("h2:text('References') + table a[href^='https://pubmed']")
        assert references.count() == pmids > 1
        assert all(u.startswith("file://") for u in seen["requests"]), seen["requests"]
        assert seen["errors"] == []
    finally:
        seen["close"]()
    assert screenshot.stat().st_size > 10_000


# What the page must not do at any width, measured by the browser: the page wider than the window,
# a text of a forest plot over another or outside its figure, a verdict badge broken over two
# lines, a finding's details (shown on focus) off the page, a table past the window.
LAYOUT_PROBLEMS = """() => {
  const width = document.documentElement.clientWidth, problems = [];
  if (document.documentElement.scrollWidth > width)
    problems.push(`page ${document.documentElement.scrollWidth} px wide`);
  const over = (a, b) => a.left < b.right - 0.5 && b.left < a.right - 0.5
    && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
  for (const svg of document.querySelectorAll('.forest svg')) {
    const figure = svg.getBoundingClientRect();
    const texts = [...svg.querySelectorAll('text')].map(t => [t.getBoundingClientRect(),
      t.childNodes[t.childNodes.length - 1].textContent]);
    texts.forEach(([box, text], i) => {
      if (box.left < figure.left - 0.5 || box.right > figure.right + 0.5
          || box.top < figure.top - 0.5 || box.bottom > figure.bottom + 0.5)
        problems.push(`outside its figure: ${text}`);
      for (const [other, what] of texts.slice(i + 1))
        if (over(box, other)) problems.push(`overlap: ${text} / ${what}`);
    });
  }
  for (const marker of document.querySelectorAll('.finding')) {
    if (marker.querySelector('.badge').getClientRects().length > 1)
      problems.push(`badge on two lines: ${marker.dataset.finding}`);
    marker.focus();
    const detail = marker.querySelector('.detail').getBoundingClientRect();
    if (detail.left < 0 || detail.right > width)
      problems.push(`details off the page: ${marker.dataset.finding} ${detail.left}-${detail.right}`);
    marker.blur();
  }
  for (const table of document.querySelectorAll('table'))
    if (table.getBoundingClientRect().right > width) problems.push(`table past the window`);
  return problems;
}"""


@pytest.mark.parametrize("width", [1024, 1400])
@pytest.mark.parametrize("which", ["seed_run", "devset_run"])
def test_the_report_fits_the_window_and_no_text_covers_another(
    which, width, request, tmp_path_factory
):
    _, warehouse = request.getfixturevalue(which)
    screenshot = tmp_path_factory.mktemp("artefacts") / f"{which}-{width}.png"
    seen = open_report(warehouse / "exports" / "report" / "index.html", screenshot, width)
    page = seen["page"]
    try:
        assert page.evaluate(LAYOUT_PROBLEMS) == []
        plots = page.locator(".forest svg").count()
        assert plots == len(list((warehouse / "exports" / "report" / "figures").glob("*.svg")))
        assert plots >= (3 if which == "seed_run" else 70)
        assert seen["errors"] == []
    finally:
        seen["close"]()
    print(f"screenshot at {width} px: {screenshot}")


def test_the_map_filters_by_verdict_and_condition_without_a_script(devset_run):
    _, warehouse = devset_run
    supported = warehouse_rows(
        warehouse, "SELECT count(*) FROM core.evidence_checks WHERE verdict = 'supported'"
    )[0][0]
    seen = open_report(warehouse / "exports" / "report" / "index.html")
    page = seen["page"]
    try:
        shown = page.locator(".finding:visible")
        assert shown.count() == 268 and page.locator("script").count() == 0
        page.locator("#v-supported").check()
        assert shown.count() == supported == 56
        assert {m.get_attribute("data-verdict") for m in shown.all()} == {"supported"}
        # each verdict's badge has a colour of its own (findings of two verdicts shared one)
        colours = page.evaluate(
            "() => Object.fromEntries([...document.querySelectorAll('.legend .badge')]"
            ".map(b => [b.textContent, getComputedStyle(b).backgroundColor]))"
        )
        assert len(colours) == 6 and len(set(colours.values())) == 6
        first = page.locator("section.condition").first
        assert first.locator("h3").inner_text() == "Atopic dermatitis 145 findings"
        page.locator("#c-c1").check()  # the second condition: psoriasis
        assert page.locator("section.condition:visible h3").all_inner_texts() == [
            "Psoriasis 45 findings"
        ]
        page.locator("#v-all").check()
        assert shown.count() == 45
        # strengths folded into their compound, with how many findings and which strengths
        rows = page.locator("section.condition:visible tr:has(td) th").all_inner_texts()
        assert len(rows) == len(set(rows))  # one row per comparison of compounds
    finally:
        seen["close"]()


def test_a_guide_with_markup_in_its_cells_renders_as_text_and_runs_nothing(prefect_api, project):
    (project / "raw" / "guides" / "hostile.txt").write_text(HOSTILE, encoding="utf-8")
    summary = build_warehouse(
        sources=str(project / "raw" / "sources.toml"), warehouse=str(project / "warehouse")
    )
    assert summary.release_id
    seen = open_report(project / "warehouse" / "exports" / "report" / "index.html")
    page = seen["page"]
    try:
        assert page.evaluate("window.pwned") is None
        assert seen["dialogs"] == [] and seen["errors"] == []
        assert page.locator("script").count() == 0 and page.locator("img").count() == 0
        assert 'Oatmeal & "cream" <3 vs Vehicle' in page.locator("table.map").inner_text()
        assert "window.pwned = 1Oatmeal is more effective." in page.locator("body").text_content()
        assert all(u.startswith("file://") for u in seen["requests"]), seen["requests"]
    finally:
        seen["close"]()


def _finding(warehouse: Path, outcome: str) -> str:
    with opened(warehouse) as con:
        [(finding_id,)] = con.execute(
            "SELECT finding_id FROM core.findings WHERE outcome = ?", [outcome]
        ).fetchall()
    return finding_id


def _counted_values(warehouse: Path, finding_id: str) -> list[str]:
    """The counted estimates of a finding as core.verdict_estimates orients them, as printed."""
    with opened(warehouse) as con:
        rows = con.execute(
            "SELECT v.estimate, v.ci_low, v.ci_high FROM core.verdict_estimates v "
            "JOIN core.effect_estimates x USING (estimate_id) WHERE v.finding_id = ? AND v.counted "
            "ORDER BY x.file, x.line_no",
            [finding_id],
        ).fetchall()
    return [f"{value:.2f} [{low:.2f}, {high:.2f}]" for value, low, high in rows]


def _verdict_estimates(warehouse: Path) -> dict[str, list[str]]:
    with opened(warehouse) as con:
        rows = con.sql(
            "SELECT finding_id, to_json(estimate_ids) FROM core.evidence_checks"
        ).fetchall()
    return {finding: sorted(json.loads(ids)) for finding, ids in rows}


IGA = "Investigator's Global Assessment (IGA) success"
EXPECTED_CELLS = [
    (IGA, "Tacrolimus 0.1% vs Pimecrolimus 1%", "favours_intervention", "supported"),
    (IGA, "Tacrolimus 0.03% vs Pimecrolimus 1%", "no_difference", "supported"),
    (IGA, "Tacrolimus 0.1% vs Pimecrolimus 1%", "favours_intervention", "no_estimates"),
    ("Reduction in EASI score", "Tacrolimus vs Pimecrolimus", "favours_intervention", "no_estimates"),
    ("Pruritus relief", "Tacrolimus vs Pimecrolimus", "favours_intervention", "no_estimates"),
    (IGA, "Tacrolimus 0.1% vs potent Topical corticosteroids", "comparable", "supported"),
    (IGA, "Tacrolimus 0.03% vs mild Topical corticosteroids", "favours_intervention", "supported"),
    (IGA, "Pimecrolimus 1% vs moderate/potent Topical corticosteroids", "favours_comparator", "supported"),
    ("Skin atrophy", "Topical calcineurin inhibitors vs Topical corticosteroids", "favours_intervention", "supported"),
    ("Application-site reactions", "Topical calcineurin inhibitors vs Topical corticosteroids", "favours_comparator", "supported"),
]  # fmt: skip

"""`c360 report`: a static HTML report that a real browser (headless Chromium) renders cleanly."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from c360.cli import app
from c360.config import Settings
from c360.pipeline.runner import run_pipeline
from c360.pipeline.steps import build_steps

LOGICAL_DATE = date(2026, 11, 25)
SECTIONS = ("population", "segments", "quality", "identity", "nbp", "lineage", "customers")


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from c360.sources.generator import generate

    base = tmp_path_factory.mktemp("report")
    generate(base / "sources", customers=120, seed=5, logical_date=LOGICAL_DATE)
    run_pipeline(Settings(lake_root=base / "lake"), LOGICAL_DATE, base / "sources", "daily")
    result = CliRunner().invoke(app, ["report", "--out", str(base / "out"), "--customers", "4"],
                                env={"C360_LAKE_ROOT": str(base / "lake")})
    assert result.exit_code == 0, result.output
    return base / "out"


def chromium_dom(page: Path, profile: Path) -> subprocess.CompletedProcess[str]:
    browser = shutil.which("chromium")
    if browser is None:
        pytest.fail("chromium not found: install it with `apt-get install -y chromium` "
                    "(`make setup` does)")
    return subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu",
         "--disable-background-networking", "--no-first-run", f"--user-data-dir={profile}",
         "--enable-logging=stderr", "--v=0", "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120, check=False,
    )


def test_report_writes_an_index_with_every_section_and_the_customer_pages(report: Path) -> None:
    html = (report / "index.html").read_text(encoding="utf-8")
    assert [s for s in SECTIONS if f"id='{s}'" in html] == list(SECTIONS)
    assert len(list((report / "customers").glob("*.html"))) == 4


def test_report_loads_nothing_from_the_network(report: Path) -> None:
    for page in [report / "index.html", *(report / "customers").glob("*.html")]:
        text = page.read_text(encoding="utf-8")
        assert re.findall(r"(?:src|href)=['\"]https?://", text) == [], page.name


def test_lineage_graph_names_every_table_of_the_pipeline(report: Path) -> None:
    html = (report / "index.html").read_text(encoding="utf-8")
    tables = {t for s in build_steps() for t in (*s.inputs, *s.outputs)}
    assert sorted(t for t in tables if f"<title>{t}</title>" not in html) == []


def test_headless_chromium_renders_the_report_without_errors(report: Path,
                                                              tmp_path: Path) -> None:
    result = chromium_dom(report / "index.html", tmp_path / "profile")
    assert result.returncode == 0, result.stderr[-2000:]
    assert 'data-rendered="ok"' in result.stdout
    assert result.stdout.count("<svg") >= 9
    console_errors = [line for line in result.stderr.splitlines()
                      if "CONSOLE" in line or "Uncaught" in line or "ERR_" in line]
    assert console_errors == []


def test_headless_chromium_renders_a_customer_profile_page(report: Path, tmp_path: Path) -> None:
    page = sorted((report / "customers").glob("*.html"))[0]
    result = chromium_dom(page, tmp_path / "profile")
    assert result.returncode == 0, result.stderr[-2000:]
    assert 'data-rendered="ok"' in result.stdout
    for perspective in ("Demographic", "Loyalty and history", "Marketing and consent",
                        "Preferences and look-alikes"):
        assert f"<h2>{perspective}</h2>" in result.stdout
    assert page.stem in result.stdout

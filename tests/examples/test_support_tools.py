"""The three example actions in ``notebooks/examples/support_tools.py``, driven headless."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from examples import support_tools as st

from interval_nb.testing import TestRun, start

ONBOARDING = {
    "name": "Grace Hopper",
    "email": "grace@navy.mil",
    "start": "2026-12-01",  # a Tuesday
    "team": "Ops",
    "laptop": True,
}


def test_registry_names_and_slugs() -> None:
    assert [(a.slug, a.name) for a in st.actions] == [
        ("refund_user", "Refund user"),
        ("onboard_employee", "Onboard employee"),
        ("explore_sales", "Explore sales"),
    ]
    assert all(a.description and "\n" not in a.description for a in st.actions)


def test_charges_are_deterministic_per_email() -> None:
    ana = st.charges_for("ana@example.com")
    assert ana == st.charges_for(" ANA@example.com")
    assert ana != st.charges_for("bob@example.com")
    assert len(ana) == 24 and len({c["id"] for c in ana}) == 24
    assert all(c["id"].startswith("ch_") and c["amount"] > 0 for c in ana)
    assert [c["date"] for c in ana] == sorted((c["date"] for c in ana), reverse=True)


async def _to_charges_table(run: TestRun, email: str = "ana@example.com") -> None:
    prompt = await run.next_prompt()
    assert (prompt.components[0].kind, prompt.components[0].label) == (
        "input.email",
        "Customer email",
    )
    await run.answer(email)
    table = (await run.next_prompt()).components[0]
    assert (table.kind, table.label) == ("select.table", "Charges to refund")
    assert table.props["page_size"] == 10 and table.props["min_selections"] == 1
    assert [c["label"] for c in table.props["columns"]] == ["id", "date", "description", "amount"]


async def test_refund_selects_across_pages_and_refunds() -> None:
    charges = {c["id"]: c for c in st.charges_for("ana@example.com")}
    async with start(st.refund_user, user="ana") as run:
        await _to_charges_table(run)
        page1, total = await run.query(0, offset=0, page_size=10)
        page3, _ = await run.query(0, offset=20, page_size=10)
        assert total == 24 and len(page1) == 10 and len(page3) == 4
        first = page1[0]["cells"]
        assert first[0]["text"].startswith("ch_") and first[3]["text"].startswith("$")
        keys = [page1[0]["key"], page1[1]["key"], page3[-1]["key"]]
        await run.answer(keys)
        confirm = await run.next_prompt()
        amount = sum(charges[k]["amount"] for k in keys)
        assert confirm.components[0].kind == "confirm"
        assert confirm.components[0].label == (
            f"Refund 3 charges totalling ${amount:,.2f} to ana@example.com?"
        )
        await run.answer(True)
        result = await run.result(timeout=10)
        assert result == {"email": "ana@example.com", "refunded": 3, "total": f"${amount:,.2f}"}
        assert run.status == "completed"
        assert len(run.logs) == 3 and all(k in " ".join(run.logs) for k in keys)
        assert run.loading is not None and run.loading["label"] == "Refunding charges"
        assert run.loading["items_in_queue"] == 3 and run.loading["items_completed"] == 3


async def test_a_large_refund_waits_for_a_manager() -> None:
    charges = st.charges_for("ana@example.com")
    total = sum(c["amount"] for c in charges)
    assert total > st.APPROVAL_OVER
    async with start(st.refund_user, user="ana") as run:
        await _to_charges_table(run)
        await run.answer([c["id"] for c in charges])
        await run.next_prompt()
        await run.answer(True)
        approval = await run.next_prompt()
        assert approval.spec["assignees"] == ["group:managers"]
        assert approval.components[0].label == (
            f"Approve refunding ${total:,.2f} to ana@example.com? (24 charges, asked by ana)"
        )
        await run.answer(False)
        result = await run.result(timeout=10)
    assert result == {"email": "ana@example.com", "refunded": 0, "approval": "declined"}
    assert not any(e["event"] == "step_started" for e in run.journal)  # nothing refunded


async def test_refund_needs_a_selection() -> None:
    async with start(st.refund_user) as run:
        await _to_charges_table(run)
        await run.answer([])
        again = await run.next_prompt()
        assert again.components[0].label == "Charges to refund" and again.errors[0]


async def test_refund_declined_refunds_nothing() -> None:
    async with start(st.refund_user) as run:
        await _to_charges_table(run, "bob@example.com")
        rows, _ = await run.query(0)
        await run.answer([rows[0]["key"]])
        await run.next_prompt()
        await run.answer(False)
        assert await run.result() == {"email": "bob@example.com", "refunded": 0}
        assert run.logs == [] and run.loading is None


async def test_onboarding_validation_then_draft() -> None:
    async with start(st.onboard_employee) as run:
        prompt = await run.next_prompt()
        assert [c.label for c in prompt.components] == [
            "Full name",
            "Work email",
            "Start date",
            "Team",
            "Needs a laptop",
        ]
        assert prompt.choices == ("Create account", "draft")
        await run.answer(ONBOARDING, choice="Create account")
        again = await run.next_prompt()
        assert again.errors[1] == "Use an @example.com address"
        assert again.components[0].value == "Grace Hopper"  # what was typed comes back
        await run.answer({**ONBOARDING, "email": "grace@example.com"}, choice="draft")
        result = await run.result()
    assert result == {
        "choice": "draft",
        "status": "draft saved",
        "name": "Grace Hopper",
        "email": "grace@example.com",
        "start": "2026-12-01",
        "team": "Ops",
        "laptop": True,
    }
    summary = run.transcript[-1]["components"][0]
    assert summary["kind"] == "display.metadata" and summary["label"] == "Summary"
    shown = {d["label"]: d["value"] for d in summary["props"]["data"]}
    assert shown["Start date"] == "Tuesday 1 December 2026" and shown["Status"] == "Draft saved"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            {"start": "2026-12-05"},
            "Start date",
            "Saturday 5 December is a weekend: pick a weekday as the first day",
        ),
        ({"team": "Data", "laptop": False}, "Needs a laptop", "Everyone on the Data team needs"),
    ],
)
async def test_onboarding_group_validation(
    change: dict[str, object], field: str, message: str
) -> None:
    answer = {**ONBOARDING, "email": "grace@example.com", **change}
    async with start(st.onboard_employee) as run:
        await run.next_prompt()
        await run.answer(answer, choice="Create account")
        again = await run.next_prompt()
        assert again.error is None  # the group's error is shown with the field it names
        errors = {c.label: c.error for c in again.components if c.error}
        assert list(errors) == [field] and errors[field].startswith(message)
        await run.answer({**answer, "start": "2026-12-07", "laptop": True}, choice="Create account")
        assert (await run.result())["status"] == "account created"


@pytest.fixture
def exports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(st, "EXPORT_DIR", tmp_path / "exports")
    return tmp_path / "exports"


def test_sales_data_is_seeded() -> None:
    sales = st.sales_data()
    assert len(sales) == 3_000 and sales.equals(st.sales_data())
    assert set(sales["region"]) == set(st.REGIONS)


async def test_explore_sales_filters_picks_charts_and_exports(exports: Path) -> None:
    sales = st.sales_data()
    async with start(st.explore_sales) as run:
        form = await run.next_prompt()
        assert [c.label for c in form.components] == ["Regions", "Minimum amount", "From", "To"]
        await run.answer(
            {
                "regions": ["North", "East"],
                "min_amount": 200,
                "start": "2026-02-01",
                "end": "2026-03-31",
            }
        )
        table = (await run.next_prompt()).components[0]
        expected = sales[
            sales.region.isin(["North", "East"])
            & (sales.amount >= 200)
            & sales.date.between("2026-02-01", "2026-03-31")
        ]
        assert table.kind == "select.table"
        assert table.label == f"Sales to chart and export ({len(expected):,} match)"
        page1, total = await run.query(0, page_size=15)
        page2, _ = await run.query(0, offset=15, page_size=15)
        assert total == len(expected)
        picked = [page1[0]["key"], page2[0]["key"], page2[1]["key"]]
        await run.answer(picked)
        result = await run.result(timeout=20)
    kinds = [e["components"][0]["kind"] for e in run.transcript]
    assert kinds == ["display.image", "display.widget", "display.markdown"]
    assert run.transcript[0]["components"][0]["props"]["url"].startswith("data:image/png;base64,")
    files = list(exports.glob("sales-*.csv"))
    assert len(files) == 1 and result["file"] == f"exports/{files[0].name}"
    lines = files[0].read_text().splitlines()
    assert lines[0] == "order_id,date,region,product,amount"
    assert sorted(line.split(",")[0] for line in lines[1:]) == sorted(picked)
    amount = float(expected[expected.order_id.astype(str).isin(picked)].amount.sum())
    assert result["rows"] == 3 and result["total"] == f"${amount:,.2f}"
    download = run.transcript[1]["components"][0]
    assert download["label"] == "Export"


async def test_explore_sales_checks_the_date_range(exports: Path) -> None:
    async with start(st.explore_sales) as run:
        await run.next_prompt()
        bad = {"regions": ["West"], "min_amount": 0, "start": "2026-05-01", "end": "2026-04-01"}
        await run.answer(bad)
        again = await run.next_prompt()
        assert again.error == "“From” is after “To”: swap the dates"
        await run.answer({**bad, "min_amount": 100_000, "end": "2026-05-31"})
        assert await run.result() == {"rows": 0}  # nothing matches: said so, no table
        assert "No sales match" in run.transcript[-1]["components"][0]["props"]["html"]
    assert not exports.exists()


async def test_explore_sales_without_pandas_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas -> ImportError
    async with start(st.explore_sales) as run:
        with pytest.raises(RuntimeError, match="pip install pandas matplotlib"):
            await run.result()
    assert run.status == "failed"

"""Inputs a forged page can abuse: malformed email addresses and hostile upload file names."""

from __future__ import annotations

import os
from typing import Any

import pytest

import interval_nb as inb
from interval_nb import io
from interval_nb.compat import Interval
from interval_nb.io.components import InvalidAnswer
from interval_nb.io.files import FALLBACK_NAME, MAX_NAME_BYTES, safe_filename
from interval_nb.testing import start

BAD_EMAILS = [
    "ana@example..com",
    ".ana@example.com",
    "ana..b@example.com",
    "ana@-example.com",
    "<script>@example.com",
    "ana@example",
    "ana",
    "a b@example.com",
]
GOOD_EMAILS = ["ana@example.com", " ana.b+tag@mail.example.co.uk ", "josé@example.com"]


@pytest.mark.parametrize("address", BAD_EMAILS)
def test_malformed_email_addresses_are_refused(address: str) -> None:
    with pytest.raises(InvalidAnswer, match="Enter a valid email address"):
        io.input.email("Email").parse(address)


@pytest.mark.parametrize("address", GOOD_EMAILS)
def test_ordinary_email_addresses_are_accepted(address: str) -> None:
    assert io.input.email("Email").parse(address) == address.strip()


def test_the_domain_comes_back_normalised() -> None:
    assert io.input.email("Email").parse("Ana@EXAMPLE.com") == "Ana@example.com"


compat = Interval("test_key", log_level="info")


@compat.action(slug="compat-email")
async def compat_email(io: Any) -> str:
    return await io.input.email("Email")  # type: ignore[no-any-return]


native = inb.Actions()


@native.action
async def native_email(io: Any, ctx: Any) -> str:
    return await io.input.email("Email")  # type: ignore[no-any-return]


@pytest.mark.parametrize("action", [compat.get("compat-email"), native.get("native_email")])
async def test_compat_and_native_email_agree(action: Any) -> None:
    async with start(action) as run:
        await run.next_prompt()
        for bad in BAD_EMAILS:
            await run.answer(bad)
            [error] = (await run.next_prompt()).errors
            assert error is not None and error.startswith("Enter a valid email address"), bad
        await run.answer("ana@example.com")
        assert await run.result() == "ana@example.com"


# -- upload file names ----------------------------------------------------------------------

NAMES = {
    "..": FALLBACK_NAME,
    ".": FALLBACK_NAME,
    "../../etc/passwd": "passwd",
    "a/b": "b",
    "C:\\x\\y.csv": "y.csv",
    "": FALLBACK_NAME,
    "re\x00port.csv": "report.csv",
    "..\x00": FALLBACK_NAME,
    "ok\u202etxt.exe": "oktxt.exe",  # a right-to-left override disguising the extension
    "notes.txt": "notes.txt",
    ".env": ".env",
}


@pytest.mark.parametrize(("sent", "kept"), NAMES.items())
def test_file_names_become_safe_basenames(sent: str, kept: str) -> None:
    assert safe_filename(sent) == kept


def test_a_very_long_name_is_cut_keeping_its_extension() -> None:
    for stem in ("x" * 10_000, "é" * 10_000):
        name = safe_filename(stem + ".csv")
        assert name.endswith(".csv") and len(name.encode("utf-8")) <= MAX_NAME_BYTES


uploads = inb.Actions()


@uploads.action
async def upload_many(io: Any, ctx: Any) -> list[tuple[str, str]]:
    files = await io.input.file("Files").multiple()
    return [(f.name, os.path.basename(f.path)) for f in files if f.read() == b"data"]


async def test_hostile_names_reach_the_action_safe_and_write_inside_the_run() -> None:
    sent = [*NAMES, "z" * 10_000]
    async with start(upload_many) as run:
        await run.next_prompt()
        await run.answer([(name, b"data") for name in sent])
        got = await run.result()
    assert len(got) == len(sent)
    for (name, on_disk), original in zip(got, sent, strict=True):
        assert name == on_disk == safe_filename(original)
        assert name not in ("", ".", "..") and "/" not in name and "\\" not in name
        assert "\x00" not in name and len(name.encode("utf-8")) <= MAX_NAME_BYTES


async def test_extension_checks_see_the_safe_name() -> None:
    only_csv = inb.Actions()

    @only_csv.action
    async def csv_only(io: Any, ctx: Any) -> str:
        f = await io.input.file("CSV", allowed_extensions=[".csv"])
        return f.name  # type: ignore[no-any-return]

    async with start(csv_only) as run:
        await run.next_prompt()
        await run.answer(("report.csv/..", b"a,b"))
        [error] = (await run.next_prompt()).errors
        assert error == f"'{FALLBACK_NAME}': only .csv files are accepted."
        await run.answer(("C:\\data\\report.csv", b"a,b"))
        assert await run.result() == "report.csv"

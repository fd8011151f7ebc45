"""What a command's start does instead of loading a library for one answer (issue 13): the long
date without babel, the program version without importlib.metadata, the loader of a file named
on the command line without forms.draftfile. Each must give the library's own answer."""

from __future__ import annotations

import datetime as dt
from importlib import metadata

import pytest
from babel.dates import format_date

from forms import about, draftfile, draftkind
from forms.display import LOCALE, long_date


@pytest.mark.parametrize("year", [1, 999, 1999, 2000, 2024, 2026, 9999])
def test_long_date_is_babels(year):
    step = 1 if year in (2024, 2026) else 37
    days = [dt.date(year, 1, 1) + dt.timedelta(n) for n in range(0, 365, step)] + [dt.date(year, 12, 31)]
    for day in days:
        assert long_date(day) == format_date(day, format="long", locale=LOCALE), day
    moment = dt.datetime(year, 3, 4, 5, 6)
    assert long_date(moment) == format_date(moment, format="long", locale=LOCALE)


def test_version_beside_the_sources_is_the_installed_metadata():
    assert about.program_version() == metadata.version(about.DIST)


def _dist_info(root, version, name="shenbao"):
    folder = root / f"{name}-{version}.dist-info"
    folder.mkdir()
    (folder / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n\nVersion: not a header\n", encoding="utf-8")


def test_version_of_a_bundle_or_wheel_is_read_from_its_dist_info(tmp_path):
    assert about._dist_info_version(tmp_path) is None
    _dist_info(tmp_path, "1.2.3", name="other")
    assert about._dist_info_version(tmp_path) is None  # another program's metadata
    _dist_info(tmp_path, "1.2.3")
    assert about._dist_info_version(tmp_path) == "1.2.3"
    _dist_info(tmp_path, "1.2.4")  # leftovers of an older install: importlib.metadata decides
    assert about._dist_info_version(tmp_path) is None


def test_version_is_a_header_of_the_metadata(tmp_path):
    folder = tmp_path / "shenbao-1.0.dist-info"
    folder.mkdir()
    (folder / "METADATA").write_text("Metadata-Version: 2.1\nName: shenbao\n\nVersion: 7 (the description)\n",
                                     encoding="utf-8")
    assert about._dist_info_version(tmp_path) is None


def test_version_of_a_checkout_is_its_pyproject(tmp_path):
    assert about._checkout_version(tmp_path) is None
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "other"\nversion = "9"\n', encoding="utf-8")
    assert about._checkout_version(tmp_path) is None
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "shenbao"\nversion = "2.0"\n', encoding="utf-8")
    assert about._checkout_version(tmp_path) == "2.0"
    (tmp_path / "pyproject.toml").write_text("[project\n", encoding="utf-8")
    assert about._checkout_version(tmp_path) is None


def test_draft_file_kind_is_draftfiles_own():
    assert draftfile.is_draft_file is draftkind.is_draft_file
    assert (draftfile.SUFFIX, draftfile.SQLITE_MAGIC, draftfile.ENCRYPTED_MAGIC) == \
        (draftkind.SUFFIX, draftkind.SQLITE_MAGIC, draftkind.ENCRYPTED_MAGIC)

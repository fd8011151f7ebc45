"""The compiled-form cache of forms.definition (issue 13): a start reads the Form it built
before instead of parsing form.yaml again — and only while the file, the loader and Python are
those it was built from. A copy of the shipped edition in a temporary folder stands in for the
program's, and the cache folder is a temporary one."""

from __future__ import annotations

import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest

from forms import definition
from forms.definition import DEFAULT_FORM_ID, DefinitionError, get_form, load_form
from forms.draft import Draft
from forms.sample import sample_draft
from forms.validate import validate

SHIPPED = definition.EDITIONS_DIR / DEFAULT_FORM_ID / "form.yaml"


@pytest.fixture
def edition(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the shipped edition as the only one, and an empty cache folder; get_form's
    per-process memory is cleared before and after."""
    folder = tmp_path / "editions" / DEFAULT_FORM_ID
    folder.mkdir(parents=True)
    shutil.copyfile(SHIPPED, folder / "form.yaml")
    monkeypatch.setattr(definition, "EDITION_DIRS", [tmp_path / "editions"])
    monkeypatch.setattr(definition, "CACHE_DIR", tmp_path / "cache")
    get_form.cache_clear()
    yield folder / "form.yaml"
    get_form.cache_clear()


def fresh_form() -> definition.Form:
    """get_form as a new process sees it (its per-process memory cleared)."""
    get_form.cache_clear()
    return get_form()


def cache_files(edition: Path) -> list[Path]:
    return sorted((edition.parents[2] / "cache").glob("form-*.pickle"))


def no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args, **kwargs):
        raise AssertionError("the definition was parsed")

    monkeypatch.setattr(definition, "_build_form", refuse)


def test_second_start_reads_the_cache_and_gets_the_same_form(edition, monkeypatch):
    parsed = fresh_form()
    strict = load_form(edition)
    assert len(cache_files(edition)) == 1
    no_parsing(monkeypatch)
    cached = fresh_form()
    assert cached is not parsed
    assert cached == parsed == strict  # every field, record, rule, part, format
    assert cached.source == edition
    # Its conditions and rules still work: the sample validates alike on both.
    draft = sample_draft()
    on_cached, on_parsed = Draft(cached, draft.data, draft.files), Draft(parsed, draft.data, draft.files)
    assert validate(on_cached) == validate(on_parsed)
    assert cached.where("team.members[2].name") == parsed.where("team.members[2].name")


def test_a_changed_definition_is_parsed_again(edition):
    assert fresh_form().field("unit.name").label == "申报单位"
    text = edition.read_text(encoding="utf-8")
    assert text.count("label: 申报单位\n") == 1
    edition.write_text(text.replace("label: 申报单位\n", "label: 申报单位全称\n"), encoding="utf-8")
    assert fresh_form().field("unit.name").label == "申报单位全称"
    assert len(cache_files(edition)) == 2  # one entry per file content
    edition.write_text(text, encoding="utf-8")  # back to the first bytes: that entry again
    assert fresh_form().field("unit.name").label == "申报单位"


def test_old_entries_are_pruned_when_a_new_one_is_written(edition):
    """The folder keeps the CACHE_ENTRIES_KEPT newest compiled forms: entries of editions since
    changed or of old programs go when a new one is written; other files stay."""
    import os

    folder = edition.parents[2] / "cache"
    folder.mkdir()
    old = [folder / f"form-{i:032x}.pickle" for i in range(definition.CACHE_ENTRIES_KEPT + 3)]
    for age, entry in enumerate(old):
        entry.write_bytes(b"an old program's entry")
        os.utime(entry, ns=(10**18 - age * 10**12, 10**18 - age * 10**12))  # old[0] newest
    other = folder / "regex-code.marshal"
    other.write_bytes(b"not ours to prune")
    form = fresh_form()
    left = cache_files(edition)
    assert len(left) == definition.CACHE_ENTRIES_KEPT
    written = [p for p in left if p not in old]
    assert len(written) == 1  # the entry just written stays, whatever its time
    assert set(left) - set(written) == set(old[:definition.CACHE_ENTRIES_KEPT - 1])
    assert other.read_bytes() == b"not ours to prune"
    assert fresh_form() == form  # and it is read back


def test_pruning_keeps_the_entries_used_last_not_those_written_last(edition, monkeypatch):
    """An entry written long ago but read at every start outlives newer entries nobody reads."""
    import os

    fresh_form()
    (entry,) = cache_files(edition)
    long_ago = 10**18 - 10**15
    os.utime(entry, ns=(long_ago, long_ago))
    folder = entry.parent
    newer = [folder / f"form-{i:032x}.pickle" for i in range(definition.CACHE_ENTRIES_KEPT)]
    for age, other in enumerate(newer):
        other.write_bytes(b"an entry written later and never read")
        os.utime(other, ns=(long_ago + (age + 1) * 10**12,) * 2)
    fresh_form()  # a start: reads the entry
    text = edition.read_text(encoding="utf-8")
    edition.write_text(text.replace("label: 申报单位\n", "label: 申报单位全称\n"), encoding="utf-8")
    fresh_form()  # a new entry written: the pruning runs
    assert entry in cache_files(edition)
    assert len(cache_files(edition)) == definition.CACHE_ENTRIES_KEPT
    edition.write_text(text, encoding="utf-8")
    no_parsing(monkeypatch)
    assert fresh_form().field("unit.name").label == "申报单位"  # read from the entry kept


def test_a_changed_file_is_checked_strictly_whatever_the_cache_holds(edition):
    fresh_form()
    text = edition.read_text(encoding="utf-8")
    edition.write_text(text.replace("title:", "title: twice\ntitle:", 1), encoding="utf-8")
    with pytest.raises(DefinitionError, match="duplicate key 'title'"):
        fresh_form()


def test_another_loader_is_a_miss(edition, monkeypatch):
    fresh_form()
    monkeypatch.setattr(definition, "_code_version", lambda: b"another loader".ljust(32, b"."))
    assert fresh_form().id == DEFAULT_FORM_ID
    assert len(cache_files(edition)) == 2


def test_the_loader_code_is_part_of_the_key(edition, tmp_path, monkeypatch):
    fresh_form()
    assert definition._code_version() is not None
    rules_py = tmp_path / "rules.py"
    source = Path(definition.__file__).with_name("rules.py").read_text(encoding="utf-8")
    rules_py.write_text(source + "\n# changed\n", encoding="utf-8")
    try:
        with monkeypatch.context() as m:
            m.setattr(definition.sys.modules["forms.rules"], "__file__", str(rules_py))
            definition._code_version.cache_clear()
            fresh_form()
        assert len(cache_files(edition)) == 2
    finally:
        definition._code_version.cache_clear()


def test_the_same_file_elsewhere_is_read_from_there(edition, tmp_path, monkeypatch):
    fresh_form()
    other = tmp_path / "another install" / DEFAULT_FORM_ID
    other.mkdir(parents=True)
    shutil.copyfile(edition, other / "form.yaml")
    monkeypatch.setattr(definition, "EDITION_DIRS", [other.parent])
    no_parsing(monkeypatch)
    assert fresh_form().source == other / "form.yaml"  # the cached Form, pointing at this copy


@pytest.mark.parametrize("damage", ["truncated", "changed", "garbage", "empty"])
def test_a_damaged_cache_entry_is_ignored_and_rewritten(edition, damage):
    expected = fresh_form()
    (entry,) = cache_files(edition)
    blob = entry.read_bytes()
    label = "申报单位".encode()
    assert blob.count(label) >= 1
    damaged = {"truncated": blob[: len(blob) // 2],
               "changed": blob.replace(label, "申报单价".encode(), 1),  # still a valid pickle
               "garbage": b"\x80\x04not a pickle", "empty": b""}[damage]
    entry.write_bytes(damaged)
    assert fresh_form() == expected
    assert entry.read_bytes() == blob


def test_a_cache_entry_that_is_no_form_is_ignored(edition):
    import hashlib
    import pickle

    fresh_form()
    (entry,) = cache_files(edition)
    head = len(definition._CACHE_MAGIC) + 32
    payload = pickle.dumps(SimpleNamespace(id=DEFAULT_FORM_ID))
    entry.write_bytes(entry.read_bytes()[:head] + hashlib.sha256(payload).digest() + payload)
    assert isinstance(fresh_form(), definition.Form)


def test_an_unusable_cache_folder_changes_nothing(edition, tmp_path, monkeypatch):
    blocker = tmp_path / "a file, not a folder"
    blocker.write_bytes(b"")
    monkeypatch.setattr(definition, "CACHE_DIR", blocker / "cache")
    assert fresh_form() == load_form(edition)
    assert fresh_form() == load_form(edition)  # parsed again, silently


def test_the_cache_lives_in_the_users_cache_folder_not_the_programs(monkeypatch):
    import platformdirs

    monkeypatch.setattr(definition, "CACHE_DIR", None)
    folder = definition.cache_dir()
    assert folder == platformdirs.user_cache_path("Shenbao", appauthor=False)
    program = Path(definition.__file__).resolve().parents[1]
    assert program not in folder.resolve().parents


def test_load_form_never_uses_the_cache(edition, monkeypatch):
    fresh_form()
    monkeypatch.setattr(definition, "_read_cache", lambda *a: pytest.fail("load_form read the cache"))
    assert load_form(edition).id == DEFAULT_FORM_ID


def test_without_sources_a_frozen_build_keys_on_its_program_file(edition, tmp_path, monkeypatch):
    program = tmp_path / "Shenbao.exe"
    program.write_bytes(b"build 1")
    with monkeypatch.context() as m:
        m.setattr(definition.sys.modules["forms.rules"], "__file__", str(tmp_path / "gone" / "rules.pyc"))
        m.setattr(definition.sys, "executable", str(program))
        try:
            definition._code_version.cache_clear()
            assert definition._code_version() is None  # not frozen, no sources: nothing cached
            fresh_form()
            assert cache_files(edition) == []
            m.setattr(definition.sys, "frozen", True, raising=False)
            definition._code_version.cache_clear()
            first = definition._code_version()
            fresh_form()
            assert len(cache_files(edition)) == 1
            program.write_bytes(b"build 22")  # an upgrade replaces the program file
            definition._code_version.cache_clear()
            assert definition._code_version() != first
        finally:
            definition._code_version.cache_clear()

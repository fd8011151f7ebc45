"""The command line of spec form-2022.md §6 through a real subprocess (``python main.py …``):
``sample``, ``validate`` (text and ``--json``) and their exit codes, unusable input (exit 2, one
line on stderr, never a traceback), ``render`` refusing an unknown output type, ``--db`` before
and after the sub-command, and help text for every command and option.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ui.cli import build_parser
from forms.draft import dump_draft_json, load_draft_json
from forms.sample import SAMPLE_ATTACHMENT, sample_document, sample_draft

ROOT = Path(__file__).resolve().parents[2]
MAIN = ROOT / "main.py"
assert MAIN.is_file()


def run(args: list[str], tmp_path: Path, *, db: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env["SHENBAO_DB"] = str(db or tmp_path / "private-store.sqlite3")
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["PYTHONIOENCODING"] = "utf-8"
    env.pop("SHENBAO_DEBUG", None)
    env.pop("SHENBAO_PASSPHRASE", None)
    return subprocess.run([sys.executable, str(MAIN), *args], cwd=ROOT, env=env, capture_output=True,
                          timeout=timeout, encoding="utf-8", errors="replace", stdin=subprocess.DEVNULL)


def assert_unusable(result: subprocess.CompletedProcess) -> str:
    """Exit 2, exactly one non-empty line on stderr, no traceback, not an internal error."""
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].strip(), result.stderr
    assert "内部错误" not in lines[0], lines[0]  # a crash caught at the last line of defence
    return lines[0]


@pytest.fixture(scope="module")
def sample_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("sample")
    result = run(["sample", "-o", str(folder / "sample.json")], folder)
    assert result.returncode == 0, result.stderr
    return folder


def write_draft(folder: Path, data_changes: dict[str, dict]) -> Path:
    """The sample JSON with some groups' values changed, written beside a copy of its attachment."""
    doc = copy.deepcopy(sample_document())
    for group, values in data_changes.items():
        if isinstance(doc["data"][group], dict):
            doc["data"][group].update(values)
        else:
            doc["data"][group] = values
    path = folder / "draft.json"
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")
    (folder / SAMPLE_ATTACHMENT).write_bytes(sample_draft().files[SAMPLE_ATTACHMENT])
    return path


# ============================================================================================
# sample
# ============================================================================================


def test_sample_writes_valid_json_and_its_attachment(sample_dir: Path) -> None:
    path = sample_dir / "sample.json"
    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    doc = json.loads(raw.decode("utf-8"))
    assert doc["format"] == "shenbao-draft" and doc["version"] == 1
    assert doc["form"] == "shanghai-ip-consortium-2022"
    attachment = sample_dir / doc["data"]["attachments"][0]["file"]
    assert attachment.is_file() and attachment.read_bytes().startswith(b"%PDF-")
    assert load_draft_json(path) == sample_draft()
    assert raw.decode("utf-8") == dump_draft_json(sample_draft())


def test_sample_says_what_it_wrote(tmp_path: Path) -> None:
    result = run(["sample", "-o", str(tmp_path / "x.json")], tmp_path)
    assert result.returncode == 0
    assert "x.json" in result.stdout
    assert result.stderr == ""


def test_sample_into_a_missing_folder_is_unusable(tmp_path: Path) -> None:
    result = run(["sample", "-o", str(tmp_path / "no" / "such" / "x.json")], tmp_path)
    assert_unusable(result)


# ============================================================================================
# validate
# ============================================================================================


def test_validate_sample_exit_0(sample_dir: Path) -> None:
    result = run(["validate", str(sample_dir / "sample.json")], sample_dir)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def test_validate_json_of_the_sample_is_an_empty_array(sample_dir: Path) -> None:
    result = run(["validate", str(sample_dir / "sample.json"), "--json"], sample_dir)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []


def test_validate_json_prints_problems(tmp_path: Path) -> None:
    path = write_draft(tmp_path, {"unit": {"postcode": "100000", "bank_account": "12345"}, "capability": ""})
    result = run(["validate", str(path), "--json"], tmp_path)
    assert result.returncode == 1, result.stderr
    problems = json.loads(result.stdout)
    assert isinstance(problems, list)
    for p in problems:
        assert set(p) == {"path", "code", "severity", "message", "where"}  # spec §6
        assert all(isinstance(v, str) for v in p.values())
        assert p["path"] and p["code"] and p["message"]
    assert {(p["path"], p["code"], p["severity"]) for p in problems} == {
        ("unit.postcode", "postcode_not_shanghai", "warning"),
        ("unit.bank_account", "account_format", "error"),
        ("capability", "required", "error"),
    }


def test_validate_warnings_only_exit_0(tmp_path: Path) -> None:
    path = write_draft(tmp_path, {"unit": {"postcode": "100000"}})
    result = run(["validate", str(path), "--json"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert [(p["path"], p["code"], p["severity"]) for p in json.loads(result.stdout)] == [
        ("unit.postcode", "postcode_not_shanghai", "warning")]
    text = run(["validate", str(path)], tmp_path)
    assert text.returncode == 0
    assert "unit.postcode" in text.stdout and "postcode_not_shanghai" in text.stdout


def test_validate_errors_exit_1(tmp_path: Path) -> None:
    path = write_draft(tmp_path, {"people": {**sample_document()["data"]["people"],
                                             "contact": {**sample_document()["data"]["people"]["contact"],
                                                         "email": "ouyang@example"}}})
    result = run(["validate", str(path)], tmp_path)
    assert result.returncode == 1
    assert "people.contact.email" in result.stdout and "email_format" in result.stdout
    assert "Traceback" not in result.stderr


def test_validate_missing_attachment_is_an_error_not_unusable(tmp_path: Path) -> None:
    path = write_draft(tmp_path, {})
    (tmp_path / SAMPLE_ATTACHMENT).unlink()
    result = run(["validate", str(path), "--json"], tmp_path)
    assert result.returncode == 1
    assert [(p["path"], p["code"]) for p in json.loads(result.stdout)] == [("attachments[0].file", "attachment_invalid")]


UNUSABLE: dict[str, bytes] = {
    "empty": b"",
    "truncated": json.dumps(sample_document(), ensure_ascii=False).encode("utf-8")[:1500],
    "non-utf8": json.dumps(sample_document(), ensure_ascii=False).encode("gbk"),
    "nested-brackets": b"[" * 200_000,
    "nested-balanced": b"[" * 200_000 + b"]" * 200_000,
    "array": b"[1, 2, 3]",
    "unknown-key": json.dumps({**sample_document(), "comment": "hi"}).encode("utf-8"),
    "unknown-data-key": json.dumps({**sample_document(), "data": {"unit": {"colour": "红"}}}).encode("utf-8"),
    "binary": bytes(range(256)) * 64,
    "png": b"\x89PNG\r\n\x1a\n" + b"\x00" * 100,
    "corrupt-sqlite": b"SQLite format 3\x00" + b"\xde\xad\xbe\xef" * 1000,
    "bom": b"\xef\xbb\xbf" + json.dumps(sample_document(), ensure_ascii=False).encode("utf-8"),
    "newer-version": json.dumps({**sample_document(), "version": 2}).encode("utf-8"),
}
HINTS = {
    "unknown-key": "comment",
    "unknown-data-key": "unit.colour",
    "non-utf8": "UTF-8",
    "bom": "BOM",
    "newer-version": "升级",
}


@pytest.mark.parametrize("case", UNUSABLE)
def test_validate_unusable_input(case: str, tmp_path: Path) -> None:
    path = tmp_path / "input.json"
    path.write_bytes(UNUSABLE[case])
    line = assert_unusable(run(["validate", str(path)], tmp_path))
    if case in HINTS:
        assert HINTS[case] in line


@pytest.mark.parametrize("case", ["empty", "nested-brackets", "unknown-key"])
def test_validate_json_unusable_input_prints_no_array(case: str, tmp_path: Path) -> None:
    path = tmp_path / "input.json"
    path.write_bytes(UNUSABLE[case])
    result = run(["validate", str(path), "--json"], tmp_path)
    assert_unusable(result)
    assert result.stdout.strip() == ""


def test_validate_a_directory(tmp_path: Path) -> None:
    (tmp_path / "folder.json").mkdir()
    assert_unusable(run(["validate", str(tmp_path / "folder.json")], tmp_path))


def test_validate_a_missing_file(tmp_path: Path) -> None:
    line = assert_unusable(run(["validate", str(tmp_path / "nowhere.json")], tmp_path))
    assert "nowhere.json" in line


def test_unusable_input_leaves_no_store_behind(tmp_path: Path) -> None:
    db = tmp_path / "store.sqlite3"
    (tmp_path / "bad.json").write_bytes(b"{")
    assert_unusable(run(["validate", str(tmp_path / "bad.json")], tmp_path, db=db))
    assert not db.exists()


# ============================================================================================
# command words
# ============================================================================================


@pytest.mark.parametrize(
    "args",
    [
        ["frobnicate"],
        ["validate"],
        ["sample"],
        ["validate", "a.json", "--no-such-option"],
    ],
    ids=["unknown-command", "validate-without-file", "sample-without-output", "unknown-option"],
)
def test_bad_command_words(args: list[str], tmp_path: Path) -> None:
    assert_unusable(run(args, tmp_path))


def test_render_unsupported_extension(sample_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.txt"
    line = assert_unusable(run(["render", str(sample_dir / "sample.json"), "-o", str(out)], tmp_path))
    assert ".txt" in line
    assert not out.exists()


@pytest.mark.parametrize("where", ["before", "after"])
def test_db_option_before_or_after_the_command(where: str, sample_dir: Path, tmp_path: Path) -> None:
    db = ["--db", str(tmp_path / "other.sqlite3")]
    words = ["validate", str(sample_dir / "sample.json")]
    result = run(db + words if where == "before" else words + db, tmp_path)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("where", ["before", "after"])
def test_db_option_with_sample(where: str, tmp_path: Path) -> None:
    db = ["--db", str(tmp_path / "other.sqlite3")]
    words = ["sample", "-o", str(tmp_path / "s.json")]
    result = run(db + words if where == "before" else words + db, tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "s.json").is_file()


# ============================================================================================
# help text (documentation is tested)
# ============================================================================================


def _subparser_actions(parser: argparse.ArgumentParser) -> list[argparse._SubParsersAction]:
    return [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]


def _walk(parser: argparse.ArgumentParser, name: str):
    yield name, parser
    for action in _subparser_actions(parser):
        for sub_name, sub in action.choices.items():
            yield from _walk(sub, f"{name} {sub_name}")


PARSERS = list(_walk(build_parser(), "shenbao"))


def test_parser_has_the_spec_commands() -> None:
    names = {name for name, _ in PARSERS}
    assert {"shenbao sample", "shenbao validate", "shenbao render"} <= names


@pytest.mark.parametrize(("name", "parser"), PARSERS, ids=[n for n, _ in PARSERS])
def test_every_option_has_help(name: str, parser: argparse.ArgumentParser) -> None:
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        if isinstance(action, argparse._SubParsersAction):
            helped = {a.dest: a.help for a in action._choices_actions}
            for sub_name in action.choices:
                assert (helped.get(sub_name) or "").strip(), f"{name} {sub_name}: sub-command without help"
            continue
        assert (action.help or "").strip() and action.help is not argparse.SUPPRESS, \
            f"{name}: {action.option_strings or action.dest} has no help"


def test_validate_has_the_spec_options() -> None:
    parser = dict(PARSERS)["shenbao validate"]
    options = {s for a in parser._actions for s in a.option_strings}
    assert {"--json", "--db"} <= options
    parser = dict(PARSERS)["shenbao render"]
    options = {s for a in parser._actions for s in a.option_strings}
    assert {"-o", "--draft", "--simplex", "--db"} <= options


@pytest.mark.parametrize("command", ["sample", "validate", "render"])
def test_help_of_each_command(command: str, tmp_path: Path) -> None:
    result = run([command, "--help"], tmp_path)
    assert result.returncode == 0
    parser = dict(PARSERS)[f"shenbao {command}"]
    shown = "".join(result.stdout.split())  # argparse wraps lines: compare without white space
    for action in parser._actions:
        if not isinstance(action, argparse._HelpAction) and action.help:
            assert "".join(action.help.split()) in shown, action.help


def test_top_level_help(tmp_path: Path) -> None:
    result = run(["--help"], tmp_path)
    assert result.returncode == 0
    for command in ("sample", "validate", "render"):
        assert command in result.stdout

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
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from forms.draft import dump_draft_json, load_draft_json
from forms.sample import SAMPLE_ATTACHMENT, sample_document, sample_draft
from ui.cli import EditorRequest, build_parser, editor_request

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
    return subprocess.run([sys.executable, str(MAIN), *args], cwd=ROOT, env=env, capture_output=True, check=False,
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
        assert all(isinstance(v, str) and v for v in p.values())
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
    (line,) = [ln for ln in text.stdout.splitlines() if "postcode_not_shanghai" in ln]
    assert line.startswith("提醒  unit.postcode  [postcode_not_shanghai]  一、申报单位基本信息 › ")  # where, in words


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


# ============================================================================================
# the command line as a Chinese Windows user meets it (issue 8 item 12)
# ============================================================================================

#: words of argparse's own English that must never reach the user
ARGPARSE_ENGLISH = re.compile(r"usage:|options:|positional arguments|show this help|unrecognized|"
                              r"arguments are required|invalid choice|expected one argument|error:")


@pytest.mark.parametrize(("name", "parser"), PARSERS, ids=[n for n, _ in PARSERS])
def test_help_is_chinese(name: str, parser: argparse.ArgumentParser, tmp_path: Path) -> None:
    result = run([*name.split()[1:], "--help"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("用法：shenbao")
    assert not ARGPARSE_ENGLISH.search(result.stdout), result.stdout
    assert "选项：" in result.stdout


def _columns(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


@pytest.mark.parametrize("columns", [60, 80])
@pytest.mark.parametrize(("name", "parser"), PARSERS, ids=[n for n, _ in PARSERS])
def test_help_fits_a_console_of_chinese_text(columns: int, name: str, parser: argparse.ArgumentParser,
                                             tmp_path: Path) -> None:
    """Measured in console columns (a 汉字 takes two), the help fits the window; the help
    texts start in one column; an ASCII word is never cut; no line starts with a closing sign."""
    result = subprocess.run([sys.executable, str(MAIN), *name.split()[1:], "--help"], cwd=ROOT, check=False,
                            capture_output=True, text=True, encoding="utf-8", timeout=60,
                            env={**os.environ, "COLUMNS": str(columns), "SHENBAO_DB": str(tmp_path / "s.sqlite3")})
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert all(_columns(line) <= columns for line in lines), [ln for ln in lines if _columns(ln) > columns]
    assert not [ln for ln in lines if ln.strip()[:1] in tuple("）】」》，。、；：")]
    entries = [ln for ln in lines if re.match(r"  \S.*\S  +\S", ln)]  # "  --json    以 JSON 数组输出"
    starts = {_columns(re.match(r"(  \S.*?\S  +)\S", ln).group(1)) for ln in entries}
    assert len(starts) <= 1, entries
    text = " ".join(result.stdout.split())
    for word in ("SHENBAO_PASSPHRASE", "SHENBAO_DB", ".shenbao"):
        if word in "".join(result.stdout.split()):
            assert word in text


@pytest.mark.parametrize(
    "args",
    [["frobnicate"], ["validate"], ["validate", "a.json", "--no-such-option"], ["render", "a.json", "-o"],
     ["drafts"], ["drafts", "export", "x"], ["drafts", "show", "x", "--revision", "abc"]],
    ids=["unknown-command", "missing-file", "unknown-option", "missing-value", "missing-sub-command",
         "missing-required-option", "bad-revision"],
)
def test_usage_errors_are_chinese(args: list[str], tmp_path: Path) -> None:
    line = assert_unusable(run(args, tmp_path))
    assert line.startswith("shenbao: 命令行有误：")
    assert not ARGPARSE_ENGLISH.search(line), line
    assert not re.search(r"\b(argument|required|invalid|choose|expected)\b", line), line


def test_version(tmp_path: Path) -> None:
    from importlib.metadata import version

    result = run(["--version"], tmp_path)
    assert result.returncode == 0 and result.stderr == ""
    assert result.stdout == f"申报助手 {version('shenbao')}\n"


def test_output_is_utf8_when_the_console_is_gbk(tmp_path: Path) -> None:
    """A cp936 console or a redirect that Python would write in GBK: the output is UTF-8 and a
    character outside GBK (𠈌, U+2020C) comes out as itself, not as \\U0002020c."""
    leader = {**sample_document()["data"]["people"]["leader"], "name": "孙𠈌"}
    path = write_draft(tmp_path, {"people": {**sample_document()["data"]["people"], "leader": leader},
                                  "unit": {"bank_account": "12345𠈌"}})
    result = subprocess.run([sys.executable, str(MAIN), "validate", str(path), "--json"], cwd=ROOT,
                            capture_output=True, timeout=120, check=False,
                            env={**os.environ, "PYTHONIOENCODING": "gbk", "SHENBAO_DB": str(tmp_path / "s.sqlite3")})
    assert result.returncode == 1, result.stderr
    text = result.stdout.decode("utf-8")  # raises when the output is GBK
    assert "\\U0002020c" not in text and "𠈌" in text
    assert any("12345𠈌" in p["message"] for p in json.loads(text))


def test_os_errors_are_told_in_chinese(tmp_path: Path) -> None:
    """The operating system's English ("File name too long") never reaches the user."""
    target = tmp_path / ("长" * 200 + ".json")
    line = assert_unusable(run(["sample", "-o", str(target)], tmp_path))
    assert "示例草稿" in line and "文件名太长" in line
    assert not re.search(r"[A-Za-z]{4,} [a-z]{3,}", line.replace(str(target), "")), line


def test_validate_loads_no_qt(sample_dir: Path, tmp_path: Path) -> None:
    """``python main.py validate`` stays light: the command line never imports Qt."""
    code = ("import sys, main\n"
            f"assert main.main(['validate', {str(sample_dir / 'sample.json')!r}]) == 0\n"
            "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'reportlab'))\n"
            "print(loaded)\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                            encoding="utf-8", timeout=120, check=False,
                            env={**os.environ, "SHENBAO_DB": str(tmp_path / "s.sqlite3")})
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "[]"


# ============================================================================================
# hostile and unlucky input (issue 9)
# ============================================================================================


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
@pytest.mark.parametrize("name", ["draft.json", "draft.shenbao"])
def test_a_named_pipe_is_refused_before_reading(name: str, tmp_path: Path) -> None:
    """Reading a FIFO nobody writes to would block forever: refused at once (item 3)."""
    fifo = tmp_path / name
    os.mkfifo(fifo)
    line = assert_unusable(run(["validate", str(fifo)], tmp_path, timeout=30))
    assert "命名管道" in line and name in line


def test_an_integer_of_5000_digits_is_unusable_input(tmp_path: Path) -> None:
    """json refuses integer literals over 4300 digits with a ValueError: one line, exit 2 (item 6)."""
    raw = json.dumps(sample_document(), ensure_ascii=False).replace('"version": 1', '"version": ' + "9" * 5000, 1)
    assert "9" * 5000 in raw
    path = tmp_path / "big.json"
    path.write_text(raw, encoding="utf-8")
    line = assert_unusable(run(["validate", str(path)], tmp_path))
    assert "数字" in line and "5000 位" in line


@pytest.mark.parametrize(
    ("content", "kind"),
    [(b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(64)), "ZIP"),
     (b"SHENBAO-ENCRYPX\x00" + bytes(range(200)), "损坏"),
     (b"hello, not a draft", "")],
    ids=["zip", "damaged-encrypted-header", "text"],
)
def test_a_file_named_shenbao_that_is_not_one(content: bytes, kind: str, tmp_path: Path) -> None:
    """A ZIP renamed .shenbao or a damaged file is "not a draft file", not "not UTF-8" (item 12)."""
    path = tmp_path / "from-colleague.shenbao"
    path.write_bytes(content)
    line = assert_unusable(run(["validate", str(path)], tmp_path))
    assert re.search("不是(有效的)?申报助手的?草稿文件", line) and kind in line and "UTF-8" not in line


@pytest.mark.parametrize("db", ["", "   ", "folder/", "folder"])
def test_a_store_path_that_names_no_file_is_refused(db: str, sample_dir: Path, tmp_path: Path) -> None:
    """``--db "$UNSET"`` would silently use the real store; a folder is no store (item 9)."""
    (tmp_path / "folder").mkdir()
    default = tmp_path / "default-store.sqlite3"
    result = subprocess.run([sys.executable, str(MAIN), "validate", str(sample_dir / "sample.json"), "--db", db],
                            cwd=tmp_path, capture_output=True, text=True, encoding="utf-8", timeout=120,
                            check=False, env={**os.environ, "SHENBAO_DB": str(default)})
    line = assert_unusable(result)
    assert "--db" in line and "草稿库" in line
    assert not default.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["folder"]


# ============================================================================================
# editor or command line (main.py)
# ============================================================================================


@pytest.mark.parametrize(
    ("argv", "expected"),
    [([], EditorRequest()),
     (["a.shenbao"], EditorRequest(["a.shenbao"])),
     (["--db", "s.sqlite3", "A.JSON", "b.Shenbao"], EditorRequest(["A.JSON", "b.Shenbao"], Path("s.sqlite3"))),
     (["b.shenbao", "--db=s.sqlite3"], EditorRequest(["b.shenbao"], Path("s.sqlite3"))),
     (["--", "--odd name.shenbao"], EditorRequest(["--odd name.shenbao"])),
     (["validate", "a.json"], None),
     (["a.json", "validate"], None),
     (["drafts"], None),
     (["--help"], None),
     (["--version"], None),
     (["valdate"], None),      # a mistyped command is a command-line error, not a file to open
     (["--db", ""], None),     # refused by the command line, with its message
     (["--db", "folder/"], None)],
)
def test_editor_or_command(argv: list[str], expected: EditorRequest | None) -> None:
    assert editor_request(argv) == expected


def test_an_existing_file_of_any_name_opens_in_the_editor(tmp_path: Path) -> None:
    path = tmp_path / "draft from mail.txt"
    path.write_text("{}", encoding="utf-8")
    assert editor_request([str(path)]) == EditorRequest([str(path)])


def test_without_the_editor_main_says_so_in_chinese(tmp_path: Path) -> None:
    """A build without ui.app (or without Qt): a Chinese line and exit 2, not a traceback."""
    code = "import sys\nsys.modules['ui.app'] = None\nimport main\nsys.exit(main.main(sys.argv[1:]))\n"
    for argv in ([], ["x.shenbao"]):
        result = subprocess.run([sys.executable, "-c", code, *argv], cwd=ROOT, capture_output=True, text=True,
                                encoding="utf-8", timeout=60, check=False,
                                env={**os.environ, "SHENBAO_DB": str(tmp_path / "s.sqlite3")})
        assert result.returncode == 2 and result.stdout == ""
        assert result.stderr.startswith("shenbao: 本版本没有可用的图形编辑器") and result.stderr.count("\n") == 1


# ============================================================================================
# the final print refuses ID-number errors (issue 8 item 10), through pdf.export
# ============================================================================================


def _with_check(first17: str) -> str:
    from forms.idnumbers import id_check_char

    return first17 + id_check_char(first17)


BAD_IDS = {
    "id_checksum": "310101198511205713",             # 陈昊's number with a wrong check character
    "id_format": "310101851120571",                  # the old 15-digit form
    "id_birth_date": _with_check("31010119850230571"),   # 30 February
    "id_region": _with_check("99010119851120571"),       # no province 99
}


def _members_with(number: str) -> list[dict]:
    members = copy.deepcopy(sample_document()["data"]["team"]["members"])
    members[1]["id_number"] = number
    return members


@pytest.mark.parametrize("code", BAD_IDS)
def test_the_final_print_refuses_an_id_number_error(code: str, tmp_path: Path) -> None:
    path = write_draft(tmp_path, {"team": {**sample_document()["data"]["team"], "members": _members_with(BAD_IDS[code])}})
    out = tmp_path / "final.pdf"
    result = run(["render", str(path), "-o", str(out)], tmp_path)
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "team.members[1].id_number" in result.stderr and f"[{code}]" in result.stderr
    assert "--draft" in result.stderr and result.stdout == ""
    assert not out.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["draft.json", SAMPLE_ATTACHMENT]


def test_an_id_number_error_prints_as_a_draft(tmp_path: Path) -> None:
    path = write_draft(tmp_path, {"team": {**sample_document()["data"]["team"],
                                           "members": _members_with(BAD_IDS["id_checksum"])}})
    out = tmp_path / "draft.docx"
    result = run(["render", str(path), "-o", str(out), "--draft"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert out.is_file() and out.read_bytes().startswith(b"PK") and f"已生成 {out}" in result.stdout

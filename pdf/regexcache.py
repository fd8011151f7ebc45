"""reportlab's two costly regular expressions, compiled once per machine instead of at every start
(issue 13).

Importing reportlab's paragraph module compiles about ninety regular expressions; two of them
take 40 ms of a 0.45 s command-line render, more than all the others together:
``reportlab.platypus.paragraph.uri_pat`` (case-insensitive over ``\\xa1-\\uffff``: Python's
compiler folds the case of 65,000 characters) and ``reportlab.lib.textsplit.rx``. Python keeps
no compiled pattern between processes, so :func:`warm` does what a ``.pyc`` does for code: it
keeps the compiler's output — the pattern's code, a list of integers — in the per-user cache
folder (:func:`forms.definition.cache_dir`) and, before reportlab is imported, puts pattern
objects made from it into :mod:`re`'s own cache, where reportlab's ``re.compile`` finds them.

Nothing in reportlab is touched and nothing is skipped: the pattern text is parsed as always
(groups, flags), only the code comes from the cache, and a pattern made so is equal — same code,
compared by ``==`` — to the one ``re.compile`` would make (the tests compare them). The cache is
keyed by Python's full version and its regular-expression engine's ``_sre.MAGIC``; each entry by
the pattern's text and flags. A missing, damaged or foreign cache, or a Python whose internals
differ, means the patterns are compiled as before (and the cache written for the next start).
"""

from __future__ import annotations

import marshal
import re
import sys

#: The patterns kept: (module, attribute) of reportlab's compiled patterns that cost most.
PATTERNS = (("reportlab.platypus.paragraph", "uri_pat"), ("reportlab.lib.textsplit", "rx"))
_MAGIC = b"shenbao-regex-cache 1\n"
#: How many patterns the last :func:`warm` put into re's cache (for the tests).
seeded = 0


def _key() -> str:
    import _sre

    return f"{sys.version}|{sys.implementation.name}|{_sre.MAGIC}"


def _cache_file():
    from forms.definition import cache_dir

    return cache_dir() / "regex-code.marshal"


def _pattern(text: str, flags: int, code: list[int]) -> re.Pattern:
    """The pattern ``re.compile(text, flags)`` gives, made with ``code`` (what the compiler
    made of it) instead of compiling it: as ``re._compiler.compile`` does after ``_code``."""
    import _sre
    from re import _parser

    parsed = _parser.parse(text, flags)
    groupindex = parsed.state.groupdict
    indexgroup = [None] * parsed.state.groups
    for name, i in groupindex.items():
        indexgroup[i] = name
    return _sre.compile(text, flags | parsed.state.flags, code, parsed.state.groups - 1,
                        groupindex, tuple(indexgroup))


def _read() -> dict | None:
    try:
        blob = _cache_file().read_bytes()
        if not blob.startswith(_MAGIC):
            return None
        stored = marshal.loads(blob[len(_MAGIC):])
    except Exception:  # noqa: BLE001 - no cache, a damaged one: compile as before
        return None
    if not isinstance(stored, dict) or stored.get("key") != _key() or not isinstance(stored.get("codes"), list):
        return None
    return stored


def _seed(codes: list) -> int:
    """Put the cached patterns into re's cache; how many."""
    count = 0
    for text, flags, code in codes:
        try:
            pattern = _pattern(text, flags, code)
        except Exception:  # noqa: BLE001 - code the engine refuses: that pattern is compiled as before
            continue
        # reportlab's flags may name re.UNICODE or leave it implied (as it is for text)
        for given in {flags, flags | re.UNICODE} if isinstance(text, str) else {flags}:
            re._cache[type(text), text, given] = pattern
        count += 1
    return count


def _write() -> None:
    """Compile the kept patterns' code (the compiler's work, once) and store it."""
    from importlib import import_module
    from re import _compiler, _parser

    from forms.fsutil import atomic_write_bytes

    try:
        codes = []
        for module, name in PATTERNS:
            compiled = getattr(import_module(module), name)
            flags = int(compiled.flags & ~re.UNICODE if isinstance(compiled.pattern, str) else compiled.flags)
            # plain ints: the opcodes (and re's flags) are int subclasses, which marshal does not store
            code = [int(op) for op in _compiler._code(_parser.parse(compiled.pattern, flags), flags)]
            if _pattern(compiled.pattern, flags, code) != compiled:
                return  # the compiler does more than this module knows: keep no cache
            codes.append((compiled.pattern, flags, code))
        path = _cache_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(path, _MAGIC + marshal.dumps({"key": _key(), "codes": codes}))
    except Exception:  # noqa: BLE001 - read-only profile, another Python…: compile at the next start
        return


def warm() -> None:
    """Before reportlab's paragraph module is first imported: seed re's cache with its costly
    patterns from the cache folder, import it, and write the cache when it was not there.
    Does nothing once that module is loaded."""
    global seeded
    if all(module in sys.modules for module, _ in PATTERNS):
        return
    stored = _read()
    seeded = _seed(stored["codes"]) if stored else 0
    for module, _ in PATTERNS:
        __import__(module)
    if seeded < len(PATTERNS):
        _write()

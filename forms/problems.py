"""Problems found in a draft: the declared codes, their severities and the Problem record.

Every check in Shenbao reports through :class:`Problem`; the editor, the command line
(``validate --json``) and the printer all see the same objects. The codes and severities are the
contract of ``shared/spec/form-2022.md`` §3 and must not change.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from forms.messages import code_of, message

ERROR = "error"
WARNING = "warning"

#: code -> severity, exactly as spec §3.
CODES: dict[str, str] = {
    "required": ERROR,
    "too_long": ERROR,
    "id_format": ERROR,
    "id_checksum": ERROR,
    "id_birth_date": ERROR,
    "id_region": ERROR,
    "uscc_format": ERROR,
    "uscc_checksum": ERROR,
    "uscc_not_shanghai": WARNING,
    "uscc_nature_mismatch": WARNING,
    "uscc_org_code": WARNING,
    "phone_format": ERROR,
    "email_format": ERROR,
    "postcode_format": ERROR,
    "postcode_not_shanghai": WARNING,
    "account_format": ERROR,
    "park_company_missing": ERROR,
    "duplicate_id": ERROR,
    "gender_mismatch": WARNING,
    "leader_not_in_members": WARNING,
    "partnership_under_3_years": WARNING,
    "choice_invalid": ERROR,
    "year_invalid": ERROR,
    "unrenderable_char": ERROR,
    "attachment_invalid": ERROR,
}


@dataclass(frozen=True, slots=True)
class Finding:
    """A check's verdict before it is tied to a path: a code and a Chinese message."""

    code: str
    message: str

    def __post_init__(self) -> None:
        if self.code not in CODES:
            raise ValueError(f"unknown problem code {self.code!r}")

    @classmethod
    def of(cls, key: str, **fields: object) -> "Finding":
        """The finding of message template ``key`` (:mod:`forms.messages`) with ``fields``."""
        return cls(code_of(key), message(key, **fields))


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem at one field path, e.g. ``team.members[2].id_number``.

    ``where`` is the place in words as the printed form names it
    (``一、申报单位基本信息 › 项目负责人 › 身份证号码``), for a clerk; ``path`` is for programs.
    """

    path: str
    code: str
    message: str
    where: str = ""

    @property
    def severity(self) -> str:
        return CODES[self.code]

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def as_dict(self) -> dict[str, str]:
        return {"path": self.path, "code": self.code, "severity": self.severity,
                "message": self.message, "where": self.where}

    @classmethod
    def at(cls, path: str, finding: Finding, where: str = "") -> "Problem":
        return cls(path, finding.code, finding.message, where)

    @classmethod
    def of(cls, path: str, key: str, where: str = "", **fields: object) -> "Problem":
        """The problem at ``path`` with the message of template ``key`` (:mod:`forms.messages`)."""
        return cls(path, code_of(key), message(key, **fields), where)


class DefinitionError(ValueError):
    """The form definition file is wrong; the message names the place."""


class RenderRefused(ValueError):
    """A printer (PDF, Word) could not produce the document; the message says why, in Chinese.
    Raised by ``pdf/`` and caught by the command line and the editor without a traceback.
    ``problems`` holds the problems that stopped it (the errors of a final print), if any."""

    def __init__(self, message: str = "", problems: Iterable[Problem] = ()):
        super().__init__(message)
        self.problems: tuple[Problem, ...] = tuple(problems)

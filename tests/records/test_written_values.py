"""The last inputs that surprised (issue 26): a policy without a government, ids with
white space around them, a date with a time, numbers YAML 1.1 reads in its own ways,
and control characters in what messages show. Each is one problem at its file and
line, in words, never an internal error."""

from __future__ import annotations

import shutil
import unicodedata
from pathlib import Path

import pytest

from policy_graph.errors import InputError, Problem, printable
from policy_graph.records.reading import load_records
from tests.helpers import MINIMAL, run_cli

POLICIES = "data/policies.yaml"
FIRST_GOVERNMENT = "    government: gwangju\n    lead_department: jobs-economy\n"


def problems_of(tmp_path: Path, file: str, old: str, new: str) -> list[str]:
    """The problem lines of the minimal records with ``old`` made ``new`` in ``file``."""
    data = tmp_path / "data"
    shutil.copytree(MINIMAL, data)
    path = data / file
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(InputError) as error:
        load_records(data)
    return [str(p).replace(str(tmp_path) + "/", "") for p in error.value.problems]


# --- a policy's government --------------------------------------------------------------


@pytest.mark.parametrize(
    "written,line,message",
    [
        ("", 2, "government: missing required field"),  # the curator's most common slip
        ("    government: [gwangju, other]\n", 3, "government: expected one id, got a list: ['gwangju', 'other']"),
        ('    government: ""\n', 3, "government: is empty"),
        ("    government:\n", 3, "government: expected a text, got nothing"),
        ("    government: {a: 1}\n", 3, "government: expected a text, got {'a': 1}"),
    ],
)  # fmt: skip
def test_a_missing_or_malformed_government_is_one_problem_at_its_line(
    tmp_path, written, line, message
):
    """Issue 26: these stopped validate and build with an internal TypeError (exit 3):
    the records of a folder are digested per government, and None was one."""
    data = tmp_path / "data"
    shutil.copytree(MINIMAL, data)
    path = data / "policies.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace(FIRST_GOVERNMENT, written + "    lead_department: jobs-economy\n", 1)
    )
    for command in (["validate"], ["build", "--out", "out/graph.ttl"]):
        done = run_cli(*command, "--data", "data", cwd=tmp_path)
        assert (done.returncode, done.stdout) == (1, ""), done.stderr
        assert done.stderr.splitlines() == [
            f"{POLICIES}:{line}: policy smart-factory: {message}",
            "policy-graph: 1 problem found; nothing was written",
        ]


# --- ids -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written,shown",
    [('"smart-factory "', "'smart-factory '"), ('"smart-factory\\t"', "'smart-factory\\t'"),
     ('"smart-factory\\n"', "'smart-factory\\n'"), ("smart-factory\u00a0", "'smart-factory\\xa0'"),
     ('" smart-factory"', "' smart-factory'")],
)  # fmt: skip
def test_an_id_with_white_space_around_it_is_refused(tmp_path, written, shown):
    """Issue 26: such ids became other ids in silence (YAML keeps what is quoted, and a
    no-break space even unquoted)."""
    problems = problems_of(tmp_path, "policies.yaml", "  - id: smart-factory", f"  - id: {written}")
    assert problems == [
        f"{POLICIES}:2: policy {printable(eval(shown))}: id: {shown} has white space around it: "
        "write the id alone ('smart-factory')"
    ]


@pytest.mark.parametrize(
    "written,shown", [('"gwangju "', "'gwangju '"), ("gwangju\u00a0", "'gwangju\\xa0'")]
)
def test_a_reference_with_white_space_around_it_is_refused(tmp_path, written, shown):
    problems = problems_of(
        tmp_path, "policies.yaml", "    government: gwangju", f"    government: {written}"
    )
    assert problems == [
        f"{POLICIES}:3: policy smart-factory: government: {shown} has white space around it: "
        "write the id alone ('gwangju')"
    ]


# --- dates ----------------------------------------------------------------------------------

ISSUED = "data/organisations.yaml:15: source asiae-2021-01-19-gwangju-1ai: issued: "


@pytest.mark.parametrize(
    "written,message",
    [
        ("2021-01-19 10:00:00", "expected a date such as 2021-01-19, got the date and time '2021-01-19 10:00:00': write the date alone (2021-01-19)"),
        ("2021-01-19T10:00:00Z", "expected a date such as 2021-01-19, got the date and time '2021-01-19T10:00:00Z': write the date alone (2021-01-19)"),
        ('"20210119"', "expected a date such as 2021-01-19, got '20210119'"),
        ('"2021-W03-2"', "expected a date such as 2021-01-19, got '2021-W03-2'"),
    ],
)  # fmt: skip
def test_a_date_field_refuses_a_date_and_time_and_other_forms(tmp_path, written, message):
    """Issue 26: a date-time was taken as its date; Python also reads 20210119 and
    2021-W03-2 as dates."""
    problems = problems_of(
        tmp_path, "organisations.yaml", "issued: 2021-01-19", f"issued: {written}"
    )
    assert problems == [ISSUED + message]


# --- numbers --------------------------------------------------------------------------------

BUDGET = f"{POLICIES}:13: policy smart-factory: budget_krw: "


@pytest.mark.parametrize(
    "written,message",
    [
        ("0x4A817C800", "expected a number of won in plain digits, got '0x4A817C800' (YAML reads it as 20000000000): write 20000000000"),
        ("0b1010", "expected a number of won in plain digits, got '0b1010' (YAML reads it as 10): write 10"),
        ("20_000_000_000", "expected a number of won in plain digits, got '20_000_000_000' (YAML reads it as 20000000000): write 20000000000"),
        ("1:30", "expected a number of won in plain digits, got '1:30' (YAML reads it as 90): write 90"),
        ("017", "expected a number of won in plain digits, got '017' (YAML reads a number with a leading 0 in base 8: 15): write it without the leading 0"),
        ("-0", "expected a number of won in plain digits, got '-0' (YAML reads it as 0): write 0"),
        ("2.0e+10", "expected a number of won in plain digits, got '2.0e+10' (YAML reads it as 20000000000.0): write 20000000000"),
        ("+2e10", "expected a number of won, got the text '+2e10': write 20000000000 (and keep the source's wording in a quote)"),
        ("1E+400", "expected a number of won, got the text '1E+400': a budget is at most 10000000000000000 won (1경 원), written in digits (and keep the source's wording in a quote)"),
        ("25000000000000000", "expected a number of won, got 25000000000000000: a budget is at most 10000000000000000 won (1경 원), written in digits"),
        ("-5", "expected a number of won, got -5: a budget is no negative number"),
    ],
)  # fmt: skip
def test_a_budget_takes_only_the_forms_the_docs_list(tmp_path, written, message):
    """Issue 26: YAML 1.1's numbers became budgets (0b1010 = 10 won), -0 was 0 won with
    a warning, and 1E+400 was refused with the advice "write 1E+400"."""
    problems = problems_of(
        tmp_path, "policies.yaml", "budget_krw: 20000000000", f"budget_krw: {written}"
    )
    assert problems == [BUDGET + message]


@pytest.mark.parametrize("written", ["20000000000", "20000000000.0", "0", "2500000000.5"])
def test_a_budget_in_digits_is_read(tmp_path, written):
    data = tmp_path / "data"
    shutil.copytree(MINIMAL, data)
    path = data / "policies.yaml"
    path.write_text(path.read_text().replace("budget_krw: 20000000000", f"budget_krw: {written}"))
    done = run_cli("validate", "--data", "data", cwd=tmp_path)
    assert done.returncode == 0, done.stderr  # a budget no quote states is a warning only


@pytest.mark.parametrize(
    "written,message",
    [("0x7E9", "expected a year in plain digits, got '0x7E9' (YAML reads it as 2025): write 2025"),
     ("2_025", "expected a year in plain digits, got '2_025' (YAML reads it as 2025): write 2025"),
     ("+2025", "expected a year in plain digits, got '+2025' (YAML reads it as 2025): write 2025")],
)  # fmt: skip
def test_a_year_takes_four_digits_only(tmp_path, written, message):
    problems = problems_of(
        tmp_path, "policies.yaml", "planned_end: 2025", f"planned_end: {written}"
    )
    assert problems == [f"{POLICIES}:14: policy smart-factory: planned_end: {message}"]


# --- what messages show ------------------------------------------------------------------


def test_a_message_escapes_control_and_bidi_characters_of_an_id(tmp_path):
    """Issue 26: an id "x\\e]0;…\\a\\u202e…" put ESC, BEL and a right-to-left override into
    the "policy <id>:" prefix (a terminal's title changed, the line read backwards)."""
    problems = problems_of(
        tmp_path, "policies.yaml", "  - id: smart-factory", '  - id: "x\\e]0;title\\a\\u202eevil"'
    )
    assert problems == [
        f"{POLICIES}:2: policy x\\x1b]0;title\\x07\\u202eevil: id: expected a slug of lowercase "
        "ASCII words joined by '-' (like 'smart-factory'), got 'x\\x1b]0;title\\x07\\u202eevil'"
    ]


def test_a_file_name_with_a_line_break_stays_on_its_line(tmp_path):
    """Issue 26: one problem was split over two lines by a file name holding a newline."""
    data = tmp_path / "data"
    shutil.copytree(MINIMAL, data)
    (data / "policies.yaml").rename(data / "pol\nicies\u202e.yaml")
    path = data / "pol\nicies\u202e.yaml"
    path.write_text(path.read_text().replace("budget_krw: 20000000000", "budget_krw: abc"))
    done = run_cli("validate", "--data", "data", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "data/pol\\nicies\\u202e.yaml:13: policy smart-factory: budget_krw: expected a number of "
        "won such as 20000000000, got 'abc'",
        "policy-graph: 1 problem found; nothing was written",
    ]


@pytest.mark.parametrize(
    "char",
    [
        "\x00",
        "\x07",
        "\x1b",
        "\x7f",
        "\x85",
        "\u200f",
        "\u202e",
        "\u2066",
        "\u2028",
        "\ufeff",
        "\t",
        "\n",
        "\u00a0",
    ],
)
def test_printable_escapes_every_character_not_shown_as_text(char):
    text = printable(f"a{char}b")
    assert text == f"a{repr(char)[1:-1]}b"
    assert all(unicodedata.category(c)[0] not in "CZ" or c == " " for c in text)


def test_a_problem_line_is_printable_in_every_part():
    problem = Problem("data/a\nb.yaml", 3, "policy x\x1by", "title\u202e", "got '\x07'")
    assert str(problem) == "data/a\\nb.yaml:3: policy x\\x1by: title\\u202e: got '\\x07'"

"""The roster file: every field read, every problem reported on its own line before anything runs."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from roster_helpers import person_export, write_roster
from test_cli import run

from auditor.errors import AuditorError, AuditorErrors
from auditor.roster import load_roster


def test_csv_roster_reads_every_field_and_resolves_paths(tmp_path) -> None:
    person_export(tmp_path, "ann")
    person_export(tmp_path, "ben")
    roster = tmp_path / "team.csv"
    roster.write_text(
        "id,name,role,team,accounts,policy,mode,consent_date,consent_scope,requested_by\n"
        "e1,Ann Lee,Lead,Brand,ann.jsonl;bsky:ann.example.com,family,hr,2026-09-01,public posts,HR Lead\n"
        "e2,Ben Ode,Intern,Comms,ben.jsonl,,,,,\n",
        encoding="utf-8",
    )
    ann, ben = load_roster(roster)
    assert (ann.id, ann.name, ann.role, ann.team) == ("e1", "Ann Lee", "Lead", "Brand")
    assert ann.accounts == [str(tmp_path / "ann.jsonl"), "bsky:ann.example.com"]
    consent = (ann.consent_date, ann.consent_scope, ann.requested_by)
    assert (ann.policy, ann.mode, consent) == ("family", "hr", (date(2026, 9, 1), "public posts", "HR Lead"))
    assert (ben.policy, ben.mode, ben.consent_date) == (None, None, None)


def test_yaml_roster_is_a_list(tmp_path) -> None:
    person_export(tmp_path, "ann")
    roster = tmp_path / "team.yaml"
    roster.write_text(
        "- id: 7\n  name: Ann Lee\n  role: Lead\n  team: Brand\n  accounts: [ann.jsonl]\n"
        "  consent_date: 2026-01-31\n",
        encoding="utf-8",
    )
    (ann,) = load_roster(roster)
    assert (
        ann.id == "7"
        and ann.accounts == [str(tmp_path / "ann.jsonl")]
        and ann.consent_date == date(2026, 1, 31)
    )


def test_every_problem_is_one_line_naming_row_and_column(tmp_path) -> None:
    person_export(tmp_path, "ann")
    roster = tmp_path / "team.csv"
    roster.write_text(
        "id,name,role,team,accounts,consent_date\n"
        "e1,Ann Lee,Lead,Brand,ann.jsonl,2026-09-01\n"
        "e1,Ann Again,Lead,Brand,ann.jsonl,\n"
        "e3,Cy Dee,PR,Brand,gopher:cy;ann.jsonl,\n"
        "e4,Di Fox,PR,Brand,ann.jsonl,31/12/2025\n"
        "e5,,PR,Brand,,\n",
        encoding="utf-8",
    )
    with pytest.raises(AuditorErrors) as err:
        load_roster(roster)
    lines = [str(p) for p in err.value.problems]
    where = str(roster)
    assert lines == [
        f"{where}: row 3, column id: duplicate person id 'e1' (first on row 2)",
        f"{where}: row 4, column accounts: unknown source 'gopher:cy' (live sources: "
        + lines[1].split("(live sources: ")[1],
        f"{where}: row 5, column consent_date: '31/12/2025' is not a date (YYYY-MM-DD)",
        f"{where}: row 6, column name: empty; every person needs a name",
        f"{where}: row 6, column accounts: no SOURCE given (a file, a folder, or platform:account)",
    ]


def test_missing_and_unknown_columns(tmp_path) -> None:
    roster = tmp_path / "team.csv"
    roster.write_text("id,name,team,acounts\ne1,Ann,Brand,x.jsonl\n", encoding="utf-8")
    with pytest.raises(AuditorErrors) as err:
        load_roster(roster)
    problems = [p.problem for p in err.value.problems]
    assert problems[:2] == ["missing column 'role'", "missing column 'accounts'"]
    assert problems[2].startswith("unknown column 'acounts'")


def test_future_consent_date_and_bad_mode(tmp_path) -> None:
    person_export(tmp_path, "ann")
    roster = write_roster(tmp_path / "r.csv", [("e1", "Ann", "ann.jsonl")], extra="")
    roster.write_text(
        "id,name,role,team,accounts,mode,consent_date\ne1,Ann,L,B,ann.jsonl,boss,2999-01-01\n",
        encoding="utf-8",
    )
    with pytest.raises(AuditorErrors) as err:
        load_roster(roster)
    assert [p.problem for p in err.value.problems] == [
        "row 2, column mode: 'boss' is not a mode (self or hr)",
        "row 2, column consent_date: 2999-01-01 is in the future",
    ]


def test_hr_mode_needs_the_consent_record(tmp_path) -> None:
    person_export(tmp_path, "ann")
    roster = tmp_path / "r.csv"
    roster.write_text("id,name,role,team,accounts,mode,consent_date,consent_scope,requested_by\n"
                      "e1,Ann,L,B,ann.jsonl,hr,2026-01-05,public posts,\n"
                      "e2,Ann,L,B,ann.jsonl,hr,2026-01-05,public posts,HR\n", encoding="utf-8")
    with pytest.raises(AuditorErrors) as err:
        load_roster(roster)
    assert [p.problem for p in err.value.problems] == [
        "row 2, column requested_by: empty; mode hr needs the person's consent (consent_date, consent_scope, "
        "requested_by)"]


def test_not_a_roster(tmp_path) -> None:
    roster = tmp_path / "r.yaml"
    roster.write_text("name: just one person\n", encoding="utf-8")
    with pytest.raises(AuditorError, match="a roster is a CSV"):
        load_roster(roster)


def test_cli_reports_each_problem_and_changes_nothing(tmp_path) -> None:
    person_export(tmp_path, "ann")
    roster = write_roster(tmp_path / "r.csv", [("e1", "Ann", "ann.jsonl"), ("e1", "Ann B", "nowhere.zip")])
    out = tmp_path / "out"
    proc = run("audit", "--roster", str(roster), "--quarter", "2026Q4", "--out", str(out))
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert lines == [
        f"auditor: error: {roster}: row 3, column id: duplicate person id 'e1' (first on row 2)",
        f"auditor: error: {roster}: row 3, column accounts: unknown source "
        f"'{tmp_path / 'nowhere.zip'}': no such file or folder",
    ]
    assert not out.exists()  # no store, no report: nothing ran


@pytest.mark.parametrize(
    "args, needle",
    [
        (
            ["--db", "postgresql://nobody@127.0.0.1:1/none"],
            "postgresql://nobody@127.0.0.1:1/none: cannot open the database",
        ),
        (["--quarter", "2026Q5"], "--quarter: '2026Q5' is not a quarter like 2026Q4"),
    ],
)
def test_cli_bad_store_or_quarter_is_one_line(tmp_path, args: list[str], needle: str) -> None:
    person_export(tmp_path, "ann")
    roster = write_roster(tmp_path / "r.csv", [("e1", "Ann", "ann.jsonl")])
    proc = run(
        "audit",
        "--roster",
        str(roster),
        "--out",
        str(tmp_path / "out"),
        *(args if "--quarter" in args else ["--quarter", "2026Q4", *args]),
    )
    assert proc.returncode == 2
    (line,) = proc.stderr.strip().splitlines()
    assert line.startswith(f"auditor: error: {needle}")
    assert not (tmp_path / "out" / "ann-e1").exists()


def test_roster_takes_no_sources(tmp_path: Path) -> None:
    person_export(tmp_path, "ann")
    roster = write_roster(tmp_path / "r.csv", [("e1", "Ann", "ann.jsonl")])
    proc = run("audit", str(tmp_path / "ann.jsonl"), "--roster", str(roster), "--out", str(tmp_path / "o"))
    assert proc.returncode == 2 and "--roster: takes the people from the roster" in proc.stderr

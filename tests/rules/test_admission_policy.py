"""OBEC's admission policy as data: each year's file, its sources, its windows at the edge dates,
and how a new year's policy takes over (a data change, checked here)."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from backend.rules import admission
from backend.rules.admission import PolicyTableError, policies, policy_for
from backend.thai.age import EntryApproval, approval_admits, check_age_for_grade
from backend.thai.grades import Grade


def be(day: int, month: int, year_be: int) -> dt.date:
    return dt.date(year_be - 543, month, day)


def test_every_policy_names_its_sources() -> None:
    for policy in policies():
        assert policy.title and policy.issuer and policy.issued
        assert policy.sources, policy.policy_year
        for source in policy.sources:
            assert source.url.startswith("http") and source.title and source.issuer and source.date


def test_the_2566_windows_are_the_table_obec_published() -> None:
    # kruachieve.com / kruchiangrai.net, citing OBEC, for academic year 2566.
    policy = policy_for(2566)
    assert policy.policy_year == 2566
    assert policy.birth_window(Grade.K1, 2566) == (be(17, 5, 2562), be(16, 5, 2563))
    assert policy.birth_window(Grade.K2, 2566) == (be(17, 5, 2561), be(16, 5, 2562))
    assert policy.birth_window(Grade.K3, 2566) == (be(1, 1, 2560), be(16, 5, 2561))
    assert policy.birth_window(Grade.P1, 2566) == (be(1, 1, 2559), be(31, 12, 2559))
    assert policy.birth_window(Grade.M1, 2566) is None and policy.birth_window(Grade.M4, 2566) is None


# Edge dates for every grade with an age rule, in two academic years: the grade whose window the
# birth date falls in (None: too young or too old for every entry grade).
EDGES = {
    2566: [
        (be(17, 5, 2563), None), (be(16, 5, 2563), Grade.K1), (be(29, 2, 2563), Grade.K1),
        (be(1, 1, 2563), Grade.K1), (be(31, 12, 2562), Grade.K1), (be(17, 5, 2562), Grade.K1),
        (be(16, 5, 2562), Grade.K2), (be(1, 1, 2562), Grade.K2), (be(17, 5, 2561), Grade.K2),
        (be(16, 5, 2561), Grade.K3), (be(1, 1, 2561), Grade.K3), (be(31, 12, 2560), Grade.K3),
        (be(1, 1, 2560), Grade.K3), (be(31, 12, 2559), Grade.P1), (be(29, 2, 2559), Grade.P1),
        (be(16, 5, 2559), Grade.P1), (be(17, 5, 2559), Grade.P1), (be(1, 1, 2559), Grade.P1),
        (be(31, 12, 2558), None),
    ],
    2567: [
        (be(17, 5, 2564), None), (be(16, 5, 2564), Grade.K1), (be(1, 1, 2564), Grade.K1),
        (be(31, 12, 2563), Grade.K1), (be(17, 5, 2563), Grade.K1), (be(16, 5, 2563), Grade.K2),
        (be(29, 2, 2563), Grade.K2), (be(1, 1, 2563), Grade.K2), (be(17, 5, 2562), Grade.K2),
        (be(16, 5, 2562), Grade.K3), (be(1, 1, 2561), Grade.K3), (be(31, 12, 2560), Grade.P1),
        (be(17, 5, 2560), Grade.P1), (be(16, 5, 2560), Grade.P1), (be(1, 1, 2560), Grade.P1),
        (be(31, 12, 2559), None), (be(29, 2, 2559), None),
    ],
}
CASES = [(year, birth, grade) for year, rows in EDGES.items() for birth, grade in rows]
AGE_RULED = (Grade.K1, Grade.K2, Grade.K3, Grade.P1)


@pytest.mark.parametrize(("year", "birth", "fits"), CASES,
                         ids=[f"{year}-{birth.isoformat()}" for year, birth, _ in CASES])
def test_edge_dates_fit_exactly_one_grade(year: int, birth: dt.date, fits: Grade | None) -> None:
    for grade in AGE_RULED:
        check = check_age_for_grade(birth, grade, year)
        assert check.ok is (grade is fits), (grade, check.reason_th)
        assert check.fitting_grade is fits


@pytest.mark.parametrize("year", [2566, 2567, 2570])
def test_each_years_windows_leave_no_child_between_grades(year: int) -> None:
    policy = policy_for(year)
    windows = [policy.birth_window(grade, year) for grade in (Grade.P1, Grade.K3, Grade.K2, Grade.K1)]
    for older, younger in zip(windows, windows[1:], strict=False):
        assert older and younger and younger[0] - older[1] == dt.timedelta(days=1)


def test_a_year_without_its_own_policy_applies_the_latest_one_counted_for_that_year() -> None:
    latest = policies()[-1]
    assert policy_for(2570) is latest and latest.policy_year < 2570
    assert policy_for(2570).birth_window(Grade.P1, 2570) == (be(1, 1, 2563), be(31, 12, 2563))
    assert policy_for(2500) is policies()[0]


def test_a_new_years_policy_is_a_data_file(tmp_path, monkeypatch) -> None:
    folder = tmp_path / "admission"
    shutil.copytree(admission.POLICY_FOLDER, folder)
    latest = sorted(folder.glob("*.toml"))[-1].read_text(encoding="utf-8")
    # A made-up later policy that stops admitting อ.1 anywhere: only its file changes.
    changed = latest.replace("policy_year = 2567", "policy_year = 2571")
    changed = changed[: changed.index("[grades.k1]")] + changed[changed.index("[grades.k2]"):]
    (folder / "2571.toml").write_text(changed, encoding="utf-8")
    monkeypatch.setattr(admission, "POLICY_FOLDER", folder)
    policies.cache_clear()
    try:
        assert Grade.K1 in policy_for(2570).entry_grades
        assert Grade.K1 not in policy_for(2571).entry_grades
        (folder / "2572.toml").write_text(changed, encoding="utf-8")  # named for another year
        policies.cache_clear()
        with pytest.raises(PolicyTableError, match="differs from the file name"):
            policies()
    finally:
        policies.cache_clear()


def test_an_approved_early_entry_admits_only_the_year_it_was_for() -> None:
    born_after_cohort = be(1, 6, 2564)  # the ป.1 cohort of 2570 is 2563
    assert approval_admits(EntryApproval.EARLY, born_after_cohort, 2570, 2570)
    assert not approval_admits(EntryApproval.EARLY, born_after_cohort, 2569, 2570)
    assert not approval_admits(EntryApproval.EARLY, be(1, 6, 2565), 2570, 2570)


def test_an_approved_deferral_admits_the_year_after() -> None:
    cohort_of_2569 = be(20, 8, 2562)
    assert approval_admits(EntryApproval.LATE, cohort_of_2569, 2569, 2570)
    assert not approval_admits(EntryApproval.LATE, cohort_of_2569, 2569, 2569)
    assert not approval_admits(EntryApproval.LATE, cohort_of_2569, 2570, 2570)

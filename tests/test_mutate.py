"""The mutation run's own code (ifimes_karabakh/mutate.py), without running mutmut: where a
survivor's line is, which function a mutant belongs to, the table of equivalent survivors, what a
resumed run tests again, and the command's refusals."""
import pytest

from ifimes_karabakh import mutate

SOURCE = '''import os


@decorated
def check(x):
    y = x * 2
    return y + 1


class Rule:
    def run(self, x):
        return x - 1
'''


def test_a_mutant_names_its_function():
    assert mutate._function_of("ifimes_karabakh.rules.x_check__mutmut_3") == "check"
    assert mutate._function_of("ifimes_karabakh.rules.xǁRuleǁrun__mutmut_12") == "Rule.run"


@pytest.mark.parametrize("function, diff, line", [
    # mutmut's diff starts at the function's first decorator: line 1 of the diff is line 4 of the file
    ("check", ["--- a", "+++ b", "@@ -1,4 +1,4 @@", " @decorated", " def check(x):", "     y = x * 2", "-    return y + 1", "+    return y - 1"], 7),
    ("check", ["@@ -1,4 +1,4 @@", " @decorated", " def check(x):", "-    y = x * 2", "+    y = x / 2", "     return y + 1"], 6),
    ("Rule.run", ["@@ -1,2 +1,2 @@", " def run(self, x):", "-    return x - 1", "+    return x + 1"], 12),
    ("missing", ["@@ -1,2 +1,2 @@", "-    return x - 1"], 0),
])
def test_a_survivors_line_is_found_in_the_source(function, diff, line):
    assert mutate._line_of(SOURCE, function, diff) == line


def test_every_equivalent_survivor_names_a_module_a_change_and_why():
    for (module, removed, added), why in mutate.EQUIVALENT.items():
        assert module in mutate.MODULES and removed != added and removed == removed.strip() and added == added.strip(), (module, removed)
        assert isinstance(why, str) and len(why) > 20, (module, removed)


def test_the_counts_leave_out_what_was_not_checked():
    statuses = {"a": "killed", "b": "survived", "c": "timeout", "d": "no tests", "e": "not checked"}
    assert mutate._counts(statuses) == (4, 1, 1, 1, 1)
    assert mutate._share(3, 4) == "75.0%" and mutate._share(0, 0) == "-"


def test_a_resumed_run_tests_the_unchecked_and_the_unexplained_survivors_again(monkeypatch):
    explained = next(iter(mutate.EQUIVALENT))
    module = explained[0]
    fake = {module: {"statuses": {"m1": "killed", "m2": "not checked", "m3": "survived", "m4": "survived", "m5": "no tests"},
                     "survivors": [("f:1", explained[1], explained[2], "m3", "survived"), ("f:2", "x = 1", "x = 2", "m4", "survived"),
                                   ("f:3", "y = 1", "y = None", "m5", "no tests")]}}
    monkeypatch.setattr(mutate, "results", lambda modules: fake)
    assert mutate.pending([module]) == ["m2", "m4", "m5"]


def test_an_unknown_module_or_a_resume_without_a_run_is_refused(tmp_path, monkeypatch, capsys):
    assert mutate.run(["nosuch"]) == 2
    assert "unknown module(s) nosuch" in capsys.readouterr().err
    monkeypatch.setattr(mutate, "REPO", tmp_path)
    assert mutate.run(["rules"], resume=True) == 2
    assert "--resume: no earlier run in mutants/" in capsys.readouterr().err
    assert not (tmp_path / "mutants").exists()

"""The counter of Phụ lục VI items named by tests reads what the tests write (issue 10, point 12)."""

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "phu_luc_vi_coverage.py"
spec = importlib.util.spec_from_file_location("phu_luc_vi_coverage", SCRIPT)
coverage = importlib.util.module_from_spec(spec)
spec.loader.exec_module(coverage)


def test_single_items_lists_ranges_and_whole_groups_are_read():
    assert coverage.items_in("# NĐ 30 Phụ lục VI III.1.g") == {"III.1.g"}
    assert coverage.items_in("# NĐ 30 Phụ lục VI III.6.d, III.6.đ and III.6.h") == {"III.6.d", "III.6.đ", "III.6.h"}
    assert coverage.items_in("Phụ lục VI III.8.a–c") == {"III.8.a", "III.8.b", "III.8.c"}
    assert coverage.items_in("(NĐ 30/2020 Phụ lục VI III.8)") == {"III.8.a", "III.8.b", "III.8.c"}
    assert coverage.items_in("III.1.g without the annex named") == set()
    assert coverage.items_in("Phụ lục VI III.9.z") == set()


def test_a_test_counts_the_comment_above_it_and_its_module_docstring(tmp_path):
    (tmp_path / "test_sample.py").write_text(
        '"""Recall (Phụ lục VI III.8.c)."""\n\n\n'
        "# NĐ 30 Phụ lục VI III.1.g\n@decorator\ndef test_one():\n    pass\n\n\n"
        "def test_two():\n    # Phụ lục VI III.6.d\n    pass\n\n\ndef test_three():\n    pass\n",
        encoding="utf-8",
    )
    found = coverage.tests_of(tmp_path / "test_sample.py")
    assert found == {
        "test_one": {"III.1.g", "III.8.c"},
        "test_two": {"III.6.d", "III.8.c"},
        "test_three": {"III.8.c"},
    }


def test_the_suite_names_items_of_every_procedure():
    found = set()
    for path in (SCRIPT.parent.parent / "tests").rglob("test_*.py"):
        for items in coverage.tests_of(path).values():
            found |= items
    assert {"III.1.đ", "III.1.h", "III.3.b", "III.8.a"} <= found

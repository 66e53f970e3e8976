"""Count the tests that prove each function of NĐ 30/2020 Phụ lục VI Phần I mục III.

A test proves an item by naming it in a comment or docstring inside the test or just above it:
`# NĐ 30 Phụ lục VI III.1.g` (several items: `III.6.d, III.6.đ`; a range: `III.8.a–c`). A mention in a
module's docstring counts for every test of that module. Usage:

    python scripts/phu_luc_vi_coverage.py            # table: item, tests, files
    python scripts/phu_luc_vi_coverage.py --missing  # only the items no test names
"""

import argparse
import ast
import re
import sys
from collections import defaultdict
from pathlib import Path

# Phụ lục VI Phần I mục III (legal.md §1.9): the letters of each group, in the law's order.
ITEMS = {
    1: "a b c d đ e g h i k l m n o",
    2: "a b c",
    3: "a b c",
    4: "a b c d đ e g",
    5: "a b c d đ e g",
    6: "a b c d đ e g h i k l",
    7: "a b c d đ",
    8: "a b c",
}
ALL = [f"III.{group}.{letter}" for group, letters in ITEMS.items() for letter in letters.split()]

MENTION = re.compile(r"Phụ lục VI\b([^\n]*)")
REFERENCE = re.compile(r"III\.(\d)(?:\.([a-zđ])(?:\s*[–-]\s*([a-zđ]))?)?")


def items_in(text: str) -> set[str]:
    """The items a line naming "Phụ lục VI" cites; a bare group (III.8) means every item of the group."""
    found: set[str] = set()
    for mention in MENTION.finditer(text):
        for group, first, last in REFERENCE.findall(mention.group(1)):
            letters = ITEMS.get(int(group), "").split()
            if not first:
                found.update(f"III.{group}.{letter}" for letter in letters)
            elif last and first in letters and last in letters:
                span = letters[letters.index(first) : letters.index(last) + 1]
                found.update(f"III.{group}.{letter}" for letter in span)
            else:
                found.add(f"III.{group}.{first}")
    return found & set(ALL)


def tests_of(path: Path) -> dict[str, set[str]]:
    """Each test function of a file (Class.test for methods) and the items it names."""
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    tree = ast.parse(source)
    module_items = items_in(ast.get_docstring(tree) or "")
    found: dict[str, set[str]] = {}

    def visit(nodes, prefix=""):
        for node in nodes:
            if isinstance(node, ast.ClassDef):
                visit(node.body, f"{node.name}.")
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test"):
                first = min([node.lineno] + [d.lineno for d in node.decorator_list])
                above = first - 1
                while above > 0 and lines[above - 1].lstrip().startswith("#"):
                    above -= 1
                text = "\n".join(lines[above : node.end_lineno])
                found[prefix + node.name] = items_in(text) | module_items

    visit(tree.body)
    return found


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--missing", action="store_true", help="list only the items no test names")
    parser.add_argument("root", nargs="?", default=str(Path(__file__).resolve().parent.parent / "tests"))
    args = parser.parse_args(argv)
    tests: dict[str, list[str]] = defaultdict(list)
    for path in sorted(Path(args.root).rglob("test_*.py")):
        for name, items in tests_of(path).items():
            for item in items:
                tests[item].append(f"{path.relative_to(args.root)}::{name}")
    covered = [item for item in ALL if tests[item]]
    for item in ALL:
        if args.missing and tests[item]:
            continue
        files = sorted({test.split("::")[0] for test in tests[item]})
        print(f"{item:<9} {len(tests[item]):>3} tests  {', '.join(files)}")
    print(f"\n{len(covered)} of {len(ALL)} items of Phụ lục VI Phần I.III are named by at least one test.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

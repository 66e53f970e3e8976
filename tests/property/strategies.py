"""Hypothesis settings and shared strategies for the property tests (issue 15 item 2).

`make test` runs them derandomized: the same examples on every run and every day, so a landing never fails on an
example nobody can reproduce. QLVB_HYPOTHESIS=explore draws fresh random examples, more of them, to hunt for new
failures; a failure prints the example to pin in a regular test. The settings are applied per test (not loaded as
the global profile) so the schemathesis tests keep their own.
"""

import os
import unicodedata

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

EXPLORE = os.environ.get("QLVB_HYPOTHESIS") == "explore"


def examples(n: int) -> settings:
    """`n` derandomized examples in `make test`; 20× as many random ones when exploring."""
    return settings(
        max_examples=n * 20 if EXPLORE else n,
        derandomize=not EXPLORE,
        deadline=None,  # a loaded machine is not a failure
        database=None,  # nothing written into the checkout
        # Fixtures are function-scoped on purpose: each example makes its own objects inside the test's
        # rolled-back transaction.
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


# Vietnamese text as people type it: letters with every diacritic, digits, spaces, punctuation, NFC.
VIETNAMESE = "aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"
_ALPHABET = VIETNAMESE + VIETNAMESE.upper() + "0123456789 .,;:-()/–“”'\"&%"


def vietnamese_text(min_size: int = 1, max_size: int = 200) -> st.SearchStrategy[str]:
    """NFC text of letters people write (no control characters: XML 1.0 cannot carry them, and we never take them)."""
    return (
        st.text(alphabet=_ALPHABET, min_size=min_size, max_size=max_size)
        .map(lambda s: unicodedata.normalize("NFC", " ".join(s.split())))
        .filter(lambda s: len(s) >= min_size)
    )

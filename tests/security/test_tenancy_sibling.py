"""The tenancy matrix sideways: the Sở Nội vụ attacks the Sở Tài chính beside it (same parent, the province).

The same cases (tests/security/cases.py) and the same tests as the upward matrix (test_tenancy_matrix.py, whose
docstring says what each checks), in the direction DIRECTION (tests/security/world.py); no exception applies: an
agency is nobody's administrator beside it.
"""

import pytest

from tests.security.test_tenancy_matrix import (  # noqa: F401  (collected here again, in this direction)
    test_a_file_of_another_agency_is_refused_through_ones_own_task,
    test_another_agency_is_refused,
    test_lists_and_search_of_another_agency_show_nothing_of_a,
    test_own_agency_pages_show_nothing_of_another,
    test_reports_of_another_agency_do_not_count_a,
    test_saved_search_of_another_agency_is_not_exported,
    test_the_owner_finds_its_own_document,
)
from tests.security.world import SIBLING

pytestmark = pytest.mark.usefixtures("rollback_after")
DIRECTION = SIBLING

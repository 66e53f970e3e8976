"""A job module that exists but cannot be imported: the scheduler must refuse to start, not skip it."""

import qlvb_no_such_dependency  # noqa: F401

JOBS = []

"""Infrastructure shared by every module: database base, unit of work, errors, signals, storage, clock.

Imports no domain module.
"""

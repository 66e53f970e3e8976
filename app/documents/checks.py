"""Numbering's consistency rule (`qlvb check`): per register and year, the numbers given are 1…N, each once, and the
counter stands at N (NĐ 30/2020 Điều 15.1, 22.2: consecutive, unique in a year; design.md §8: gap-free).

A number taken by a transaction that never committed (a refusal, a crash) must have gone back with it: a counter
ahead of the assignments is a gap, one behind them would hand a number out twice.
"""

import sqlalchemy as sa

from app.core.checks import Inconsistency
from app.core.db import db
from app.documents.models import NumberAssignment, RegisterCounter


def numbers_gap_free() -> list[Inconsistency]:
    counters = {(c.register_id, c.year): c.last_number for c in db.session.scalars(sa.select(RegisterCounter))}
    given = db.session.execute(
        sa.select(
            NumberAssignment.register_id,
            NumberAssignment.year,
            sa.func.count(),
            sa.func.count(sa.distinct(NumberAssignment.number)),
            sa.func.min(NumberAssignment.number),
            sa.func.max(NumberAssignment.number),
        ).group_by(NumberAssignment.register_id, NumberAssignment.year)
    ).all()
    problems = []
    seen = set()
    for register_id, year, count, distinct, lowest, highest in given:
        seen.add((register_id, year))
        subject = f"register {register_id}, {year}"
        if distinct != count:
            problems.append(Inconsistency("numbering.duplicate", subject, f"có số được cấp hai lần ({count} lượt cấp)"))
        if lowest != 1 or highest != distinct:
            problems.append(
                Inconsistency("numbering.gap", subject, f"các số đã cấp ({distinct} số, {lowest}–{highest}) bị hở")
            )
        last = counters.get((register_id, year), 0)
        if last != highest:
            problems.append(
                Inconsistency("numbering.counter", subject, f"bộ đếm ở số {last}, số lớn nhất đã cấp là {highest}")
            )
    for (register_id, year), last in counters.items():
        if (register_id, year) not in seen and last:
            problems.append(
                Inconsistency(
                    "numbering.counter", f"register {register_id}, {year}", f"bộ đếm ở số {last}, chưa cấp số nào"
                )
            )
    return problems


CHECKS = [numbers_gap_free]

"""Who sees an agency's electronic copies (bản sao điện tử).

NĐ 30/2020 Điều 25 and Phụ lục I Phần II: the Văn thư makes, numbers and signs copies in the copies register, under
the head of the agency. So the copies are seen by the agency's clerks and leaders (the roles the *Bản sao* page is
offered to) and by nobody else — another agency never. The list, the download and the API ask `visible_filter` /
`can_view`: one rule.
"""

import sqlalchemy as sa

from app.copies.models import ElectronicCopy
from app.core.db import db
from app.org.models import Role, User

SEE_ALL = frozenset({Role.CLERK, Role.AGENCY_LEADER})


def visible_filter(user: User):
    """A WHERE clause on ElectronicCopy: the copies `user` may see."""
    if not user.is_active or not user.roles & SEE_ALL:
        return sa.false()
    return ElectronicCopy.agency_id == user.agency_id


def can_view(user: User, copy: ElectronicCopy) -> bool:
    query = sa.select(ElectronicCopy.id).where(ElectronicCopy.id == copy.id, visible_filter(user))
    return db.session.scalar(query) is not None

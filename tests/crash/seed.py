"""The crash test's deployment: one agency, its people with bearer tokens, the leader's key and the agency seal.

Built through the services, in one unit of work, before the server starts; returns what the driver needs (tokens,
ids, the PIN). Nothing here depends on the date: the server runs on the wall clock, and the certificates span the
frozen test instant and today (tests/timeline.py).
"""

from pathlib import Path

from flask import current_app

from app.core import clock
from app.documents.models import RegisterKind
from app.documents.services import default_register
from app.org import services as org
from app.org.auth import create_api_token
from app.signing import credentials
from app.signing.pki import build_demo_pki
from app.workflow.definitions import sync_processes
from tests.timeline import validity

AGENCY = ("000.00.00.H33", "Ủy ban nhân dân tỉnh Kiên Giang", "UBND")
PASSWORD = "Matkhau-Manh-2026"
PEOPLE = {  # key: (username, full name, roles, unit)
    "clerk": ("vanthu", "Nguyễn Thị Thu Hà", ["van_thu"], None),
    "leader": ("lanhdao", "Trần Văn Minh", ["lanh_dao"], None),
    "unit_leader": ("truongphong", "Phạm Thị Lan", ["lanh_dao_don_vi"], "a"),
    "specialist": ("cv.a1", "Võ Quốc Bảo", ["chuyen_vien"], "a"),
}


def seed() -> dict:
    sync_processes()
    code, name, abbreviation = AGENCY
    agency = org.create_agency(None, code=code, name=name, abbreviation=abbreviation)
    units = {
        "a": org.create_unit(None, agency_id=agency.id, name="Phòng Tổng hợp", abbreviation="TH"),
        "b": org.create_unit(None, agency_id=agency.id, name="Phòng Kinh tế", abbreviation="KT"),
    }
    people = {}
    for key, (username, full_name, roles, unit) in PEOPLE.items():
        people[key] = org.create_user(
            None,
            username=username,
            full_name=full_name,
            password=PASSWORD,
            agency_id=agency.id,
            roles=roles,
            unit_id=units[unit].id if unit else None,
        )
    leader = people["leader"]
    start, end = validity(3650)
    with clock.frozen(start):
        pki = build_demo_pki([(code, name)], [(leader.username, leader.full_name, name)], valid_days=(end - start).days)
    Path(current_app.config["SIGNING_TRUST_ROOTS"]).write_bytes(pki.root_pem)  # QLVB_TRUST_ROOTS: the server's too
    credentials.add_personal(None, leader.id, p12=pki.personal[leader.username], pin=pki.passphrase, image_png=None)
    credentials.add_organization(None, agency.id, p12=pki.seals[code], passphrase=pki.passphrase, seal_png=None)
    return {
        "pin": pki.passphrase,
        "tokens": {key: create_api_token(user, name="kiểm thử sự cố")[1] for key, user in people.items()},
        "ids": {key: user.id for key, user in people.items()},
        "units": {key: unit.id for key, unit in units.items()},
        "outgoing_register_id": default_register(agency.id, RegisterKind.OUTGOING).id,
    }

"""The pages of hồ sơ công việc through the HTTP client: opening (plan and ad hoc), the dossier's page with its
Phụ lục VI fields and items, uploads and downloads, removing, grants, the list's filters; tenancy."""

import io
import re

import sqlalchemy as sa

from app.core.db import db
from app.dossiers.models import Dossier, DossierItem
from tests.conftest import csrf_token, login
from tests.dossiers.conftest import make_dossier
from tests.dossiers.helpers_dossier import JPEG, PDF, issued_plan


def dossier_named(notation) -> Dossier:
    return db.session.scalar(sa.select(Dossier).where(Dossier.notation == notation))


def test_a_specialist_opens_dossiers_from_the_plan_and_ad_hoc_on_the_page(client, archive_office, frozen_clock):
    office = archive_office
    plan = issued_plan(office, entries=[("01.TH", "Hồ sơ báo cáo tổng hợp", "04", 30, office.spec_a1, None)])
    login(client, "cv.a1")
    page = client.get("/dossiers/new").get_data(as_text=True)
    assert "Hồ sơ báo cáo tổng hợp" in page and "30 năm" in page
    token = csrf_token(client, "/dossiers/new")
    opened = client.post(f"/dossiers/entries/{plan.entries[0].id}/open", data={"csrf_token": token})
    assert opened.status_code == 302
    dossier = dossier_named("01.TH")
    assert opened.headers["Location"].endswith(f"/dossiers/{dossier.id}")
    clash = client.post(
        "/dossiers/new",
        data={"csrf_token": token, "title": "Hồ sơ trùng", "notation": "01.TH", "maintenance": "06"},
    )
    assert clash.status_code == 422
    assert "đã có trong Danh mục hồ sơ" in clash.get_data(as_text=True) and "Hồ sơ trùng" in clash.get_data(
        as_text=True
    )
    made = client.post(
        "/dossiers/new",
        data={
            "csrf_token": token,
            "title": "Hồ sơ phòng chống bão số 9",
            "notation": "15.TH",
            "maintenance": "07",
            "retention_years": "15",
            "start_date": "2026-11-02",
            "rights": "02",
            "language": "01",
            "kind": "general",
        },
    )
    assert made.status_code == 302
    page = client.get(made.headers["Location"]).get_data(as_text=True)
    for label in (
        "Mã định danh của cơ quan, tổ chức lập danh mục hồ sơ",
        "Năm hình thành hồ sơ",
        "Số và ký hiệu hồ sơ",
        "Chế độ sử dụng",
        "Tổng số trang của hồ sơ",
        "000.00.00.H33.2026.15.TH",
        "Sử dụng có điều kiện",
        "15 năm",
        "02/11/2026",
    ):
        assert label in page, label


def test_files_are_uploaded_downloaded_and_removed_on_the_dossiers_page(client, archive_office, frozen_clock):
    office = archive_office
    dossier = make_dossier(office.spec_a1)
    login(client, "cv.a1")
    token = csrf_token(client, f"/dossiers/{dossier.id}/add")
    sent = client.post(
        f"/dossiers/{dossier.id}/upload",
        data={"csrf_token": token, "file": (io.BytesIO(JPEG), "anh.jpg"), "subject": "Ảnh hiện trường", "pages": "1"},
        content_type="multipart/form-data",
    )
    assert sent.status_code == 302
    bad = client.post(
        f"/dossiers/{dossier.id}/upload",
        data={
            "csrf_token": token,
            "file": (io.BytesIO(b"MZ\x90\x00"), "virus.jpg"),
            "subject": "Biên bản kiểm tra hiện trường",
            "author": "Đoàn kiểm tra",
            "pages": "3",
            "dated_on": "2026-11-20",
        },
        content_type="multipart/form-data",
    )
    # The form comes back with the reason under the file and everything typed kept; nothing was filed.
    assert bad.status_code == 422
    shown = bad.get_data(as_text=True)
    assert 'data-testid="upload-error">Tệp “virus.jpg” là tệp chương trình (thực thi)' in shown
    for kept in ('value="Biên bản kiểm tra hiện trường"', 'value="Đoàn kiểm tra"', 'value="3"', 'value="2026-11-20"'):
        assert kept in shown, kept
    ahead = client.post(
        f"/dossiers/{dossier.id}/upload",
        data={"csrf_token": token, "file": (io.BytesIO(JPEG), "anh-2.jpg"), "dated_on": "2031-01-01"},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    # A date in the future is said beside the date (not the file), and the file is asked for again
    assert 'data-testid="upload-date-error">Ngày của tài liệu (01/01/2031) không được sau ngày hôm nay' in ahead
    assert 'data-testid="upload-error"' not in ahead and "Chọn lại tệp" in ahead
    [item] = db.session.scalars(sa.select(DossierItem).where(DossierItem.dossier_id == dossier.id))
    page = client.get(f"/dossiers/{dossier.id}").get_data(as_text=True)
    assert "Ảnh hiện trường" in page and f"/dossiers/{dossier.id}/items/{item.id}/file" in page
    got = client.get(f"/dossiers/{dossier.id}/items/{item.id}/file")
    assert got.status_code == 200 and got.data == JPEG and got.mimetype == "image/jpeg"
    removed = client.post(f"/dossiers/{dossier.id}/items/{item.id}/remove", data={"csrf_token": token})
    assert removed.status_code == 302
    db.session.expire_all()
    assert db.session.get(Dossier, dossier.id).doc_total == 0


def test_the_head_grants_a_dossier_and_the_grantee_finds_it_in_her_list(client, archive_office, frozen_clock):
    office = archive_office
    dossier = make_dossier(office.spec_a1, title="Hồ sơ tuyển dụng viên chức")
    login(client, "lanhdao")
    token = csrf_token(client, f"/dossiers/{dossier.id}")
    granted = client.post(
        f"/dossiers/{dossier.id}/grants", data={"csrf_token": token, "user_id": office.spec_b.id, "until": "2026-12-31"}
    )
    assert granted.status_code == 302
    assert "Lý Thị Mỹ Duyên" in client.get(f"/dossiers/{dossier.id}").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": token})
    login(client, "cv.b")
    listed = client.get("/dossiers?q=tuyen+dung&year=2026&status=open").get_data(as_text=True)
    assert "Hồ sơ tuyển dụng viên chức" in listed
    assert "Hồ sơ tuyển dụng viên chức" not in client.get("/dossiers?mine=1").get_data(as_text=True)
    assert client.get(f"/dossiers/{dossier.id}").status_code == 200
    page = client.get(f"/dossiers/{dossier.id}").get_data(as_text=True)
    assert "Thêm văn bản" not in page  # using is not filing


def test_another_agency_and_an_outsider_get_not_found(client, archive_office, create_user, create_agency, frozen_clock):
    office = archive_office
    dossier = make_dossier(office.spec_a1)
    item_id = _upload(dossier, office)
    create_user(roles=("lanh_dao",), agency=create_agency(), username="lanhdao.khac")
    for username in ("lanhdao.khac", "cv.b"):
        if username == "cv.b":
            client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
        login(client, username)
        assert client.get(f"/dossiers/{dossier.id}").status_code == 404
        assert client.get(f"/dossiers/{dossier.id}/items/{item_id}/file").status_code == 404
        assert client.get(f"/dossiers/{dossier.id}/add").status_code == 404
        assert "01.TH" not in client.get("/dossiers").get_data(as_text=True)


def test_the_menu_shows_the_dossiers_to_everyone_signed_in(client, archive_office):
    login(client, "cv.b")
    home = client.get("/").get_data(as_text=True)
    assert re.search(r'href="/dossiers"[^>]*>\s*Hồ sơ công việc', home)


def _upload(dossier, office) -> int:
    from app.dossiers import items

    return items.file_upload(office.spec_a1, dossier.id, filename="bao-cao.pdf", data=PDF, subject="Báo cáo").id


def test_the_creator_describes_her_dossier_and_a_refused_change_leaves_it_as_it_was(
    client, archive_office, frozen_clock
):
    dossier = make_dossier(archive_office.spec_a1)
    login(client, "cv.a1")
    token = csrf_token(client, f"/dossiers/{dossier.id}")
    form = {"csrf_token": token, "rights": "01", "language": ["01", "02"], "kind": "general", "keywords": "tổng hợp"}
    saved = client.post(
        f"/dossiers/{dossier.id}/describe",
        data={**form, "description": "Gồm các báo cáo quý", "version": dossier.version},
    )
    assert saved.status_code == 302
    page = client.get(f"/dossiers/{dossier.id}").get_data(as_text=True)
    assert "Gồm các báo cáo quý" in page and "Tiếng Việt, Tiếng Anh" in page
    refused = client.post(f"/dossiers/{dossier.id}/describe", data={**form, "description": "Khác", "rights": "99"})
    assert "Chọn chế độ sử dụng." in client.get(refused.headers["Location"]).get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Dossier, dossier.id).description == "Gồm các báo cáo quý"

"""Báo cáo: the leaders' dashboard and the reports the rules require.

Glossary: report = báo cáo; dashboard = bảng theo dõi; period = kỳ báo cáo; overdue = quá hạn; on time = đúng
hạn; handling time = thời gian xử lý (in working hours); direction = ý kiến chỉ đạo; exchange statistics = thống
kê gửi, nhận văn bản điện tử; acknowledgement = xác nhận đã nhận (status 01 Đã đến).
Rules: NĐ 30/2020 Phụ lục VI III.1.l–m, III.6.a, V.2 (Báo cáo tình hình giải quyết văn bản đến / đi); seed 003
Điều 13.2, seed 000 Điều 18 (leaders follow the handling); seed 002 Điều 17, seed 004 Điều 15, 16.8, 17.4
(periodic exchange reports, deliveries not acknowledged after 3 working days).
The top floor: it reads every lower module's rows and is read by no module.
"""

from app.core.modules import Module, NavItem

MODULE = Module(
    "reports",
    blueprints=("app.reports.views:bp",),
    api=("app.reports.api:blp",),
    cli=("app.reports.cli:reports_group",),
    navigation=(NavItem("Báo cáo", "reports.index", frozenset({"lanh_dao", "lanh_dao_don_vi", "quan_tri"}), order=45),),
)

"""Digital signatures on PDF documents (chữ ký số trên văn bản điện tử).

Glossary: digital signature = chữ ký số; personal signature = chữ ký số của cá nhân (người có thẩm quyền);
organisation signature / seal = chữ ký số của cơ quan, tổ chức (con dấu); certificate = chứng thư số;
trust root = chứng thư gốc tin cậy; signature verification = kiểm tra (xác thực) chữ ký số; incremental
update = cập nhật nối tiếp (lần lưu bổ sung sau chữ ký).

Only this package imports pyHanko. The receiving side (NĐ 30/2020 Phụ lục I; seed 002 Điều 10.2: a document
received electronically is accepted only when its signatures verify) uses `app.signing.verify`:
`verify_pdf(data, trust_roots=None)`, `is_pdf(data)`, `verify_pdf_report_dict(report)`. Trust roots come from
`QLVB_TRUST_ROOTS` through `app.signing.trust.trust_roots_from_config(app)`.
"""

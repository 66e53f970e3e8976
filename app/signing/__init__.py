"""Digital signatures on PDF documents (chữ ký số trên văn bản điện tử).

Glossary: digital signature = chữ ký số; personal signature = chữ ký số của cá nhân (người có thẩm quyền);
organisation signature / seal = chữ ký số của cơ quan, tổ chức (con dấu); certificate = chứng thư số;
trust root = chứng thư gốc tin cậy; signature verification = kiểm tra (xác thực) chữ ký số; incremental
update = cập nhật nối tiếp (lần lưu bổ sung sau chữ ký).

Only this package imports pyHanko. The receiving side (NĐ 30/2020 Phụ lục I; seed 002 Điều 10.2: a document
received electronically is accepted only when its signatures verify) uses `app.signing.verify`:
`verify_pdf(data, trust_roots=None)`, `is_pdf(data)`, `verify_pdf_report_dict(report)`. Trust roots come from
`QLVB_TRUST_ROOTS` (and `<instance>/trust/`) through `app.signing.trust.trust_roots_from_config(app)`, plus those
administrators add (`app.signing.trust_store`), all together through `trust_roots_for(agency_id)`.

Keys: `app.signing.credentials` stores PKCS#12 keys (khóa bí mật) encrypted and hands them out —
`personal_key(user, pin)` to the signer, `organization_key(clerk, agency_id)` to the agency's văn thư only
(seed 000 Điều 21) — as `app.signing.keys.SigningKey`, the seam for a PKCS#11 token or remote signing later.
`app.signing.pki` builds the throwaway demo PKI; `app.signing.images` draws signature and seal images.
"""

import warnings

from app.core.modules import Module

# cryptography 51 deprecates DSA, which pyHanko 0.38 imports at load: no DSA key is ever used here, and the warning
# would be printed by every command that verifies or signs a PDF.
warnings.filterwarnings("ignore", message="DSA is deprecated")

MODULE = Module(
    "signing",
    blobs=("app.signing.models:SigningCredential.image_sha256",),
    models=("app.signing.models",),
    blueprints=("app.signing.views:bp", "app.signing.trust_views:bp"),
    api=("app.signing.api:blp", "app.signing.trust_api:blp"),
    cli=("app.signing.cli:commands",),
)

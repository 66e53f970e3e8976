"""Bản sao điện tử (electronic copies): sao y, sao lục, trích sao of a document, made by the clerk.

NĐ 30/2020 Điều 25–26 and Phụ lục I Phần II (legal.md §1.2, §1.10): a copy into electronic form is the digitised
(or electronic) document plus the agency's digital signature at the top right of page 1, without an image,
showing the copy form, the copying agency's name and the signing time (ISO 8601, Vietnam time). Copies have
their own number sequence, shared by the three forms, from 01 on 1 January (Phụ lục I Phần II II.1.c).
"""

from app.core.modules import Module, NavItem

MODULE = Module(
    "copies",
    blobs=("app.copies.models:ElectronicCopy.source_sha256", "app.copies.models:ElectronicCopy.sha256"),
    models=("app.copies.models",),
    blueprints=("app.copies.views:bp",),
    api=("app.copies.api:blp",),
    search_sources=("app.copies.search:SOURCE",),
    navigation=(NavItem("Bản sao", "copies.copies", frozenset({"van_thu", "lanh_dao"}), order=110),),
)

"""What a module gives the search: `SearchSource`, declared in its `Module(search_sources=...)`.

A source names its kind ("incoming"), the mapped classes whose changes touch its documents (with how to find the
document's id from one of them), how to describe one document (`EntryFields`), and which of its documents a
person may see (the same `visible_filter` as its own list: one rule). The application installs the declared
sources at start (app.modules); nothing here imports the modules above.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass
class EntryFields:
    """One document's metadata as the search shows and matches it (display values, diacritics kept)."""

    agency_id: int
    symbol: str = ""
    subject: str = ""
    party: str = ""  # sender (incoming) or recipients (outgoing)
    type_name: str = ""
    signer: str = ""
    urgency: str = ""
    status: str = ""
    number: int | None = None
    year: int | None = None
    issued_date: date | None = None
    arrival_date: date | None = None
    other: list[str] = field(default_factory=list)  # every other field worth finding (notes, direction, units …)
    pdf_digests: list[str] = field(default_factory=list)  # SHA-256 of the PDFs whose text is searched


@dataclass(frozen=True)
class SearchSource:
    kind: str
    label: str  # "Văn bản đến"
    # Mapped class → function(instance) -> the document id it belongs to (None: not one of ours).
    watches: Mapping[type, Callable[[Any], int | None]]
    describe: Callable[[int], EntryFields | None]  # None: the document is gone (its entry is removed)
    visible_ids: Callable[[Any], Any]  # user -> SELECT of the ids they may see
    endpoint: str  # the document's page: url_for(endpoint, **{id_arg: object_id})
    id_arg: str
    status_labels: Mapping[str, str] = field(default_factory=dict)
    all_ids: Callable[[], Any] | None = None  # SELECT of every document id (the reindex command)


SOURCES: dict[str, SearchSource] = {}


def install(sources) -> None:
    """Called once at start with every declared source (app.modules.register_modules)."""
    SOURCES.clear()
    for source in sources:
        SOURCES[source.kind] = source


# The result list's columns (NĐ 30/2020 Phụ lục VI III.6.đ): key → heading. Order here is the default order.
COLUMNS: dict[str, str] = {
    "kind": "Loại",
    "symbol": "Số, ký hiệu",
    "number": "Số đến/đi",
    "issued_date": "Ngày văn bản",
    "arrival_date": "Ngày đến",
    "type_name": "Loại văn bản",
    "subject": "Trích yếu",
    "party": "Nơi gửi/nơi nhận",
    "signer": "Người ký",
    "urgency": "Độ khẩn",
    "status": "Trạng thái",
}
DEFAULT_COLUMNS = ["kind", "symbol", "issued_date", "subject", "party", "status"]

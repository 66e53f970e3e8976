"""Full-text search over the agency's documents (NĐ 30/2020 Phụ lục VI III.6.d, đ, e, h).

The documents module sits below incoming and outgoing, so it cannot read their tables: each of them declares a
`SearchSource` (`Module(search_sources=...)`, app.core.modules) that says how to turn one of its documents into a
catalogue row (`SearchEntry`: its metadata, its PDFs) and which of them a person may see. This package keeps the
catalogue in step (metadata in the same transaction as the change, the PDFs' text in a job after commit), answers
queries accent-insensitively and ranked, and keeps saved searches, column choices and exports.
"""

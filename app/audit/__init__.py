"""Append-only, hash-chained audit log (nhật ký hệ thống).

Every state change made through a service writes an event in the same transaction; each row stores
SHA-256(previous hash + its own canonical JSON), so editing or deleting a row breaks the chain.
"""

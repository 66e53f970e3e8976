"""Password hashing (argon2id) and the password policy."""

import functools
import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import current_app


@functools.cache
def _hasher_for(time_cost: int, memory_kib: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_kib)


def _hasher() -> PasswordHasher:
    """argon2id; the defaults are RFC 9106's low-memory recommendation (t=3, m=64 MiB)."""
    config = current_app.config
    return _hasher_for(config["ARGON2_TIME_COST"], config["ARGON2_MEMORY_KIB"])


COMMON_PASSWORDS = {
    "1234567890",
    "12345678910",
    "0123456789",
    "abcd123456",
    "matkhau123",
    "matkhau@123",
    "password12",
    "password123",
    "qwerty1234",
    "admin12345",
    "admin@1234",
    "123456789a",
    "a123456789",
    "abc@123456",
}


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)


def password_problems(password: str, *, username: str = "") -> list[str]:
    """Return what makes `password` weak, in Vietnamese; an empty list means it is acceptable."""
    min_length = current_app.config["PASSWORD_MIN_LENGTH"]
    problems = []
    if len(password) < min_length:
        problems.append(f"Mật khẩu phải có ít nhất {min_length} ký tự.")
    if not re.search(r"[^\W\d_]", password) or not re.search(r"\d", password):
        problems.append("Mật khẩu phải có cả chữ và số.")
    lowered = password.lower()
    if lowered in COMMON_PASSWORDS or (username and username.lower() in lowered):
        problems.append("Mật khẩu quá dễ đoán (trùng mật khẩu phổ biến hoặc chứa tên đăng nhập).")
    return problems

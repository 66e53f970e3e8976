"""Password hashing (argon2id) and the password policy."""

import functools
import re
import unicodedata
from pathlib import Path

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


# Weak passwords and stems (app/org/data/common_passwords.txt): "matkhau", "admin", "123456" … A password is refused
# when, lower-cased and without diacritics, it is one of them once the digits and symbols around it are dropped.
COMMON_PASSWORDS_FILE = Path(__file__).with_name("data") / "common_passwords.txt"
# Runs on the alphabet and the keyboard: "abcdefgh12" or "qwertyui" are as guessable as a listed one.
SEQUENCES = ("abcdefghijklmnopqrstuvwxyz", "qwertyuiop", "asdfghjkl", "zxcvbnm", "0123456789", "9876543210")


@functools.cache
def common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def fold(text: str) -> str:
    """Lower case, no diacritics, đ as d, no spaces: how names and words are compared with a password."""
    text = unicodedata.normalize("NFD", (text or "").lower().replace("đ", "d"))
    return "".join(ch for ch in text if not unicodedata.combining(ch) and not ch.isspace())


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)


def password_problems(password: str, *, username: str = "", full_name: str = "", agency_names: tuple = ()) -> list[str]:
    """Return what makes `password` weak, in Vietnamese; an empty list means it is acceptable.

    The one password rule: account creation (page, API), password change and reset ask it. The maximum length bounds
    argon2's work per sign-in attempt; the other checks refuse what a guessing attack tries first.
    """
    config = current_app.config
    min_length, max_length = config["PASSWORD_MIN_LENGTH"], config["PASSWORD_MAX_LENGTH"]
    if len(password) > max_length:
        return [f"Mật khẩu dài tối đa {max_length} ký tự."]
    problems = []
    if password != password.strip():
        problems.append("Mật khẩu không được bắt đầu hoặc kết thúc bằng khoảng trắng.")
    if len(password.strip()) < min_length:
        problems.append(f"Mật khẩu phải có ít nhất {min_length} ký tự.")
    if not re.search(r"[^\W\d_]", password) or not re.search(r"\d", password):
        problems.append("Mật khẩu phải có cả chữ và số.")
    min_distinct = config["PASSWORD_MIN_DISTINCT"]
    if len(set(password.strip())) < min_distinct:
        problems.append(f"Mật khẩu phải có ít nhất {min_distinct} ký tự khác nhau.")
    folded = fold(password)
    core = re.sub(r"^[\W\d_]+|[\W\d_]+$", "", folded)  # "matkhau" in "@matkhau2026!"
    if folded in common_passwords() or core in common_passwords() or (core and any(core in s for s in SEQUENCES)):
        problems.append("Mật khẩu quá phổ biến hoặc dễ đoán (như “matkhau123”, “admin@2026”, “abcdef123”).")
    personal = [fold(username), fold(full_name), *(fold(name) for name in agency_names)]
    if any(len(word) >= 3 and word in folded for word in personal):
        problems.append("Mật khẩu không được chứa tên đăng nhập, họ tên hoặc tên cơ quan.")
    return problems

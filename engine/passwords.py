"""Password hashing (scrypt through Werkzeug's helpers, no Flask needed)."""
import secrets
from functools import cache

from werkzeug.security import check_password_hash, generate_password_hash

# scrypt costs ~0.3 s a hash on purpose; the test suite lowers this for speed (tests/conftest.py).
HASH_METHOD = "scrypt"


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=HASH_METHOD)


def verify_password(password_hash: str, password: str) -> bool:
    return check_password_hash(password_hash, password)


@cache
def _unknown_hash(method: str) -> str:
    return generate_password_hash(secrets.token_urlsafe(16), method=method)


def spend_a_verification(password: str) -> None:
    """Take the time verify_password takes, for a user who does not exist (or may not sign in)."""
    check_password_hash(_unknown_hash(HASH_METHOD), password)

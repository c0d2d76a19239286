"""Password hashing (scrypt through Werkzeug's helpers, no Flask needed)."""
from werkzeug.security import check_password_hash, generate_password_hash

# scrypt costs ~0.3 s a hash on purpose; the test suite lowers this for speed (tests/conftest.py).
HASH_METHOD = "scrypt"


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=HASH_METHOD)


def verify_password(password_hash: str, password: str) -> bool:
    return check_password_hash(password_hash, password)

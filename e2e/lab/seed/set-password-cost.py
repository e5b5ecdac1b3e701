"""Give one Keystone user a bcrypt hash of the given cost, whatever keystone.conf's rounds are.

Run by e2e/lab/seed/seed-default-cost-hash.ts with Debian's /usr/bin/python3 (pitfall 1 in the lab
notes). Keystone verifies a password with the cost recorded in its stored hash
(keystone/common/password_hashing.py, check_password: passlib picks the hasher from the hash's
prefix), and uses password_hash_rounds only for new hashes. So one user can cost a login what
Keystone's default (12) costs while the lab keeps its fast rounds for everyone else.
The hash is passlib's bcrypt, the library and scheme Keystone itself hashes with
(https://docs.openstack.org/keystone/zed/configuration/config-options.html#identity.password_hash_algorithm).

Input (environment, never argv: it holds a password): KEYSTONE_DB, USER_ID, USER_PASSWORD, ROUNDS.
Idempotent: prints "kept" when the current hash already has that cost and matches the password,
"set" after writing a new one. Exit 1 when the user has no password row.
"""
import os
import sqlite3
import sys

from passlib.hash import bcrypt

db = os.environ["KEYSTONE_DB"]
user_id = os.environ["USER_ID"]
password = os.environ["USER_PASSWORD"]
rounds = int(os.environ["ROUNDS"])

connection = sqlite3.connect(db, timeout=30)
# Keystone's current password is the newest row of the user's local_user (history rows stay).
row = connection.execute(
    "SELECT p.id, p.password_hash FROM password p JOIN local_user lu ON lu.id = p.local_user_id"
    " WHERE lu.user_id = ? ORDER BY p.created_at_int DESC, p.id DESC LIMIT 1",
    (user_id,),
).fetchone()
if row is None:
    sys.exit(f"user {user_id} has no password in {db}")
password_id, current = row
if current and bcrypt.identify(current):
    if bcrypt.from_string(current).rounds == rounds and bcrypt.verify(password, current):
        print("kept")
        sys.exit(0)
connection.execute(
    "UPDATE password SET password_hash = ? WHERE id = ?",
    (bcrypt.using(rounds=rounds).hash(password), password_id),
)
connection.commit()
print("set")

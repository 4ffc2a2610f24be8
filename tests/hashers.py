"""A fast password hasher for the suite: production's algorithm (pbkdf2_sha256, the same
stored format and checks), with few iterations.

Django's default 1,000,000 iterations cost ~0.3 s of CPU per hash on a CI core, and the
suite hashes on every sign-in through a form, every failed one, every set_password and
every user made with a password: minutes in all. What the tests check (a right password
signs in, a wrong one does not, a hash is stored and never the password) does not depend
on the number of iterations. Django's "Speeding up the tests" advises the same.
"""

from django.contrib.auth.hashers import PBKDF2PasswordHasher


class FastPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    iterations = 1_000


__all__ = ["FastPBKDF2PasswordHasher"]

"""Shared maths: small pure functions every part may import (a leaf: imports nothing from the package).

One implementation per formula, so the index build and the uncertainty run (and any later
part) cannot drift apart: ranks and their tie rule (:mod:`.ranking`), weighted power means
(:mod:`.means`), sample moments (:mod:`.moments`), concentration metrics (:mod:`.concentration`).
"""

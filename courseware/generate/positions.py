"""Where a multiple-choice item puts its right answer: evenly within a lesson and, for lessons
numbered in sequence, over the course (models and extracts alike favour some positions)."""

from __future__ import annotations

import hashlib
import random
import re


def answer_position(lesson_id: str, count: int, n: int, size: int, salt: str = "") -> int:
    """The position (from 0) of the right answer of a lesson's n-th of `count` multiple-choice
    items with `size` options.

    Within a lesson the items walk through every position before any repeats. Across lessons the
    walk starts where the previous lesson's would end, for lessons numbered in sequence (m1-l1,
    m1-l2, m2-l1 or lesson-7): the sum of the numbers in the id steps by one from a lesson to the
    next, so a course's right answers tile the positions evenly. A lesson sees only its own
    inputs, which is what its content key hashes; a hash of the id would scatter the starts.
    """
    order = list(range(size))
    random.Random(hashlib.sha256(salt.encode("utf-8")).hexdigest()).shuffle(order)  # not A, B, C, D in turn
    numbers = [int(found) for found in re.findall(r"\d+", lesson_id)]
    number = sum(numbers) if numbers else int(hashlib.sha256(f"{salt}/{lesson_id}".encode("utf-8")).hexdigest()[:8], 16)
    return order[(count * number + n) % size]

"""The counts behind the request rate and the sign-in limit (``service/web/windows.py``), read
through the ``limits`` library's fixed-window limiter as the service uses them: many threads
count at once without an error or a lost count, no thread is started to count, and a window
ends, starts again and is forgotten on time."""

from __future__ import annotations

import threading

import pytest
from limits import parse
from limits.strategies import FixedWindowRateLimiter

from service.web import windows
from service.web.windows import SWEEP_SECONDS, WindowCounts


class Clock:
    """``time.time`` for the module under test, moved by hand."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def time(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    moved = Clock()
    monkeypatch.setattr(windows, "time", moved)
    return moved


def test_eight_threads_counting_at_once_lose_nothing_and_raise_nothing(at_once):
    # Switched every microsecond, limits' own memory storage raised "threads can only be
    # started once" here in three runs of four (every 10 µs, in none of five).
    storage = WindowCounts()
    limiter = FixedWindowRateLimiter(storage)
    item = parse("1000000000 per hour")

    def count(_: int) -> None:
        for _ in range(40_000):
            limiter.hit(item, "requests", "192.0.2.1")

    assert at_once(count, 8, switch=1e-6) == []
    assert storage.get(item.key_for("requests", "192.0.2.1")) == 320_000


def test_counting_starts_no_thread(monkeypatch):
    started: list[threading.Thread] = []
    start = threading.Thread.start

    def counted(thread: threading.Thread) -> None:
        started.append(thread)
        start(thread)

    monkeypatch.setattr(threading.Thread, "start", counted)
    limiter = FixedWindowRateLimiter(WindowCounts())
    item = parse("1000 per second")
    for address in range(200):
        limiter.hit(item, "requests", f"192.0.2.{address}")
        limiter.get_window_stats(item, "requests", f"192.0.2.{address}")
    assert started == []


def test_a_window_holds_its_limit_then_starts_again(clock):
    limiter = FixedWindowRateLimiter(WindowCounts())
    item = parse("2 per minute")
    assert limiter.hit(item, "password", "198.51.100.7")
    clock.now += 30
    assert limiter.hit(item, "password", "198.51.100.7")
    assert not limiter.hit(item, "password", "198.51.100.7")
    assert limiter.hit(item, "password", "198.51.100.8")  # another address has its own count
    stats = limiter.get_window_stats(item, "password", "198.51.100.7")
    assert stats.remaining == 0
    assert stats.reset_time == pytest.approx(clock.now + 30)  # the window of the first hit
    clock.now += 30  # the window has ended: a new one starts with the next hit
    assert limiter.get_window_stats(item, "password", "198.51.100.7").remaining == 2
    assert limiter.hit(item, "password", "198.51.100.7")
    assert limiter.test(item, "password", "198.51.100.7")


def test_expired_counts_are_forgotten_at_the_next_sweep(clock):
    storage = WindowCounts()
    limiter = FixedWindowRateLimiter(storage)
    short, long = parse("5 per second"), parse("5 per day")
    for address in range(100):
        limiter.hit(short, "requests", f"192.0.2.{address}")
    limiter.hit(long, "requests", "203.0.113.9")
    assert storage.held() == 101
    clock.now += SWEEP_SECONDS / 2
    limiter.hit(long, "requests", "203.0.113.9")
    assert storage.held() == 101  # expired, read as none, not yet swept
    assert storage.get(short.key_for("requests", "192.0.2.1")) == 0
    clock.now += SWEEP_SECONDS
    limiter.hit(long, "requests", "203.0.113.9")
    assert storage.held() == 1
    assert storage.get(long.key_for("requests", "203.0.113.9")) == 3


def test_clear_and_reset_forget_counts():
    storage = WindowCounts()
    limiter = FixedWindowRateLimiter(storage)
    item = parse("1 per hour")
    limiter.hit(item, "password", "198.51.100.1")
    limiter.hit(item, "password", "198.51.100.2")
    limiter.clear(item, "password", "198.51.100.1")
    assert limiter.hit(item, "password", "198.51.100.1")
    assert not limiter.hit(item, "password", "198.51.100.2")
    assert storage.reset() == 2
    assert limiter.hit(item, "password", "198.51.100.2")

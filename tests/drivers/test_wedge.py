"""Telling a wedge scanner's typing from a person's: keys with their times."""

from __future__ import annotations

from itertools import chain

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.wedge import BurstDetector, Decision, Scanned, Typed

LU = "LU0200018SECH4O89A4NBOT7030000LU"


def run(
    detector: BurstDetector, keys: list[tuple[str, float]], *, ticks: float = 0.0
) -> list[Decision]:
    """Feed ``(key, time)`` pairs; with ``ticks`` also tick every ``ticks`` seconds between
    keys, as a window's timer does."""
    out: list[Decision] = []
    previous = None
    for key, now in keys:
        if ticks and previous is not None:
            t = previous + ticks
            while t < now:
                out += detector.tick(t)
                t += ticks
        out += detector.feed(key, now)
        previous = now
    return out


def timed(text: str, start: float, every: float) -> list[tuple[str, float]]:
    return [(key, start + i * every) for i, key in enumerate(text)]


def typed_text(decisions: list[Decision]) -> str:
    return "".join(d.text for d in decisions if isinstance(d, Typed))


@pytest.mark.parametrize("terminator", ["\r", "\t"])
def test_a_scan_typed_4_ms_a_key(terminator):
    detector = BurstDetector()
    out = run(detector, timed(LU + terminator, 10.0, 0.004))
    assert out == [Scanned(LU)]
    assert not detector.holding
    assert detector.tick(20.0) == []


def test_the_keys_of_a_scan_are_held_until_its_end():
    detector = BurstDetector()
    for key, now in timed("012345678905", 1.0, 0.004):
        assert detector.feed(key, now) == []
        assert detector.tick(now + 0.01) == []
    assert detector.holding
    assert detector.feed("\r", 1.0 + 12 * 0.004) == [Scanned("012345678905")]


def test_a_person_typing_150_ms_a_key_is_passed_through():
    detector = BurstDetector()
    keys = timed("hello", 5.0, 0.150)
    out = run(detector, keys, ticks=0.01)
    # each key comes back once the next tick finds it alone for more than max_gap
    assert out == [Typed("h"), Typed("e"), Typed("l"), Typed("l")]
    assert detector.holding
    assert detector.tick(keys[-1][1] + 0.03) == []  # within max_gap: still held
    assert detector.tick(keys[-1][1] + 0.06) == [Typed("o")]
    assert not detector.holding


def test_a_person_typing_150_ms_a_key_without_ticks():
    detector = BurstDetector()
    out = run(detector, timed("hello\r", 5.0, 0.150))
    assert out == [Typed(c) for c in "hello"] + [Typed("\r")]
    assert not detector.holding


def test_a_fast_person_60_ms_a_key_is_still_typing():
    detector = BurstDetector()
    out = run(detector, timed("quantity\r", 2.0, 0.060))
    assert all(isinstance(d, Typed) for d in out)
    assert typed_text(out) == "quantity\r"
    assert not detector.holding


def test_a_scan_in_the_middle_of_typing():
    detector = BurstDetector()
    keys = [
        *timed("ab", 1.0, 0.2),  # a person types "ab"
        *timed(LU + "\r", 1.5, 0.004),  # the scanner
        *timed("cd", 2.0, 0.2),  # the person again
    ]
    out = run(detector, keys, ticks=0.01)
    out += detector.tick(3.0)
    assert out == [Typed("a"), Typed("b"), Scanned(LU), Typed("c"), Typed("d")]


def test_a_scan_right_after_typing_without_ticks():
    detector = BurstDetector()
    keys = [*timed("ab", 1.0, 0.2), *timed(LU + "\r", 1.3, 0.004), *timed("cd", 1.6, 0.2)]
    out = run(detector, keys) + detector.tick(5.0)
    assert out == [Typed("a"), Typed("b"), Scanned(LU), Typed("c"), Typed("d")]


def test_a_short_fast_burst_with_enter_is_typing():
    detector = BurstDetector()
    assert run(detector, timed("12\r", 1.0, 0.004)) == [Typed("12\r")]
    assert run(detector, timed("abc\t", 2.0, 0.004)) == [Typed("abc\t")]
    # min_length is the fewest characters a scan has
    assert run(detector, timed("abcd\r", 3.0, 0.004)) == [Scanned("abcd")]
    assert run(BurstDetector(min_length=6), timed("abcde\r", 3.0, 0.004)) == [Typed("abcde\r")]


def test_enter_alone_is_typing():
    assert BurstDetector().feed("\r", 1.0) == [Typed("\r")]


def test_a_pause_before_the_terminator_makes_it_typing():
    detector = BurstDetector()
    out = run(detector, [*timed("12345678", 1.0, 0.004), ("\r", 1.2)])
    assert out == [Typed("12345678"), Typed("\r")]


def test_a_pause_inside_a_burst_splits_it():
    detector = BurstDetector()
    keys = [*timed("9638", 1.0, 0.004), *timed("5074\r", 1.1, 0.004)]
    assert run(detector, keys) == [Typed("9638"), Scanned("5074")]


@pytest.mark.parametrize("key", ["Left", "Escape", "F2", "\x1b", "\x08"])
def test_non_printable_keys_release_what_is_held(key):
    detector = BurstDetector()
    out = run(detector, [*timed("ab", 1.0, 0.004), (key, 1.008)])
    assert out == [Typed("ab" + key)]
    assert not detector.holding
    # a scan right after still is one
    assert run(detector, timed("4006381333931\r", 1.01, 0.004)) == [Scanned("4006381333931")]


def test_a_non_printable_key_alone_passes_through():
    assert BurstDetector().feed("Left", 1.0) == [Typed("Left")]


def test_max_gap_is_the_boundary():
    detector = BurstDetector(max_gap=0.05)
    detector.feed("a", 1.0)
    assert detector.tick(1.04) == []
    assert detector.tick(1.06) == [Typed("a")]


# ----- properties ---------------------------------------------------------------------------

PRINTABLE = "aZ09 -."
KEYS = st.sampled_from([*PRINTABLE, "\r", "\t", "Left", "Escape"])
GAPS_MS = st.one_of(st.integers(min_value=0, max_value=200), st.sampled_from([49, 50, 51]))
# a scanner: characters a few ms apart, then a terminator
BURSTS = st.tuples(
    st.text(alphabet=PRINTABLE, min_size=1, max_size=12),
    st.sampled_from(["\r", "\t"]),
    st.integers(min_value=0, max_value=8),
).map(lambda b: [(key, b[2]) for key in b[0] + b[1]])
# anything: a person, noise, scans cut short, slow terminators
RANDOM = st.lists(st.tuples(KEYS, GAPS_MS), min_size=1, max_size=8)
STEPS = st.lists(st.one_of(BURSTS, RANDOM), max_size=8).map(
    lambda parts: list(chain.from_iterable(parts))
)


@given(STEPS, st.booleans())
def test_every_key_comes_out_exactly_once_in_order(steps, with_ticks):
    """Typed texts carry their keys (a terminator that ends typing included); a Scanned label
    carries its keys and swallows the terminator that ended it. Together, after a last tick,
    they are exactly the keys fed, in order."""
    detector = BurstDetector()
    out = ""
    now_ms = 1000
    for key, gap in steps:
        if with_ticks:
            for t in range(now_ms + 1, now_ms + gap, 7):
                for decision in detector.tick(t / 1000):
                    assert isinstance(decision, Typed)
                    out += decision.text
        now_ms += gap
        for decision in detector.feed(key, now_ms / 1000):
            match decision:
                case Typed(text):
                    out += text
                case Scanned(label):
                    assert key in detector.terminators  # only a terminator ends a scan
                    assert len(label) >= detector.min_length
                    assert set(label) <= set(PRINTABLE)  # characters only
                    out += label + key
    for decision in detector.tick(now_ms / 1000 + detector.max_gap + 0.001):
        assert isinstance(decision, Typed)
        out += decision.text
    assert not detector.holding
    assert out == "".join(key for key, _ in steps)


@given(
    st.text(alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=4, max_size=80),
    st.lists(st.integers(min_value=0, max_value=45), min_size=81, max_size=81),
    st.sampled_from(["\r", "\t"]),
)
def test_any_fast_enough_run_with_a_terminator_is_a_scan(label, gaps_ms, terminator):
    detector = BurstDetector()
    detector.feed("x", 0.5)  # a person typed something a while before
    now_ms = 1000
    out = []
    for key, gap in zip(label + terminator, gaps_ms[: len(label) + 1], strict=True):
        now_ms += gap
        out += detector.tick(now_ms / 1000)
        out += detector.feed(key, now_ms / 1000)
    assert out == [Typed("x"), Scanned(label)]

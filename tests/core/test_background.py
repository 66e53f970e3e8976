"""app.core.background.BackgroundSender: what a commit queued is sent in one background thread per sender; a kick
while it runs makes it go round once more; a failure is logged and the next kick sends again."""

import threading

import pytest
from flask import current_app

from app.core.background import BackgroundSender

WAIT = 10  # seconds: generous on a loaded machine, never reached when the sender works


@pytest.fixture
def context(app):
    with app.app_context():
        yield


def test_a_kick_sends_in_a_background_thread_with_the_app(context):
    seen = []
    done = threading.Event()

    def send():
        seen.append((threading.current_thread().name, current_app.name))
        done.set()

    BackgroundSender("qlvb-test", send).kick()
    assert done.wait(WAIT)
    assert seen == [("qlvb-test", current_app.name)]


def test_kicks_while_sending_make_one_more_round_never_a_second_thread(context):
    first_started, release = threading.Event(), threading.Event()
    rounds, running, overlapped = [], [0], []
    finished = threading.Event()

    def send():
        running[0] += 1
        overlapped.append(running[0] > 1)
        rounds.append(len(rounds) + 1)
        if len(rounds) == 1:
            first_started.set()
            assert release.wait(WAIT)
        else:
            finished.set()
        running[0] -= 1

    sender = BackgroundSender("qlvb-test", send)
    sender.kick()
    assert first_started.wait(WAIT)
    for _ in range(5):  # five commits while the first round is still sending
        sender.kick()
    release.set()
    assert finished.wait(WAIT)
    sender._running.acquire(timeout=WAIT)  # the thread has ended
    sender._running.release()
    assert rounds == [1, 2] and not any(overlapped)  # the five kicks became one more round


def test_a_failing_send_is_logged_and_the_next_kick_sends_again(context, caplog):
    calls = []
    second = threading.Event()

    def send():
        calls.append(1)
        if len(calls) == 1:
            raise ConnectionError("SMTP server unreachable")
        second.set()

    sender = BackgroundSender("qlvb-test", send)
    sender.kick()
    assert sender._running.acquire(timeout=WAIT)  # the failed thread let go of the sender
    sender._running.release()
    assert "sending after a commit failed" in caplog.text and "SMTP server unreachable" in caplog.text
    sender.kick()
    assert second.wait(WAIT) and len(calls) == 2

"""The load runs' clients (bench/load.py) resend, as a browser does, a GET whose
connection was closed before any answer began, and nothing else."""

import socket
import threading

import pytest

from bench import load


@pytest.fixture
def closes_first():
    """A server that closes its first connection unanswered, then answers 200."""
    server = socket.create_server(("127.0.0.1", 0))
    seen = []

    def serve():
        for n in range(2):
            conn, _ = server.accept()
            seen.append(conn.recv(65536).split(b" ")[0].decode())
            if n:
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
            conn.close()

    threading.Thread(target=serve, daemon=True).start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}", seen
    server.close()


@pytest.mark.parametrize(("method", "status", "sent"), [("GET", 200, 2), ("POST", None, 1)])
def test_a_get_closed_unanswered_is_sent_again_once(closes_first, method, status, sent):
    base_url, seen = closes_first
    run = load.Run()

    load.Client(base_url, "canbo", run).call("form", method, "/")

    [call] = run.calls
    assert call.status == status
    assert len(seen) == sent and set(seen) == {method}
    assert (call.error == "") == (status == 200)


def test_a_refused_connection_is_not_sent_again():
    with socket.create_server(("127.0.0.1", 0)) as spare:
        port = spare.getsockname()[1]  # free once closed: nothing listens there
    run = load.Run()

    load.Client(f"http://127.0.0.1:{port}", "canbo", run).call("form", "GET", "/")

    [call] = run.calls
    assert call.status is None and "Connection aborted" not in call.error

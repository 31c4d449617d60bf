"""Plain local HTTP servers the tests stand up beside the emulator (a recorder, a redirect target)."""

import threading
from contextlib import contextmanager


@contextmanager
def serving(server):
    """Serve ``server`` (an http.server) from a daemon thread for the block; shut it down and close it after."""
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()

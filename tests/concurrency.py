"""Running the same work in several threads at once, each on its own database connection."""

import threading


def at_once(work, times: int = 2) -> list[Exception]:
    """Start `times` threads that call `work()` together (after a barrier) and return what they
    raised; each thread closes its database connection when done."""
    from django.db import connection

    barrier = threading.Barrier(times)
    errors: list[Exception] = []

    def run():
        try:
            barrier.wait()
            work()
        except Exception as error:  # noqa: BLE001 - reported to the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors

# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwcloud.drs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Call one function on many items at the same time, a bounded number at once, keeping the items' order.

Private to this collection: the interface may change without notice.
"""


def map_in_order(function, items, concurrency=10):
    """``[function(item) for item in items]``, at most ``concurrency`` calls at a time.

    The first call that raises ends the run with its exception: calls not started are dropped and those in
    flight are not waited for (whoever owns the transport stops their retries when it closes it).
    """
    items = list(items)
    if concurrency <= 1 or len(items) <= 1:
        return [function(item) for item in items]
    # Imported here: a run on one item never pays for it.
    from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait

    pool = ThreadPoolExecutor(max_workers=min(concurrency, len(items)))
    futures = [pool.submit(function, item) for item in items]
    try:
        wait(futures, return_when=FIRST_EXCEPTION)
        for future in futures:
            if future.done() and future.exception() is not None:
                raise future.exception()
        return [future.result() for future in futures]
    finally:
        for future in futures:
            future.cancel()
        pool.shutdown(wait=False)

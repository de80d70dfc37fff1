"""Time spent in database queries, for the benchmark commands of every layer."""

import time


class QueryTimer:
    """Adds up the time spent in database queries (connection.execute_wrapper)."""

    def __init__(self) -> None:
        self.count, self.seconds = 0, 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.count += 1
            self.seconds += time.perf_counter() - started

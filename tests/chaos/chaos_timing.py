"""The chaos suite's clock: every timeout, back-off, outage and give-up of it, in seconds.

They are small (the whole suite runs in well under a minute) and set against one another so
that each fault has one documented ending: a "short" outage or burst outlasts a call's
retries (`RETRY_WINDOW`) but not a watch's or a bulk run's ``give_up_after``; a restart's gap
is shorter than one back-off; a trickle sends a byte well within ``read_timeout``.
"""

from __future__ import annotations

#: Attempts per call, and the back-off between two (made steady: see `SteadySession`).
MAX_ATTEMPTS = 2
BACKOFF = 0.05
#: What the client's retries span, back-off included (attempts refused at once).
RETRY_WINDOW = (MAX_ATTEMPTS - 1) * BACKOFF
READ_TIMEOUT = 0.1
CONNECT_TIMEOUT = 0.5
#: A read timeout longer than any give_up_after here: the client of the waits that give up
#: waits patiently for slow answers (Config's default is 60 s).
PATIENT_READ_TIMEOUT = 3.0
#: The most a call can take when every attempt runs into its read timeout.
CALL = MAX_ATTEMPTS * READ_TIMEOUT + RETRY_WINDOW

#: An outage or a burst of errors that outlasts a call's retries, not a give_up_after.
SHORT = 0.2
#: An outage or a burst of errors that outlasts the test.
LONG = 60.0
#: How long a restarting server's port stays closed: less than one back-off.
RESTART_GAP = 0.02
#: How long a page of a listing that never ends takes to come (a service's pace, roughly).
ENDLESS_PAGE = 0.005
#: How long a service takes to answer an error (a 5xx, throttling): a few milliseconds, as a
#: real one, which also keeps a client that retries at once from spinning the test's CPU.
ERROR_LATENCY = 0.005
#: A trickling body's pace: a byte every so often, well within READ_TIMEOUT.
TRICKLE_INTERVAL = 0.02

#: Watches: their poll interval and give_up_after.
POLL_INTERVAL = 0.02
WATCH_GIVE_UP = 0.75
#: The longest a watch sleeps between two looks (its poll interval, 8 times over).
WATCH_SLOWEST = 8 * POLL_INTERVAL
#: Bulk runs: give_up_after (its watchdog looks every that often) and each job's deadline.
BULK_GIVE_UP = 1.5
JOB_DEADLINE = 2.2
#: Waiters: the delay between two polls, and the polls at most.
WAITER_DELAY = 0.02
WAITER_ATTEMPTS = 8

#: Where the docs name no end and the issue asks for one (a listing that never ends): the
#: time a wait is given to find one, hundreds of pages at `ENDLESS_PAGE` (no slack added).
ENDS = 0.5
#: What a loaded machine (2 shared cores, the suite in parallel) may add to any bound; a
#: wait still going past its bound and this is taken as hung, and cancelled.
SLACK = 1.0

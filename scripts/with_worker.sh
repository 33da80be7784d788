#!/usr/bin/env bash
# Runs a server command with the task worker beside it (`manage.py db_worker`, which sends
# the emails): `make run` and `make serve` use it. When the server stops, or this script
# is told to stop (Ctrl-C, SIGTERM), the worker stops too; neither is left behind.
#   scripts/with_worker.sh .venv/bin/python manage.py runserver
set -u
PY=${PY:-.venv/bin/python}

# Each in a session of its own, so that a stop reaches the whole of it (runserver's
# reloader and the server it runs) and only once: on one SIGTERM the worker finishes the
# email it is sending and exits (a second would cut it short).
setsid "$PY" manage.py db_worker --no-reload & worker=$!
setsid "$@" & server=$!

stop() { kill -TERM -- "-$server" "-$worker" 2>/dev/null; }
trap stop INT TERM HUP
# Whichever ends first (or a signal) ends both; the status is the one that ended first's.
wait -n "$server" "$worker"
status=$?
stop
# An email being sent takes at most the SMTP timeout (10 s); past 30 s, nothing is waited for.
for _ in $(seq 60); do
    kill -0 -- "-$server" 2>/dev/null || kill -0 -- "-$worker" 2>/dev/null || break
    sleep 0.5
done
kill -KILL -- "-$server" "-$worker" 2>/dev/null
wait
exit "$status"

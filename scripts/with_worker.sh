#!/usr/bin/env bash
# Runs a server command with the task worker beside it (`manage.py db_worker`, which sends
# the emails): `make run` and `make serve` use it. When the server stops, or this script
# is told to stop (Ctrl-C, SIGTERM), the worker stops too; neither is left behind.
#   scripts/with_worker.sh .venv/bin/python manage.py runserver
set -u
PY=${PY:-.venv/bin/python}

# In its own session: Ctrl-C reaches the server only, and the worker hears one SIGTERM
# from us, on which it finishes the email it is sending and exits (a second would cut it).
setsid "$PY" manage.py db_worker --no-reload & worker=$!
"$@" & server=$!

stop() { kill -TERM "$server" "$worker" 2>/dev/null; }
trap stop INT TERM HUP
# Whichever ends first (or a signal) ends both; the status is the one that ended first's.
wait -n "$server" "$worker"
status=$?
stop
while kill -0 "$server" 2>/dev/null || kill -0 "$worker" 2>/dev/null; do
    wait
done
exit "$status"

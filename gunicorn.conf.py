"""gunicorn's production settings, read by `make serve` (README, "Deployment").

Every value can be changed from the environment; the defaults suit one machine
behind a reverse proxy on the same host.
"""

import multiprocessing
import os

wsgi_app = "enlieusur.wsgi:application"
bind = os.environ.get("BIND", "127.0.0.1:8000").split(",")
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * multiprocessing.cpu_count() + 1)
# Django and the settings load once in the master; workers fork from it.
preload_app = True
# gunicorn's runtime control socket is one path per user ($HOME/.gunicorn): two servers on
# a machine would fight over it, and nothing here needs it.
control_socket_disable = True
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 30)
# The reverse proxy's X-Forwarded-Proto is trusted from these addresses only.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

accesslog = os.environ.get("ACCESS_LOG", "-")
errorlog = os.environ.get("ERROR_LOG", "-")
# The path without its query string (%(U)s, never %(r)s or %(q)s): a nearest search's
# coordinates never reach a log. No client address, referrer or user agent either: a
# person looking for safety is not tracked, and a referrer carries the page's query too.
access_log_format = '%(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
# Both logs go through the app's redaction (enlieusur/logging.py): the path's link tokens,
# any email or client address, and control characters (a %0a decoded into the path).
logger_class = "enlieusur.logging.GunicornLogger"

#!/usr/bin/env bash
# Installs what the project needs on a Debian or Ubuntu machine, then the virtualenv.
# Idempotent and quick when everything is there. Usage: scripts/setup.sh [--test]
#   --test  also installs what the test suite needs (Chromium for browser tests,
#           Redis for the shared-cache test, nginx and openssl for the production-shaped
#           tests, gettext for translations).
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

apt_updated=0
apt_install() {
  local missing=()
  for pkg in "$@"; do installed "$pkg" || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "Installing system packages: ${missing[*]}"
  if [ $apt_updated -eq 0 ]; then as_root apt-get update -qq; apt_updated=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}
first_available() {
  # The first package name that apt knows (names differ between releases).
  for pkg in "$@"; do
    if installed "$pkg" || apt-cache show "$pkg" >/dev/null 2>&1; then echo "$pkg"; return; fi
  done
}

if ! command -v dpkg-query >/dev/null; then
  echo "This setup expects Debian or Ubuntu (apt). Install PostgreSQL + PostGIS and GEOS by hand." >&2
  exit 1
fi

# GEOS for GeoDjango; GDAL comes from the pyogrio wheel (see README, "GDAL").
geos=$(first_available libgeos-c1t64 libgeos-c1v5)
if [ -z "$geos" ]; then as_root apt-get update -qq; apt_updated=1; geos=$(first_available libgeos-c1t64 libgeos-c1v5); fi
apt_install "$geos" postgresql postgresql-client
pg_major=$(ls /usr/lib/postgresql | sort -n | tail -n 1)
apt_install "postgresql-${pg_major}-postgis-3"
# Debian's package starts a system cluster; the project uses its own (or DATABASE_URL).
if [ $want_test -eq 1 ]; then
  # wrk: the load generator of `make bench`. nginx, openssl: tests/deployed.py runs nginx
  # with deploy/nginx/ and a self-signed certificate (the system nginx it starts is unused).
  apt_install chromium fonts-dejavu-core redis-server gettext wrk nginx openssl
fi

# Python >= 3.12: from PATH first, then pyenv's installed versions.
find_python() {
  local candidates=(python3.14 python3.13 python3.12 python3)
  for cmd in "${candidates[@]}"; do
    if command -v "$cmd" >/dev/null && "$cmd" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
      command -v "$cmd"; return
    fi
  done
  for dir in $(ls -d "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.* 2>/dev/null | sort -V -r); do
    if "$dir/bin/python" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
      echo "$dir/bin/python"; return
    fi
  done
}
if [ ! -x .venv/bin/python ]; then
  python=$(find_python)
  if [ -z "$python" ]; then
    cat >&2 <<'MSG'
No Python 3.12 or newer found (Django 6 needs it).
  Debian 13 / Ubuntu 24.04: sudo apt-get install python3 python3-venv
  Debian 12: install it with pyenv (https://github.com/pyenv/pyenv), e.g. `pyenv install 3.12`
Then run this command again.
MSG
    exit 1
  fi
  say "Creating the virtualenv with $python"
  "$python" -m venv .venv || { apt_install python3-venv; "$python" -m venv .venv; }
fi

requirements=requirements.txt
level=run
if [ $want_test -eq 1 ]; then requirements=requirements-dev.txt; level=test; fi
hash=$(cat requirements.txt requirements-dev.txt | sha256sum | cut -c1-16)
# The test requirements include the runtime ones.
if [ ! -f ".venv/.installed-$hash-$level" ] && [ ! -f ".venv/.installed-$hash-test" ]; then
  say "Installing Python requirements ($requirements)"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -r "$requirements"
  find .venv -maxdepth 1 -name '.installed-*' ! -name ".installed-$hash-*" -delete
  touch ".venv/.installed-$hash-$level"
fi

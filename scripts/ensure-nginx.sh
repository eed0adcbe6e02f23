#!/usr/bin/env bash
# Install Debian's nginx for `make serve-shared` and the shared-deployment tests if it is not
# there yet. They start nginx processes of their own (scripts/nginx.py: their own config,
# prefix, pid and logs, as the current user): the package's own service is neither started
# nor enabled here, so installing it opens no port 80.
set -euo pipefail
if [ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "nginx is missing and apt-get is not available: install nginx by hand" >&2
  exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "Installing nginx from the system's packages (the shared deployment runs behind it)..."
# Debian starts a package's service on installation unless policy-rc.d says no (exit 101);
# where no policy is in place, one is put there for the installation only.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null
  $sudo chmod 755 "$policy"
  trap '$sudo rm -f "$policy"' EXIT
fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq nginx >/dev/null
# ... and not at the next boot either.
if command -v systemctl >/dev/null 2>&1; then
  $sudo systemctl disable --quiet nginx >/dev/null 2>&1 || true
fi

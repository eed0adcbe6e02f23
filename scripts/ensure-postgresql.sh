#!/usr/bin/env bash
# Install Debian's PostgreSQL server for the tests if it is not there yet. The tests start
# and stop a throwaway server of their own (storage/local_postgres.py): nothing is configured
# or left running here, and the package's own cluster is not used.
set -euo pipefail
if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  exit 0
fi
if command -v initdb >/dev/null 2>&1 && command -v postgres >/dev/null 2>&1; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "PostgreSQL is missing and apt-get is not available: install postgresql by hand" >&2
  exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "Installing postgresql from the system's packages (the storage tests need it)..."
$sudo apt-get update -qq
# Where the package starts its own cluster, that service is left alone: the tests never use it.
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >/dev/null

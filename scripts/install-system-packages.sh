#!/usr/bin/env bash
# Installs the Debian packages the project needs (browser for e2e tests,
# PostgreSQL and Redis servers for the integration suite, poppler-utils' pdftoppm
# and pdftotext for the test that reads the council PDF). Idempotent: only
# missing packages are installed, so repeated `make` runs cost nothing.
set -euo pipefail

wanted=(chromium redis-server postgresql poppler-utils)
[ $# -gt 0 ] && wanted=("$@")

missing=()
for pkg in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  sudo_cmd=(sudo)
else
  sudo_cmd=()
fi
echo "Installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

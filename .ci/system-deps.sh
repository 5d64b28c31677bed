#!/usr/bin/env bash
# Install the Debian packages the test suite drives for real; quiet no-op when all are present.
set -euo pipefail
need=()
command -v espeak-ng >/dev/null || need+=(espeak-ng)
command -v sox >/dev/null || need+=(sox)
command -v tmux >/dev/null || need+=(tmux)
command -v dbus-run-session >/dev/null || need+=(dbus dbus-bin)
command -v chromium >/dev/null || need+=(chromium)
command -v pdftoppm >/dev/null || need+=(poppler-utils)
command -v faketime >/dev/null || need+=(faketime)
# The reverse proxy in front of two workers (tests/web/test_nginx.py); openssl makes its cert.
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
command -v openssl >/dev/null || need+=(openssl)
# Legible text in browser screenshots and PDF renders.
fc-list 2>/dev/null | grep -q . || need+=(fonts-dejavu-core fontconfig)
[ -x /usr/lib/postgresql/15/bin/pg_ctl ] || ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || need+=(postgresql)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "installing Debian packages: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null

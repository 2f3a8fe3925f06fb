#!/usr/bin/env bash
# Install everything the tests need on a fresh Debian machine, then run them all.
# Safe to run again: each step is skipped when its tool is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v chromium >/dev/null || need_apt+=(chromium)
command -v pdftoppm >/dev/null || need_apt+=(poppler-utils)
command -v java >/dev/null || need_apt+=(default-jre-headless)
# HarfBuzz's font subsetter: without it WeasyPrint falls back to fontTools and PDFs print
# at half speed.
ldconfig -p 2>/dev/null | grep -q 'libharfbuzz-subset\.so\.0' || need_apt+=(libharfbuzz-subset0)
if [ ${#need_apt[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
[ -f node_modules/axe-core/axe.min.js ] || npm ci --no-audit --no-fund --silent
python3 -m pip install -q --disable-pip-version-check -e '.[test]'
python3 -m ruff check src tests benchmarks build.py
python3 -m ruff format --check --quiet src tests benchmarks build.py
python3 -m mypy
python3 -m pytest "$@"

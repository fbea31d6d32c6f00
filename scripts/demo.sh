#!/usr/bin/env bash
# `make demo`: the main job end to end on the built-in simulated county network.
#   check -> render -> lab up -> push (dry run, commit, no-change re-run) -> audit ->
#   break a unit -> audit (red) -> heal -> audit (green) + HTML report -> cost workbook.
# The lab stays up at the end so you can look around; `make lab-down` removes it.
set -euo pipefail
cd "$(dirname "$0")/.."
S=.venv/bin/shaoshan-net
BROKEN_UNIT=${BROKEN_UNIT:-qingxi}
mkdir -p reports

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
expect() {  # expect CODE... -- command: run, require one of the exit codes
  local codes=() rc=0
  while [ "$1" != "--" ]; do codes+=("$1"); shift; done; shift
  "$@" || rc=$?
  for c in "${codes[@]}"; do [ "$rc" = "$c" ] && return 0; done
  echo "demo: '$*' exited $rc, expected ${codes[*]}" >&2
  exit 1
}

step "1. validate the county: inventory, topology, costs"
$S check

step "2. render every switch's configuration (lint-clean or nothing is written)"
$S render --quiet
$S lint

step "3. the simulated county: a namespace, snmpd, lldpd and an SSH emulator per switch"
$S lab up
# The lab made SSH/SNMP credentials for itself (mode 0600) unless the environment had them.
if [ -z "${SHAOSHAN_SSH_USER:-}" ]; then export SHAOSHAN_ENV_FILE="$PWD/.lab/credentials.env"; fi
$S lab status

step "4. push: dry run first (changes nothing), then commit core and units"
$S push --quiet
$S push --commit --quiet

step "5. push again: nothing to change"
$S push --commit --quiet

step "6. audit every horizontal link by SNMP (silent summary when all is well)"
$S audit --format text

step "7. break ${BROKEN_UNIT}'s fiber; the audit must name it"
$S lab break "$BROKEN_UNIT"
sleep 2
expect 1 2 -- $S audit --format text

step "8. heal it; audit again and write the HTML report"
$S lab heal "$BROKEN_UNIT"
sleep 3
$S audit --format html --out reports/audit.html
$S audit --format prom --out reports/shaoshan_net.prom
$S audit history --days 1

step "9. the finance bureau's withholding workbook"
$S cost --year 2012
$S cost --format xlsx --per-year-sheets --out reports/shaoshan-withholding.xlsx

step "done"
echo "reports: $(ls reports | tr '\n' ' ')"
echo "the lab is still up: '$S lab status', 'make lab-down' to remove it"

#!/usr/bin/env bash
# Deadline-rush load test of Kènè, on loopback, bounded in time (see load-tests/README.md).
#
#   load-tests/deadline-rush.sh                 # build (release), start `kene demo`, run, print, stop
#   SKIP_BUILD=1 load-tests/deadline-rush.sh    # reuse the release binaries already built
#   load-tests/deadline-rush.sh --users 200 --rate 330 --rate-secs 20 --max-secs 15   # bench options
#
# Environment: PORT (default: a free port), KEEP_DATA=1 (keep the data directory),
# CPU_HOG=1 (a second process keeps one core busy during the run, as on a shared machine),
# RUST_LOG (the server's log filter; default: the server's own default), CARGO_TARGET_DIR.
# Prints figures and whether each target is met; exits 0 whatever the figures.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
KENE=$TARGET_DIR/release/kene
BENCH=$TARGET_DIR/release/deadline-rush

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  echo "== building kene and kene-load-tests (release) =="
  cargo build --release --bin kene || exit 1
  cargo build --release -p kene-load-tests || exit 1
fi
[[ -x "$KENE" && -x "$BENCH" ]] || { echo "missing $KENE or $BENCH (build first)"; exit 1; }

DATA=$(mktemp -d "${TMPDIR:-/tmp}/kene-rush.XXXXXX")
PORT=${PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null || echo 18080)}
LOG=$DATA/kene.log
PID=
HOG_PID=

cleanup() {
  if [[ -n "$HOG_PID" ]]; then kill "$HOG_PID" 2>/dev/null; fi
  if [[ -n "$PID" ]] && kill -0 "$PID" 2>/dev/null; then
    kill -TERM "$PID" 2>/dev/null
    for _ in $(seq 1 50); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$PID" 2>/dev/null
  fi
  if [[ "${KEEP_DATA:-0}" == 1 ]]; then echo "data and server log kept in $DATA"; else rm -rf "$DATA"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "== starting kene demo on 127.0.0.1:$PORT (data: $DATA) =="
# Every virtual applicant comes from 127.0.0.1: raise the per-IP login and code limits.
KENE_LOGIN_PER_IP=100000 KENE_CODES_PER_IP=100000 \
  "$KENE" demo --data-dir "$DATA" --addr "127.0.0.1:$PORT" >"$LOG" 2>&1 &
PID=$!

ADMIN_LINE=
for _ in $(seq 1 600); do
  ADMIN_LINE=$(grep -m1 -E 'admin: .* password: ' "$LOG" 2>/dev/null || true)
  [[ -n "$ADMIN_LINE" ]] && break
  kill -0 "$PID" 2>/dev/null || { echo "kene demo exited:"; tail -n 30 "$LOG"; exit 1; }
  sleep 0.1
done
[[ -n "$ADMIN_LINE" ]] || { echo "kene demo did not print the admin login within 60 s"; tail -n 30 "$LOG"; exit 1; }
ADMIN_LOGIN=$(sed -E 's/.*admin: *([^ ]+) +password: *([^ ]+).*/\1/' <<<"$ADMIN_LINE")
ADMIN_PASSWORD=$(sed -E 's/.*admin: *([^ ]+) +password: *([^ ]+).*/\2/' <<<"$ADMIN_LINE")

for _ in $(seq 1 100); do
  curl -fsS -o /dev/null "http://127.0.0.1:$PORT/readyz" && break
  sleep 0.1
done

# Idle: started, demo data seeded, no request served but /readyz; let it settle first.
sleep 3
IDLE_KB=$(awk '/^VmRSS:/ {print $2}' "/proc/$PID/status")
echo "kene pid $PID, idle VmRSS ${IDLE_KB} kB"
echo

if [[ "${CPU_HOG:-0}" == 1 ]]; then
  echo "== CPU_HOG=1: a second process keeps one core busy during the run =="
  ( exec yes >/dev/null ) &
  HOG_PID=$!
fi

# The bench stops by itself (phases are timed); the timeout is a last guard.
timeout --signal=INT --kill-after=5 170 "$BENCH" \
  --base "http://127.0.0.1:$PORT" \
  --db "$DATA/kene.db" \
  --admin-login "$ADMIN_LOGIN" --admin-password "$ADMIN_PASSWORD" \
  --server-pid "$PID" --idle-rss-kb "$IDLE_KB" \
  "$@"
STATUS=$?
if [[ -n "$HOG_PID" ]]; then kill "$HOG_PID" 2>/dev/null; HOG_PID=; fi
[[ $STATUS -eq 0 ]] || echo "deadline-rush exited with status $STATUS"

echo
echo "== server =="
awk '/^VmRSS:|^VmHWM:/ {printf "  kene %s %.1f MB\n", $1, $2/1024}' "/proc/$PID/status" 2>/dev/null
echo "  server log lines: $(wc -l <"$LOG"); errors/warnings logged: $(grep -cE ' (ERROR|WARN) ' "$LOG")"
grep -m3 -E ' (ERROR|WARN) ' "$LOG" | cut -c1-300 | sed 's/^/    /'
exit 0

#!/usr/bin/env bash
# Live questions load test of Kènè, on loopback (see load-tests/README.md): 1,000 clients
# follow one session's presenter stream, an organiser pins a question, and the time until
# every client has the event is printed (then again with each client refetching the page).
#
#   load-tests/live-questions.sh                  # build (release), start `kene demo`, run, stop
#   SKIP_BUILD=1 load-tests/live-questions.sh     # reuse the release binaries already built
#   load-tests/live-questions.sh --clients 2000 --rounds 10   # bench options
#
# Environment: PORT (default: a free port), KEEP_DATA=1, CARGO_TARGET_DIR. Exits 0 whatever
# the figures.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
KENE=$TARGET_DIR/release/kene
BENCH=$TARGET_DIR/release/live-questions

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  echo "== building kene and kene-load-tests (release) =="
  cargo build --release --bin kene || exit 1
  cargo build --release -p kene-load-tests --bin live-questions || exit 1
fi
[[ -x "$KENE" && -x "$BENCH" ]] || { echo "missing $KENE or $BENCH (build first)"; exit 1; }

# Each client holds a socket on both sides (server and bench): well over 2,000 descriptors.
ulimit -n "$(ulimit -Hn)" 2>/dev/null
echo "open files limit: $(ulimit -n)"

DATA=$(mktemp -d "${TMPDIR:-/tmp}/kene-live.XXXXXX")
PORT=${PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null || echo 18081)}
LOG=$DATA/kene.log
PID=

cleanup() {
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
sleep 2

for MODE in "" "--refetch"; do
  timeout --signal=INT --kill-after=5 170 "$BENCH" \
    --base "http://127.0.0.1:$PORT" --db "$DATA/kene.db" \
    --admin-login "$ADMIN_LOGIN" --admin-password "$ADMIN_PASSWORD" $MODE "$@"
  STATUS=$?
  [[ $STATUS -eq 0 ]] || echo "live-questions exited with status $STATUS"
  echo
done

echo "== server =="
awk '/^VmRSS:|^VmHWM:/ {printf "  kene %s %.1f MB\n", $1, $2/1024}' "/proc/$PID/status" 2>/dev/null
echo "  errors/warnings logged: $(grep -cE ' (ERROR|WARN) ' "$LOG")"
grep -m3 -E ' (ERROR|WARN) ' "$LOG" | cut -c1-300 | sed 's/^/    /'
exit 0

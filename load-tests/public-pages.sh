#!/usr/bin/env bash
# Public pages as browsers ask for them: Kènè against nginx serving the same bytes from files,
# on loopback, in one run (see load-tests/README.md).
#
#   load-tests/public-pages.sh                 # build (release), start `kene demo` and nginx, measure, stop
#   SKIP_BUILD=1 load-tests/public-pages.sh    # reuse target/release/kene
#
# Environment: PORT, NGINX_PORT (default: free ports), DURATION (wrk seconds, default 10),
# CARGO_TARGET_DIR. Installs Debian's nginx-light and wrk when missing (apt-get install -y).
# Prints requests/s of both and the ratio per page; exits 0 whatever the figures.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
KENE=$TARGET_DIR/release/kene
DURATION=${DURATION:-10}
PAGES=(/ /results/sdn-2026 /programme/sdn-2026 /ctf/sdn-2026/scoreboard /directory /opportunities)
ACCEPT='Accept-Encoding: br, gzip'

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  echo "== building kene (release) =="
  cargo build --release --locked --bin kene || exit 1
fi
[[ -x "$KENE" ]] || { echo "missing $KENE (build first)"; exit 1; }

missing=()
command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || missing+=(nginx-light)
command -v wrk >/dev/null || missing+=(wrk)
if [[ ${#missing[@]} -gt 0 ]]; then
  echo "== installing ${missing[*]} (Debian) =="
  DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}" >/dev/null \
    || { apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}" >/dev/null; } \
    || { echo "cannot install ${missing[*]}"; exit 1; }
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

WORK=$(mktemp -d "${TMPDIR:-/tmp}/kene-pages.XXXXXX")
chmod 755 "$WORK"
PORT=${PORT:-$(free_port)}
NGINX_PORT=${NGINX_PORT:-$(free_port)}
KENE_PID=
NGINX_PID=

cleanup() {
  for pid in $NGINX_PID $KENE_PID; do
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -KILL "$pid" 2>/dev/null
    fi
  done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "== starting kene demo on 127.0.0.1:$PORT =="
"$KENE" demo --data-dir "$WORK/data" --addr "127.0.0.1:$PORT" >"$WORK/kene.log" 2>&1 &
KENE_PID=$!
ready=
for _ in $(seq 1 600); do
  curl -fsS -o /dev/null "http://127.0.0.1:$PORT/readyz" 2>/dev/null && { ready=1; break; }
  kill -0 "$KENE_PID" 2>/dev/null || break
  sleep 0.1
done
[[ -n "$ready" ]] || { echo "kene demo did not become ready"; tail -n 30 "$WORK/kene.log"; exit 1; }

# The exact bytes Kènè serves, in clear and gzip-compressed, become nginx's files.
WWW=$WORK/www
mkdir -p "$WWW"
file_of() { [[ "$1" == / ]] && echo "$WWW/index.html" || echo "$WWW$1"; }
for page in "${PAGES[@]}"; do
  file=$(file_of "$page")
  mkdir -p "$(dirname "$file")"
  status=$(curl -sS -o "$file" -w '%{http_code}' "http://127.0.0.1:$PORT$page")
  [[ "$status" == 200 ]] || { echo "GET $page answered $status"; exit 1; }
  curl -sS -H 'Accept-Encoding: gzip' -o "$file.gz" "http://127.0.0.1:$PORT$page"
  curl -sS -H "$ACCEPT" -o "$WORK/br" "http://127.0.0.1:$PORT$page"
  printf '%-20s clear %6s B · gzip %6s B · br %6s B\n' "$page" \
    "$(stat -c %s "$file")" "$(stat -c %s "$file.gz")" "$(stat -c %s "$WORK/br")"
done
chmod -R a+rX "$WWW"

# nginx's fastest way to answer `br, gzip` with these bytes: the gzip file as it is
# (gzip_static), sendfile, no log, keep-alive without a request limit.
if "$NGINX" -V 2>&1 | grep -q -- '--with-http_gzip_static_module'; then
  GZIP_CONF='gzip_static on;'
  NGINX_MODE='pre-compressed gzip files (gzip_static on)'
else
  GZIP_CONF='gzip on; gzip_comp_level 1; gzip_types text/html;'
  NGINX_MODE='gzip on (level 1, per request): gzip_static is not in this nginx'
fi
mkdir -p "$WORK/nginx"
cat >"$WORK/nginx/nginx.conf" <<EOF
worker_processes auto;
daemon off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $WORK/nginx/body;
  proxy_temp_path $WORK/nginx/proxy;
  fastcgi_temp_path $WORK/nginx/fastcgi;
  uwsgi_temp_path $WORK/nginx/uwsgi;
  scgi_temp_path $WORK/nginx/scgi;
  default_type "text/html; charset=utf-8";
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  open_file_cache max=64;
  $GZIP_CONF
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $WWW;
    index index.html;
  }
}
EOF
"$NGINX" -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx" >"$WORK/nginx/stdout.log" 2>&1 &
NGINX_PID=$!
for _ in $(seq 1 50); do
  curl -fsS -o /dev/null "http://127.0.0.1:$NGINX_PORT/" 2>/dev/null && break
  sleep 0.1
done

echo
echo "nginx serves $NGINX_MODE"
for page in "${PAGES[@]}"; do
  for server in "kene 127.0.0.1:$PORT" "nginx 127.0.0.1:$NGINX_PORT"; do
    set -- $server
    encoding=$(curl -sS -o /dev/null -D - -H "$ACCEPT" "http://$2$page" \
      | tr -d '\r' | awk -F': ' 'tolower($1) == "content-encoding" {print $2}')
    printf '%-6s %-20s answers Content-Encoding: %s\n' "$1" "$page" "${encoding:-none}"
  done
done

# One wrk run per server and page, same options, one after the other.
rps() {
  local out
  out=$(timeout $((DURATION + 20)) wrk -t2 -c32 -d"${DURATION}s" -H "$ACCEPT" "$1" 2>&1)
  if grep -q 'Non-2xx' <<<"$out"; then
    echo "  warning: $(grep 'Non-2xx' <<<"$out")" >&2
  fi
  awk '/^Requests\/sec:/ {print $2}' <<<"$out"
}

echo
echo "== wrk -t2 -c32 -d${DURATION}s -H '$ACCEPT' =="
printf '%-20s %14s %14s %8s %s\n' page 'kene req/s' 'nginx req/s' ratio target
for page in "${PAGES[@]}"; do
  kene_rps=$(rps "http://127.0.0.1:$PORT$page")
  nginx_rps=$(rps "http://127.0.0.1:$NGINX_PORT$page")
  ratio=$(awk -v k="${kene_rps:-0}" -v n="${nginx_rps:-0}" \
    'BEGIN { if (n > 0) printf "%.0f", 100 * k / n; else print "n/a" }')
  if [[ "$ratio" == n/a ]]; then verdict='no figure'
  elif (( ratio >= 50 )); then verdict='MET (>= 50%)'
  else verdict='NOT MET (< 50%)'; fi
  printf '%-20s %14s %14s %7s%% %s\n' "$page" "${kene_rps:-?}" "${nginx_rps:-?}" "$ratio" "$verdict"
done
echo
echo "kene VmRSS after the run: $(awk '/^VmRSS:/ {print $2, $3}' "/proc/$KENE_PID/status")"
exit 0

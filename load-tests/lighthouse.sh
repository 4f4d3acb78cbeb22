#!/usr/bin/env bash
# Lighthouse mobile scores of the public pages a phone opens first: the home page and the open
# call page of the demo's 2027 edition, against a release `kene demo` on loopback (see
# load-tests/README.md).
#
#   load-tests/lighthouse.sh                   # build (release), start `kene demo`, run Lighthouse, stop
#   SKIP_BUILD=1 load-tests/lighthouse.sh      # reuse target/release/kene
#   RUNS=3 SKIP_BUILD=1 load-tests/lighthouse.sh   # three runs per page, the median (performance) kept
#
# Environment: PORT (default: a free port), CARGO_TARGET_DIR, RUNS (default 1), PAGES (default:
# "/" and the first open call linked from the home page), KEEP_REPORTS=DIR (copy the JSON
# reports there), CHROME_PATH (default: Debian's chromium), LIGHTHOUSE_DIR (npm prefix, default
# ~/.cache/kene-lighthouse), LIGHTHOUSE_VERSION (default 12: the last major that runs on node 20).
# Installs Debian's chromium (apt-get install -y) and Lighthouse from npm into LIGHTHOUSE_DIR
# when missing; never downloads a browser. Lighthouse runs with its defaults: mobile form factor,
# simulated throttling (slow 4G, 4x CPU slowdown). Prints the four scores per page and, for each
# category under its target, the failing audits; exits 0 whatever the figures.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
KENE=$TARGET_DIR/release/kene
RUNS=${RUNS:-1}
LIGHTHOUSE_DIR=${LIGHTHOUSE_DIR:-$HOME/.cache/kene-lighthouse}
LIGHTHOUSE_VERSION=${LIGHTHOUSE_VERSION:-12}
CATEGORIES=performance,accessibility,best-practices,seo
START=$(date +%s)

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

apt_install() {
  echo "== installing $* (Debian) =="
  DEBIAN_FRONTEND=noninteractive apt-get install -y "$@" >/dev/null \
    || { apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y "$@" >/dev/null; } \
    || { echo "cannot install $*"; exit 1; }
}

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  echo "== building kene (release) =="
  cargo build --release --locked --bin kene || exit 1
fi
[[ -x "$KENE" ]] || { echo "missing $KENE (build first)"; exit 1; }

# The browser: Debian's chromium, never one downloaded by npm.
if [[ -z "${CHROME_PATH:-}" ]]; then
  command -v chromium >/dev/null || [[ -x /usr/bin/chromium ]] || apt_install chromium
  CHROME_PATH=$(command -v chromium || echo /usr/bin/chromium)
fi
[[ -x "$CHROME_PATH" ]] || { echo "no browser at $CHROME_PATH"; exit 1; }
export CHROME_PATH

# Lighthouse, from the npm registry, into its own folder.
command -v node >/dev/null && command -v npm >/dev/null || apt_install nodejs npm
LH=$LIGHTHOUSE_DIR/node_modules/.bin/lighthouse
installed=$(node -p "require('$LIGHTHOUSE_DIR/node_modules/lighthouse/package.json').version" 2>/dev/null)
if [[ ! -x "$LH" || "${installed%%.*}" != "${LIGHTHOUSE_VERSION%%.*}" ]]; then
  echo "== installing lighthouse@$LIGHTHOUSE_VERSION (npm) into $LIGHTHOUSE_DIR =="
  mkdir -p "$LIGHTHOUSE_DIR"
  PUPPETEER_SKIP_DOWNLOAD=1 PUPPETEER_SKIP_CHROMIUM_DOWNLOAD=1 \
    npm install --prefix "$LIGHTHOUSE_DIR" --no-audit --no-fund --loglevel=error \
    "lighthouse@$LIGHTHOUSE_VERSION" >/dev/null \
    || { echo "cannot install lighthouse@$LIGHTHOUSE_VERSION"; exit 1; }
fi
[[ -x "$LH" ]] || { echo "missing $LH"; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/kene-lighthouse.XXXXXX")
PORT=${PORT:-$(free_port)}
BASE=http://127.0.0.1:$PORT
KENE_PID=

cleanup() {
  if [[ -n "$KENE_PID" ]] && kill -0 "$KENE_PID" 2>/dev/null; then
    kill -TERM "$KENE_PID" 2>/dev/null
    for _ in $(seq 1 50); do kill -0 "$KENE_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$KENE_PID" 2>/dev/null
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "== starting kene demo on 127.0.0.1:$PORT =="
"$KENE" demo --data-dir "$WORK/data" --addr "127.0.0.1:$PORT" >"$WORK/kene.log" 2>&1 &
KENE_PID=$!
ready=
for _ in $(seq 1 600); do
  curl -fsS -o /dev/null "$BASE/readyz" 2>/dev/null && { ready=1; break; }
  kill -0 "$KENE_PID" 2>/dev/null || break
  sleep 0.1
done
[[ -n "$ready" ]] || { echo "kene demo did not become ready"; tail -n 30 "$WORK/kene.log"; exit 1; }

# The open call: the first track page the home page links to (the home page lists open calls).
if [[ -z "${PAGES:-}" ]]; then
  call=$(curl -fsS "$BASE/" | grep -o 'href="/calls/[^"/]*/[^"/]*"' | head -n 1 | cut -d'"' -f2)
  [[ -n "$call" ]] || { echo "no open call linked from the home page"; exit 1; }
  PAGES="/ $call"
fi

echo "== lighthouse $("$LH" --version) · $("$CHROME_PATH" --version 2>/dev/null) =="
echo "   mobile form factor, simulated throttling (defaults), $RUNS run(s) per page"
mkdir -p "$WORK/reports"
reports=()
for page in $PAGES; do
  status=$(curl -sS -o /dev/null -w '%{http_code}' "$BASE$page")
  [[ "$status" == 200 ]] || { echo "GET $page answered $status"; exit 1; }
  name=$(tr -c 'A-Za-z0-9\n' '_' <<<"$page")
  for run in $(seq 1 "$RUNS"); do
    out=$WORK/reports/$name.$run.json
    t0=$(date +%s)
    timeout 300 "$LH" "$BASE$page" --quiet \
      --only-categories="$CATEGORIES" \
      --chrome-flags="--headless=new --no-sandbox" \
      --output=json --output-path="$out" >"$WORK/lighthouse.log" 2>&1
    rc=$?
    if [[ $rc -ne 0 || ! -s "$out" ]]; then
      echo "lighthouse failed on $page (exit $rc)"; tail -n 30 "$WORK/lighthouse.log"; exit 1
    fi
    echo "   $page run $run: $(( $(date +%s) - t0 )) s"
    reports+=("$page=$out")
  done
done
if [[ -n "${KEEP_REPORTS:-}" ]]; then
  mkdir -p "$KEEP_REPORTS" && cp "$WORK"/reports/*.json "$KEEP_REPORTS"/ && echo "   reports copied to $KEEP_REPORTS"
fi

echo
BASE=$BASE python3 - "${reports[@]}" <<'EOF'
import json, os, sys, urllib.request
from collections import OrderedDict

CATS = [("performance", "perf", 100), ("accessibility", "a11y", 100),
        ("best-practices", "best-practices", 95), ("seo", "seo", 95)]

runs = OrderedDict()
for arg in sys.argv[1:]:
    page, path = arg.split("=", 1)
    with open(path) as f:
        runs.setdefault(page, []).append(json.load(f))

def score(report, cat):
    s = report["categories"][cat]["score"]
    return None if s is None else round(s * 100)

def robots_note(page):
    """Lighthouse fetches /robots.txt under the page's Content-Security-Policy: without
    connect-src (default-src 'none'), the fetch is refused and the audit fails whatever the file
    (GoogleChrome/lighthouse#4386). Says so when that is the case."""
    base = os.environ["BASE"]
    try:
        robots = urllib.request.urlopen(base + "/robots.txt", timeout=5).status
        csp = urllib.request.urlopen(base + page, timeout=5).headers.get("Content-Security-Policy", "")
    except Exception:
        return None
    directives = {d.strip().split(" ")[0] for d in csp.split(";") if d.strip()}
    if robots == 200 and "default-src" in directives and "connect-src" not in directives:
        return ("GET /robots.txt answers 200: Lighthouse could not fetch it because the page's "
                "CSP has no connect-src (default-src applies), not because of the file")
    return None

def failing(report, cat):
    """Audits of the category that lose points: weighted ones under 1; for performance, also
    the diagnostics and insights Lighthouse flags (score under 0.9)."""
    audits = report["audits"]
    lines = []
    for ref in report["categories"][cat]["auditRefs"]:
        a = audits[ref["id"]]
        s = a.get("score")
        if s is None or a.get("scoreDisplayMode") in ("notApplicable", "manual", "informative"):
            continue
        if ref.get("weight", 0) > 0 and s < 1:
            value = a.get("displayValue")
            if cat == "performance":
                extra = f" ({value}, score {round(s * 100)})"
            else:
                extra = f" ({a['explanation']})" if a.get("explanation") else ""
            lines.append(f"{a['id']}: {a['title']}{extra}")
        elif cat == "performance" and ref.get("weight", 0) == 0 and s < 0.9:
            value = a.get("displayValue")
            lines.append(f"{a['id']}: {a['title']}" + (f" ({value})" if value else ""))
    return lines

for page, reports in runs.items():
    # With several runs, the run with the median performance score stands for the page.
    reports.sort(key=lambda r: score(r, "performance") or 0)
    report = reports[len(reports) // 2]
    scores = {cat: score(report, cat) for cat, _, _ in CATS}
    fmt = lambda v: "?" if v is None else str(v)
    others = ""
    if len(reports) > 1:
        others = "  (performance over %d runs: %s)" % (
            len(reports), ", ".join(fmt(score(r, "performance")) for r in reports))
    print("%-28s " % page + "  ".join("%s %3s" % (short, fmt(scores[cat]))
                                       for cat, short, _ in CATS) + others)
    for cat, short, target in CATS:
        s = scores[cat]
        met = s is not None and s >= target
        want = "100" if target == 100 else f">= {target}"
        print(f"    {cat:<15} {fmt(s):>3}  target {want:<5} {'MET' if met else 'NOT MET'}")
        if not met:
            for line in failing(report, cat):
                print(f"        - {line}")
                if line.startswith("robots-txt:") and (note := robots_note(page)):
                    print(f"          note: {note}")
    warnings = report.get("runWarnings") or []
    for w in warnings:
        print(f"    warning: {w}")
    print()
EOF
echo "total time: $(( $(date +%s) - START )) s"
exit 0

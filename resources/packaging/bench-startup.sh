#!/usr/bin/env bash
# Print how long `redline-gui` takes from launch to its main window on screen (a real X server:
# Xvfb with Qt's xcb platform), best and median of N runs, plus the CLI's start-up.
#
#   bash resources/packaging/bench-startup.sh [COMMAND] [N]     (default: redline-gui from PATH, 5)
#
# Needs xvfb-run and xdotool (apt-get install xvfb xauth xdotool). Target: under 3 s.
set -euo pipefail
CMD="${1:-redline-gui}"
RUNS="${2:-5}"
command -v xvfb-run >/dev/null && command -v xdotool >/dev/null \
    || { echo "bench-startup: needs xvfb-run and xdotool" >&2; exit 2; }
CLI="$(dirname "$(readlink -f "$(command -v "$CMD")")")/redline"

INNER="$(mktemp)"
trap 'rm -f "$INNER"' EXIT
cat > "$INNER" <<'EOF_INNER'
inner() {
    local cmd="$1" runs="$2" times=()
    for _ in $(seq "$runs"); do
        local data; data="$(mktemp -d)"
        local t0; t0=$(date +%s%N)
        REDLINE_DATA_DIR="$data" "$cmd" >/dev/null 2>&1 &
        local pid=$!
        # The first visible top-level window of that process (polls every few ms, up to 30 s).
        if ! timeout 30 xdotool search --sync --onlyvisible --pid "$pid" >/dev/null 2>&1; then
            kill "$pid" 2>/dev/null || true; echo "bench-startup: no window within 30 s" >&2; exit 1
        fi
        local t1; t1=$(date +%s%N)
        kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
        rm -rf "$data"
        times+=($(( (t1 - t0) / 1000000 )))
    done
    printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "launch to window: best %d ms, median %d ms over %d runs\n", a[1], a[int((NR+1)/2)], NR}'
}
inner "$@"
EOF_INNER
env -u QT_QPA_PLATFORM xvfb-run -a -s "-screen 0 1600x1000x24" bash "$INNER" "$CMD" "$RUNS"
if [[ -x "$CLI" ]]; then
    t0=$(date +%s%N); "$CLI" --version >/dev/null; t1=$(date +%s%N)
    echo "redline --version: $(( (t1 - t0) / 1000000 )) ms"
fi

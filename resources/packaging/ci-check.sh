#!/usr/bin/env bash
# CI's installer check: build the bundle, the tar.gz and the .deb, install the .deb, and run both
# self-tests from the installed commands on the PATH. Exits non-zero when any step fails.
#
# Usage: bash resources/packaging/ci-check.sh     (as root, or with sudo; on Debian/Ubuntu)
#   REDLINE_SKIP_BUILD=1      reuse dist/redline_<version>_amd64.deb from an earlier build
#   REDLINE_KEEP_INSTALLED=1  leave the package installed afterwards (default: removed)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/resources/packaging"
cd "$ROOT"
export DEBIAN_FRONTEND=noninteractive
say() { echo "ci-check: $*" >&2; }
die() { say "FAILED: $*"; exit 1; }
SUDO=""
if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || die "run as root (installs a .deb)"
    SUDO="sudo"
fi
started=$(date +%s)
PYTHON="${PYTHON:-${VIRTUAL_ENV:+$VIRTUAL_ENV/bin/python}}"
PYTHON="${PYTHON:-$(command -v python3)}"
VERSION="$("$PYTHON" -c "import sys; sys.path.insert(0, '$HERE'); from versioninfo import read_version; print(read_version('$ROOT'))")"
DEB="$ROOT/dist/redline_${VERSION}_amd64.deb"

# 1. Build.
if [[ "${REDLINE_SKIP_BUILD:-}" != 1 || ! -f "$DEB" ]]; then
    # gzip: the same package, built in seconds instead of a minute or two of xz.
    PYTHON="$PYTHON" REDLINE_DEB_COMPRESSION="${REDLINE_DEB_COMPRESSION:-gzip}" bash "$HERE/build.sh"
fi
[[ -f "$DEB" ]] || die "build.sh did not write $DEB"
[[ -f "$ROOT/dist/redline-$VERSION-linux-x86_64.tar.gz" ]] || die "build.sh did not write the tar.gz"
built=$(date +%s)

# 2. Install (pulling in missing dependencies with apt-get).
say "installing $DEB"
if ! $SUDO dpkg -i "$DEB" >/tmp/redline-dpkg.log 2>&1; then
    say "dpkg -i left dependencies missing; apt-get -f install"
    $SUDO apt-get update -qq
    $SUDO apt-get -f install -y -qq >/tmp/redline-apt.log 2>&1 || { cat /tmp/redline-apt.log >&2; die "apt-get -f install"; }
fi
[[ "$(dpkg-query -W -f='${Status}' redline 2>/dev/null)" == "install ok installed" ]] \
    || { cat /tmp/redline-dpkg.log >&2; die "redline is not installed"; }

# 3. Run from the installed PATH only (not the venv's console scripts), in an empty folder.
SYSPATH=/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin
for cmd in redline redline-gui; do
    where="$(env PATH="$SYSPATH" bash -c "command -v $cmd" || true)"
    [[ -n "$where" ]] || die "$cmd is not on the PATH"
    [[ "$(readlink -f "$where")" == "/opt/redline/$cmd" ]] || die "$cmd resolves to $(readlink -f "$where"), not /opt/redline/$cmd"
done
[[ -f /usr/share/applications/redline.desktop ]] || die "no desktop entry"
[[ -f /usr/share/icons/hicolor/256x256/apps/redline.png ]] || die "no icon in the hicolor theme"
if command -v desktop-file-validate >/dev/null; then
    desktop-file-validate /usr/share/applications/redline.desktop || die "the desktop entry is not valid"
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
ms() { date +%s%N | cut -b1-13; }

say "redline --version: $(env -i HOME="$work" PATH="$SYSPATH" redline --version)"
# The tar.gz runs where it is unpacked.
tar -xzf "$ROOT/dist/redline-$VERSION-linux-x86_64.tar.gz" -C "$work"
env -i HOME="$work" PATH="$SYSPATH" "$work/redline-$VERSION/install-user.sh" >/dev/null || die "install-user.sh"
[[ "$(env -i HOME="$work" PATH="$SYSPATH" "$work/.local/bin/redline" --version)" == "redline $VERSION" ]] \
    || die "the tar.gz's redline does not run"
grep -q "^Exec=$work/redline-$VERSION/redline-gui" "$work/.local/share/applications/redline.desktop" \
    || die "install-user.sh wrote no menu entry"
rm -rf "$work/redline-$VERSION"
t0=$(ms)
env -i HOME="$work" PATH="$SYSPATH" LANG=C.UTF-8 redline --selftest || die "redline --selftest"
cli_ms=$(( $(ms) - t0 ))
t0=$(ms)
env -i HOME="$work" PATH="$SYSPATH" LANG=C.UTF-8 QT_QPA_PLATFORM=offscreen redline-gui --selftest \
    || die "redline-gui --selftest"
gui_ms=$(( $(ms) - t0 ))
cd "$ROOT"

say "redline --selftest: $cli_ms ms; redline-gui --selftest (window, samples, every pane): $gui_ms ms"
# Launch to window on a real X server, when the tools are there (apt-get install xvfb xauth xdotool).
if command -v xvfb-run >/dev/null && command -v xdotool >/dev/null; then
    bash "$HERE/bench-startup.sh" /usr/bin/redline-gui 3 || die "redline-gui did not open its window"
fi
if [[ "${REDLINE_KEEP_INSTALLED:-}" != 1 ]]; then
    $SUDO dpkg -r redline >/dev/null && say "removed the package again"
fi
say "ok: built in $(( built - started )) s, all checks in $(( $(date +%s) - started )) s"

#!/usr/bin/env bash
# Build the Linux installers from a checkout:
#   dist/redline/                               the PyInstaller one-folder bundle (build.spec)
#   dist/redline-<version>-linux-x86_64.tar.gz  that folder as redline-<version>/, with install-user.sh
#   dist/redline_<version>_amd64.deb            /opt/redline + /usr/bin links + desktop entry + icons
#
# Usage: bash resources/packaging/build.sh
#   PYTHON=/path/to/python        the interpreter (default: the active venv's, else python3); it
#                                 must have redline and its dependencies installed
#   REDLINE_DEB_COMPRESSION=gzip  faster, larger .deb (default xz: ~40 MB, over a minute on 2 cores)
# Needs: dpkg-deb (Debian/Ubuntu), ldd. Installs PyInstaller with pip if it is missing.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/resources/packaging"
cd "$ROOT"

if [[ -z "${PYTHON:-}" ]]; then
    if [[ -n "${VIRTUAL_ENV:-}" ]]; then PYTHON="$VIRTUAL_ENV/bin/python"; else PYTHON="$(command -v python3)"; fi
fi
say() { echo "build.sh: $*" >&2; }
die() { say "error: $*"; exit 1; }

started=$(date +%s)
VERSION="$("$PYTHON" -c "import sys; sys.path.insert(0, '$HERE'); from versioninfo import read_version; print(read_version('$ROOT'))")"
[[ -n "$VERSION" ]] || die "no version in redline/__init__.py"
ARCH=amd64
[[ "$(uname -m)" == "x86_64" ]] || die "this script builds the x86_64 (amd64) packages; on $(uname -m) adapt ARCH"
say "redline $VERSION with $PYTHON"

# 1. PyInstaller (the 'build' extra of pyproject.toml), and the bundle.
if ! "$PYTHON" -c "import PyInstaller" 2>/dev/null; then
    say "installing PyInstaller"
    "$PYTHON" -m pip install --quiet "pyinstaller>=6.0"
fi
"$PYTHON" -c "import redline, docx, PySide6" 2>/dev/null \
    || die "$PYTHON cannot import redline and its dependencies: pip install -e . first"
t0=$(date +%s)
"$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN build.spec
say "bundle built in $(( $(date +%s) - t0 )) s"
BUNDLE="$ROOT/dist/redline"
[[ -x "$BUNDLE/redline" && -x "$BUNDLE/redline-gui" ]] || die "dist/redline/ lacks an executable"
[[ -f "$BUNDLE/_internal/playbooks/customer-telecom.yaml" ]] || die "the playbook is not in the bundle"
[[ $(ls "$BUNDLE/_internal/resources/samples/"*.txt | wc -l) -eq 5 ]] || die "the five samples are not in the bundle"

t0=$(date +%s)
# 2. Every library the bundle's binaries need must be in the bundle or come from a Debian package
#    the .deb depends on. A missing Qt library means the Qt filter (qtfilter.py) dropped too much.
declare -A MISSING_TO_PKG=(
    [libxcb-icccm.so.4]=libxcb-icccm4 [libxcb-keysyms.so.1]=libxcb-keysyms1
    [libxcb-cursor.so.0]=libxcb-cursor0 [libxcb-image.so.0]=libxcb-image0
    [libxcb-render-util.so.0]=libxcb-render-util0 [libxcb-xkb.so.1]=libxcb-xkb1
    [libxkbcommon-x11.so.0]=libxkbcommon-x11-0 [libxkbcommon.so.0]=libxkbcommon0
    [libGL.so.1]=libgl1 [libEGL.so.1]=libegl1 [libOpenGL.so.0]=libopengl0
    [libfontconfig.so.1]=libfontconfig1 [libfreetype.so.6]=libfreetype6 [libdbus-1.so.3]=libdbus-1-3
)
declare -A DEPS=()
LDD_OUT="$(mktemp)"
while IFS= read -r -d '' elf; do
    [[ "$(head -c4 "$elf")" == $'\x7fELF' ]] || continue
    LD_LIBRARY_PATH="$BUNDLE/_internal" ldd "$elf" 2>/dev/null | sed -e 's/^[[:space:]]*//' -e 's/ (0x[0-9a-f]*)$//' -e "s|^|$elf\t|" || true
done < <(find "$BUNDLE" -type f \( -name "*.so*" -o -perm -u+x \) -print0) > "$LDD_OUT"
while IFS=$'\t' read -r elf line; do
    lib="$(awk '{print $1}' <<<"$line")"
    if [[ "$line" == *"not found"* ]]; then
        [[ "$lib" == libQt6* ]] && die "$elf needs $lib, which the bundle lacks (see qtfilter.py)"
        [[ -n "${MISSING_TO_PKG[$lib]:-}" ]] || die "$elf needs $lib: add its Debian package to MISSING_TO_PKG"
        DEPS[${MISSING_TO_PKG[$lib]}]=1
    elif [[ "$line" == *"=> /"* ]]; then
        path="$(awk '{print $3}' <<<"$line")"
        [[ "$path" == "$BUNDLE"/* ]] && continue
        pkg="$(dpkg -S "$path" 2>/dev/null || dpkg -S "/usr${path#/usr}" 2>/dev/null \
               || dpkg -S "$(readlink -f "$path")" 2>/dev/null || true)"
        pkg="${pkg%%:*}"
        if [[ -n "$pkg" ]]; then DEPS[$pkg]=1
        elif [[ -n "${MISSING_TO_PKG[$lib]:-}" ]]; then DEPS[${MISSING_TO_PKG[$lib]}]=1
        else die "$elf needs $path, which no Debian package owns"; fi
    fi
done < <(sort -t$'\t' -k2,2 -u "$LDD_OUT")
rm -f "$LDD_OUT"
# What Qt's xcb platform loads at run time (Qt's own list for X11), and fonts to draw text with.
for pkg in libc6 libxcb1 libxcb-icccm4 libxcb-keysyms1 libgl1 libegl1 fontconfig-config; do DEPS[$pkg]=1; done
DEPENDS="$(printf '%s\n' "${!DEPS[@]}" | sort | paste -sd, - | sed 's/,/, /g')"
DEPENDS="$DEPENDS, fonts-dejavu-core | fonts-liberation2 | fonts-freefont-ttf"
say "depends: $DEPENDS"

say "libraries checked in $(( $(date +%s) - t0 )) s"

SIZE_MB=$(du -sm "$BUNDLE" | cut -f1)
say "dist/redline/ is $SIZE_MB MB unpacked (target: under 150 MB)"

# 3. The desktop entry and the icons (hicolor theme), shared by the tar.gz and the .deb.
SHARE="$ROOT/build/share"
rm -rf "$SHARE"
mkdir -p "$SHARE/applications" "$SHARE/icons/hicolor/scalable/apps"
install -m 644 "$HERE/redline.desktop" "$SHARE/applications/redline.desktop"
install -m 644 "$ROOT/resources/icons/redline.svg" "$SHARE/icons/hicolor/scalable/apps/redline.svg"
for png in "$ROOT"/resources/icons/redline-*.png; do
    n="$(basename "$png" .png)"; n="${n#redline-}"
    mkdir -p "$SHARE/icons/hicolor/${n}x${n}/apps"
    install -m 644 "$png" "$SHARE/icons/hicolor/${n}x${n}/apps/redline.png"
done

# 4. The tar.gz: redline-<version>/ = the bundle, share/ and install-user.sh (PATH + menu, no root).
t0=$(date +%s)
TARBALL="$ROOT/dist/redline-$VERSION-linux-x86_64.tar.gz"
TSTAGE="$ROOT/build/tar/redline-$VERSION"
rm -rf "$ROOT/build/tar" "$TARBALL"
mkdir -p "$TSTAGE"
cp -al "$BUNDLE/." "$TSTAGE/" 2>/dev/null || cp -a "$BUNDLE/." "$TSTAGE/"
cp -a "$SHARE" "$TSTAGE/share"
install -m 755 "$HERE/install-user.sh" "$TSTAGE/install-user.sh"
tar -C "$ROOT/build/tar" --owner=0 --group=0 --numeric-owner -czf "$TARBALL" "redline-$VERSION"
rm -rf "$ROOT/build/tar"
say "wrote $TARBALL ($(du -m "$TARBALL" | cut -f1) MB, $(( $(date +%s) - t0 )) s)"
t0=$(date +%s)

# 5. The .deb.
STAGE="$ROOT/build/deb/redline_${VERSION}_$ARCH"
rm -rf "$STAGE"
mkdir -p "$STAGE/DEBIAN" "$STAGE/opt" "$STAGE/usr/bin" "$STAGE/usr/share/doc/redline"
cp -a "$BUNDLE" "$STAGE/opt/redline"
# Symlinks: PyInstaller's bootloader resolves its own path, so it finds /opt/redline/_internal.
ln -s /opt/redline/redline "$STAGE/usr/bin/redline"
ln -s /opt/redline/redline-gui "$STAGE/usr/bin/redline-gui"
cp -a "$SHARE/applications" "$SHARE/icons" "$STAGE/usr/share/"
cat > "$STAGE/usr/share/doc/redline/copyright" <<EOF
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: redline
Comment: Redline bundles Python and Qt for Python (PySide6, LGPLv3) with their libraries;
 their licences are in /opt/redline/_internal.

Files: *
Copyright: the Redline authors
License: Proprietary
EOF
INSTALLED_KB=$(du -sk "$STAGE" --exclude=DEBIAN | cut -f1)
cat > "$STAGE/DEBIAN/control" <<EOF
Package: redline
Version: $VERSION
Section: text
Priority: optional
Architecture: $ARCH
Maintainer: Redline maintainers <maintainers@redline.invalid>
Installed-Size: $INSTALLED_KB
Depends: $DEPENDS
Description: review vendors' agreements from the customer's side, offline
 Redline reads vendors' Master Services Agreements (telecom, CPaaS, IT), finds the
 one-sided terms against the customer's playbook, and writes Word redlines with
 tracked changes and comments, clause-aware comparisons and a negotiation memo.
 Nothing leaves the machine. Commands: redline (CLI) and redline-gui (the app).
EOF
find "$STAGE" -type d -exec chmod 755 {} +
DEB="$ROOT/dist/redline_${VERSION}_$ARCH.deb"
rm -f "$DEB"
case "${REDLINE_DEB_COMPRESSION:-xz}" in
    xz) COMPRESS=(-Zxz -z6) ;;
    gzip) COMPRESS=(-Zgzip -z6) ;;
    *) die "REDLINE_DEB_COMPRESSION is xz or gzip" ;;
esac
dpkg-deb --root-owner-group "${COMPRESS[@]}" --build "$STAGE" "$DEB" >/dev/null
say "wrote $DEB ($(du -m "$DEB" | cut -f1) MB, $(( $(date +%s) - t0 )) s)"
say "done in $(( $(date +%s) - started )) s"

#!/bin/sh
# Redline from the tar.gz: put `redline` and `redline-gui` on your PATH and Redline in your
# application menu, for you only (no root needed). Run it from the unpacked folder:
#   ./install-user.sh            (undo: ./install-user.sh --remove)
set -eu
HERE="$(cd "$(dirname "$0")" && pwd)"
BIN="${XDG_BIN_HOME:-$HOME/.local/bin}"
DATA="${XDG_DATA_HOME:-$HOME/.local/share}"
if [ "${1:-}" = "--remove" ]; then
    rm -f "$BIN/redline" "$BIN/redline-gui" "$DATA/applications/redline.desktop"
    find "$DATA/icons/hicolor" -path "*/apps/redline.*" -delete 2>/dev/null || true
    echo "Redline's links and menu entry are removed; delete $HERE to remove the app itself."
    exit 0
fi
mkdir -p "$BIN" "$DATA/applications" "$DATA/icons"
ln -sf "$HERE/redline" "$BIN/redline"
ln -sf "$HERE/redline-gui" "$BIN/redline-gui"
sed -e "s|^Exec=redline-gui|Exec=$HERE/redline-gui|" -e "s|^TryExec=redline-gui|TryExec=$HERE/redline-gui|" \
    "$HERE/share/applications/redline.desktop" > "$DATA/applications/redline.desktop"
cp -R "$HERE/share/icons/hicolor" "$DATA/icons/"
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$DATA/applications" || true
echo "Redline is in your menu; the commands are in $BIN."
case ":$PATH:" in *":$BIN:"*) ;; *) echo "Add $BIN to your PATH to type redline in a terminal." ;; esac

#!/usr/bin/env bash
# macOS: build Redline.app with build.spec, then a compressed .dmg with hdiutil (no network).
#   bash resources/packaging/macos/build-dmg.sh      -> dist/Redline.app, dist/redline-<version>-macos.dmg
# Signing and notarisation (for machines other than the builder's): set CODESIGN_IDENTITY to a
# "Developer ID Application: ..." identity; then notarise the .dmg with `xcrun notarytool submit`.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
cd "$ROOT"
PYTHON="${PYTHON:-python3}"
VERSION="$("$PYTHON" -c "import sys; sys.path.insert(0, 'resources/packaging'); from versioninfo import read_version; print(read_version('.'))")"
"$PYTHON" -c "import PyInstaller" 2>/dev/null || "$PYTHON" -m pip install --quiet "pyinstaller>=6.0"
"$PYTHON" -m PyInstaller --noconfirm --clean build.spec
if [[ -n "${CODESIGN_IDENTITY:-}" ]]; then
    codesign --force --deep --options runtime --timestamp --sign "$CODESIGN_IDENTITY" dist/Redline.app
fi
"dist/Redline.app/Contents/MacOS/redline" --selftest
STAGE="$(mktemp -d)"
cp -R dist/Redline.app "$STAGE/"
ln -s /Applications "$STAGE/Applications"
DMG="dist/redline-$VERSION-macos.dmg"
rm -f "$DMG"
hdiutil create -volname "Redline $VERSION" -srcfolder "$STAGE" -ov -format UDZO "$DMG"
rm -rf "$STAGE"
echo "wrote $DMG"

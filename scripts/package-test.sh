#!/usr/bin/env bash
# Installs the Debian package on this machine, checks it as a user would meet
# it, and removes it again: `ecrscope --version`, the desktop entry
# (desktop-file-validate), the man page, the icons, and the installed binary
# opening its window under Xvfb. Prints the package's figures.
# Usage: scripts/package-test.sh path/to/ecrscope.deb
set -euo pipefail
DEB=${1:?path to the .deb}
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
fail() { echo "FAIL: $*"; $SUDO dpkg -r ecrscope >/dev/null 2>&1 || true; exit 1; }

$SUDO dpkg -i "$DEB" >/dev/null || { $SUDO apt-get install -y -f -qq >/dev/null; $SUDO dpkg -i "$DEB" >/dev/null; }
version=$(/usr/bin/ecrscope --version) || fail "ecrscope --version"
echo "installed: $version"
desktop-file-validate /usr/share/applications/ecrscope.desktop || fail "the desktop entry does not validate"
zcat /usr/share/man/man1/ecrscope.1.gz | grep -q '^\.TH ecrscope' || fail "no man page"
for s in 16 32 48 256; do
  [ -f "/usr/share/icons/hicolor/${s}x${s}/apps/ecrscope.png" ] || fail "no ${s}px icon"
done
[ -f /usr/share/doc/ecrscope/copyright ] || fail "no copyright file"
home=$(mktemp -d)
cat > "$home/run.sh" <<RUN
#!/usr/bin/env bash
export HOME=$home AWS_EC2_METADATA_DISABLED=true AWS_CONFIG_FILE=/nonexistent AWS_SHARED_CREDENTIALS_FILE=/nonexistent
ecrscope > "$home/app.log" 2>&1 &
app=\$!
for i in \$(seq 1 100); do xdotool search --name '^ecrscope\$' >/dev/null 2>&1 && break; sleep 0.2; done
found=1; xdotool search --name '^ecrscope\$' >/dev/null 2>&1 && found=0
kill \$app 2>/dev/null; wait \$app 2>/dev/null
exit \$found
RUN
chmod +x "$home/run.sh"
xvfb-run -a -s "-screen 0 1280x800x24" "$home/run.sh" || { cat "$home/app.log"; fail "the installed ecrscope opened no window"; }
echo "PASS the installed ecrscope opened its window"
echo "package: $(du -k "$DEB" | cut -f1) KiB; installed: $(dpkg-query -W -f='${Installed-Size}' ecrscope) KiB; binary: $(du -k /usr/bin/ecrscope | cut -f1) KiB"
echo "files:"; dpkg -L ecrscope | while read -r f; do [ -f "$f" ] && echo "  $f"; done || true
$SUDO dpkg -r ecrscope >/dev/null
[ ! -e /usr/bin/ecrscope ] || fail "ecrscope still installed after dpkg -r"
echo "PASS removed"

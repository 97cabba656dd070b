#!/usr/bin/env bash
# Builds the Debian package of ecrscope with Debian's own dpkg-deb: the
# release binary, the desktop entry, the icon in the hicolor sizes, the man
# page (generated from the clap definitions: `ecrscope man`), the licences
# (ecrscope's and the bundled Phosphor icon font's).
# Usage: scripts/package.sh [path/to/release/ecrscope]  -> target/debian/ecrscope_<version>_<arch>.deb
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BIN=${1:-${CARGO_TARGET_DIR:-$ROOT/target}/release/ecrscope}
[ -x "$BIN" ] || cargo build --locked --release
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
arch=$(dpkg --print-architecture)
out=$ROOT/target/debian
pkg=$out/ecrscope_${version}_${arch}
rm -rf "$pkg"; mkdir -p "$pkg/DEBIAN"

install -Dm755 "$BIN" "$pkg/usr/bin/ecrscope"
install -Dm644 assets/ecrscope.desktop "$pkg/usr/share/applications/ecrscope.desktop"
for size in 16 24 32 48 64 128 256; do
  dir="$pkg/usr/share/icons/hicolor/${size}x${size}/apps"
  mkdir -p "$dir"
  convert assets/icon.png -resize "${size}x${size}" "$dir/ecrscope.png"
done
mkdir -p "$pkg/usr/share/man/man1"
"$BIN" man | gzip -9n > "$pkg/usr/share/man/man1/ecrscope.1.gz"
doc=$pkg/usr/share/doc/ecrscope
mkdir -p "$doc"
{
  echo "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/"
  echo "Upstream-Name: ecrscope"
  echo
  echo "Files: *"
  echo "Copyright: 2026 The ecrscope authors"
  echo "License: MIT or Apache-2.0"
  echo
  echo "Files: usr/bin/ecrscope (embedded Phosphor icon font)"
  echo "Copyright: 2020 Phosphor Icons; 2023 Romet Tagobert"
  echo "License: MIT"
  echo
  echo "License: MIT"
  sed 's/^/ /; s/^ $/ ./' LICENSE-MIT
  echo
  echo "License: Apache-2.0"
  echo " On Debian systems the full text is in /usr/share/common-licenses/Apache-2.0."
  echo
  echo "Phosphor icon font licence:"
  sed 's/^/ /; s/^ $/ ./' assets/fonts/LICENSE-Phosphor.txt
} > "$doc/copyright"
install -m644 LICENSE-MIT LICENSE-APACHE "$doc/"
install -m644 assets/fonts/LICENSE-Phosphor.txt "$doc/"
printf 'ecrscope (%s) unstable; urgency=low\n\n  * Built from the repository.\n\n -- ecrscope <ecrscope@localhost>  %s\n' \
  "$version" "$(date -R)" | gzip -9n > "$doc/changelog.gz"

installed_kb=$(du -sk "$pkg/usr" | cut -f1)
cat > "$pkg/DEBIAN/control" <<CONTROL
Package: ecrscope
Version: $version
Architecture: $arch
Maintainer: ecrscope <ecrscope@localhost>
Installed-Size: $installed_kb
Depends: libc6 (>= 2.34), libgcc-s1, libx11-6, libxcursor1, libxrandr2, libxi6, libxkbcommon-x11-0, libgl1 | libvulkan1
Recommends: mesa-vulkan-drivers, libegl1
Section: devel
Priority: optional
Homepage: https://github.com/ecrscope/ecrscope
Description: native desktop app for Amazon ECR
 Browse every registry of your AWS profiles and regions: repositories,
 images (active and archived), scan findings, lifecycle policies and
 pull-through cache rules. Change tag immutability and scanning, archive and
 restore images, export findings. Credentials stay with the AWS tooling:
 ecrscope stores profile names only.
CONTROL
dpkg-deb --root-owner-group -Zxz --build "$pkg" "$pkg.deb" >/dev/null
echo "$pkg.deb"

#!/usr/bin/env bash
# package-linux.sh builds dist/Rosterdesk-VERSION-linux-amd64.tar.xz: the archive that
# `fyne package --os linux` makes (the window's binary, its desktop entry and icon, and a
# Makefile whose "make user-install" installs them into ~/.local), with rosterctl added
# beside the window and the desktop entry written from FyneApp.toml (fyne reads the
# entry's Comment, Categories and Keywords only from a FyneApp.toml in the main
# package's folder, and ours is at the repository root).
#
# Install from the archive: tar -xf Rosterdesk-*.tar.xz && make -C rosterdesk user-install
# (or, for every user: sudo make -C rosterdesk install)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

mkdir -p build dist
go build -o build/meta ./packaging/meta
version=$(build/meta version)
id=$(sed -n 's/^ *ID *= *"\(.*\)"$/\1/p' FyneApp.toml)
stage=build/linux
rm -rf "$stage" && mkdir -p "$stage/pkg"

scripts/package.sh --os linux --release
mv dist/Rosterdesk.tar.xz "$stage/fyne.tar.xz"
tar -xJf "$stage/fyne.tar.xz" -C "$stage/pkg"
# The archive holds one folder, rosterdesk/, with the Makefile and usr/.
pkg=$stage/pkg/rosterdesk
[ -f "$pkg/Makefile" ] || { echo "package-linux: fyne's archive has no rosterdesk/Makefile" >&2; exit 1; }
bin=$(dirname "$(find "$pkg/usr" -path '*/bin/rosterdesk')")
share=$(dirname "$bin")/share

go build -trimpath -ldflags "-s -w" -o "$bin/rosterctl" ./cmd/rosterctl
build/meta desktop -exe rosterdesk -o "$share/applications/$id.desktop"
install -Dm644 assets/notices.txt "$share/doc/rosterdesk/THIRD-PARTY-NOTICES.txt"
# Every rule that installs or removes the window's binary does the same for rosterctl.
sed -i -E '/^\s*(install|-rm) .*bin\/\$\(Exec\)/{p;s/\$\(Exec\)/rosterctl/g}' "$pkg/Makefile"
# fyne 1.7.2's Makefile names the icon without the .png that its file has.
sed -i "s/^Icon := \"$id\"\$/Icon := \"$id.png\"/" "$pkg/Makefile"
grep -q 'bin/rosterctl' "$pkg/Makefile" || { echo "package-linux: fyne's Makefile changed; rosterctl is not installed by it" >&2; exit 1; }

out="$root/dist/Rosterdesk-$version-linux-amd64.tar.xz"
tar --owner=0 --group=0 -cJf "$out" -C "$stage/pkg" rosterdesk
ls -l "$out"

# Check the archive as a user would use it: unpack, make user-install into a scratch home,
# and run what it installed.
check=$(mktemp -d)
trap 'rm -rf "$check"' EXIT
mkdir -p "$check/pkg" "$check/home"
tar -xJf "$out" -C "$check/pkg"
make -s -C "$check/pkg/rosterdesk" user-install HOME="$check/home" >/dev/null
for f in .local/bin/rosterdesk .local/bin/rosterctl ".local/share/applications/$id.desktop" ".local/share/icons/$id.png"; do
	[ -e "$check/home/$f" ] || { echo "package-linux: make user-install did not install ~/$f" >&2; exit 1; }
done
grep -qx "Exec=$check/home/.local/bin/rosterdesk" "$check/home/.local/share/applications/$id.desktop" ||
	{ echo "package-linux: the installed desktop entry does not start ~/.local/bin/rosterdesk" >&2; exit 1; }
if command -v desktop-file-validate >/dev/null; then
	desktop-file-validate "$check/home/.local/share/applications/$id.desktop"
fi
installed=$("$check/home/.local/bin/rosterctl" --version)
case "$installed" in *" $version,"*) ;; *) echo "package-linux: installed rosterctl says '$installed', want $version" >&2; exit 1 ;; esac
make -s -C "$check/pkg/rosterdesk" user-uninstall HOME="$check/home" >/dev/null
[ ! -e "$check/home/.local/bin/rosterdesk" ] || { echo "package-linux: make user-uninstall left the binary" >&2; exit 1; }
echo "package-linux: $out installs with make user-install and uninstalls with make user-uninstall" >&2

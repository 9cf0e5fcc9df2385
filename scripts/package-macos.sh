#!/usr/bin/env bash
# package-macos.sh builds, on a Mac, dist/Rosterdesk-VERSION.dmg holding Rosterdesk.app: a
# universal app (Apple silicon and Intel) with rosterctl inside it, its icon, and an
# Info.plist rendered by packaging/meta from FyneApp.toml (bundle id, version, build).
# The app is signed ad hoc, which is enough to run it on the Mac that built it; to hand it
# to other Macs, sign it with a Developer ID and notarise it: docs/install.md says how.
#
# Needs: macOS 12 or later, Go (the version in go.mod), Xcode command-line tools
# (xcode-select --install: clang, lipo, codesign, hdiutil).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(uname -s)" != Darwin ]; then
	echo "package-macos: run this on a Mac: it needs Apple's clang, lipo, codesign and hdiutil" >&2
	exit 2
fi
for tool in clang lipo codesign hdiutil; do
	command -v "$tool" >/dev/null || { echo "package-macos: $tool is missing; install the command-line tools: xcode-select --install" >&2; exit 2; }
done

mkdir -p build dist
go build -o build/meta ./packaging/meta
version=$(build/meta version)
stage=build/macos
rm -rf "$stage" && mkdir -p "$stage"

# Go 1.26 supports macOS 12 and later; say so to the C compiler and the linker too.
export MACOSX_DEPLOYMENT_TARGET=12.0
for arch in arm64 amd64; do
	carch=$arch
	[ "$arch" = amd64 ] && carch=x86_64
	echo "package-macos: building for $carch" >&2
	CGO_ENABLED=1 GOOS=darwin GOARCH=$arch CC="clang -arch $carch" \
		go build -trimpath -tags release,migrated_fynedo -ldflags "-s -w" -o "$stage/rosterdesk-$arch" ./cmd/rosterdesk
	CGO_ENABLED=0 GOOS=darwin GOARCH=$arch \
		go build -trimpath -ldflags "-s -w" -o "$stage/rosterctl-$arch" ./cmd/rosterctl
done
lipo -create -output "$stage/rosterdesk" "$stage/rosterdesk-arm64" "$stage/rosterdesk-amd64"
lipo -create -output "$stage/rosterctl" "$stage/rosterctl-arm64" "$stage/rosterctl-amd64"

# fyne package lays out the bundle and makes the .icns from the icon; the Info.plist is
# then replaced by ours (fyne's says macOS 10.11, and has no copyright).
rm -rf dist/Rosterdesk.app
scripts/package.sh --os darwin --release --executable "$PWD/$stage/rosterdesk"
app=$stage/Rosterdesk.app
mv dist/Rosterdesk.app "$app"
build/meta plist -exe rosterdesk -o "$app/Contents/Info.plist"
plutil -lint "$app/Contents/Info.plist"
cp "$stage/rosterctl" "$app/Contents/MacOS/rosterctl"
cp assets/notices.txt "$app/Contents/Resources/THIRD-PARTY-NOTICES.txt"

# Ad-hoc signature: Apple silicon runs nothing unsigned. rosterctl first, the bundle last.
codesign --force --sign - "$app/Contents/MacOS/rosterctl"
codesign --force --sign - "$app"
codesign --verify --strict --verbose=2 "$app"
lipo -info "$app/Contents/MacOS/rosterdesk"

dmgdir=$stage/dmg
mkdir -p "$dmgdir"
cp -R "$app" "$dmgdir/"
ln -s /Applications "$dmgdir/Applications"
dmg="dist/Rosterdesk-$version.dmg"
rm -f "$dmg"
hdiutil create -volname "Rosterdesk $version" -srcfolder "$dmgdir" -fs HFS+ -format UDZO -ov "$dmg"
ls -l "$dmg"

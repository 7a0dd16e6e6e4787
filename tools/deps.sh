#!/usr/bin/env bash
# Installs what paiban needs to build, run and test on Debian 12 (as root), or says exactly
# which packages are missing when it cannot install them.
set -euo pipefail

packages=(
  meson ninja-build gcc g++ pkg-config python3
  libglib2.0-dev libjson-glib-dev libmd4c-dev
  libpango1.0-dev libcairo2-dev libharfbuzz-dev libfontconfig-dev libjpeg62-turbo-dev
  zlib1g-dev libqpdf-dev libicu-dev
  fonts-noto-cjk fonts-noto-cjk-extra fonts-lxgw-wenkai fonts-hanazono
  poppler-utils qpdf python3-jsonschema
  # The print PDF's ICC profiles (default_cmyk.icc, default_rgb.icc) come with libgs-common;
  # Ghostscript and MuPDF also open the print PDF in the tests.
  libgs-common ghostscript mupdf-tools
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
  echo "paiban needs these Debian packages: ${missing[*]}" >&2
  echo "install them as root: apt-get install ${missing[*]}" >&2
  exit 1
fi
echo "installing: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

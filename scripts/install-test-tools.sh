#!/usr/bin/env bash
# Installs the real clients the tests check outputs with, when they are missing:
# Chromium (headless browser), LibreOffice Impress (opens PPTX) and Writer (writes the Word
# fixture), poppler (PDF page counts),
# fonts with Arabic and Latin glyphs, EPUBCheck (with a JDK: several books in one JVM), the OASIS XLIFF 1.2 strict schema (shipped by
# php-symfony-translation) and the npm packages in tests/js (axe-core).
# Called by `make test`; safe to run again (it installs only what is missing).
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v soffice >/dev/null 2>&1 || missing+=(libreoffice-impress)
[ -e /usr/lib/libreoffice/program/libswlo.so ] || missing+=(libreoffice-writer)  # the Word fixture: ODT -> DOCX
command -v pdfinfo >/dev/null 2>&1 || missing+=(poppler-utils)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
[ -d /usr/share/fonts/truetype/noto ] || missing+=(fonts-noto-core)
[ -e /usr/share/java/epubcheck.jar ] || missing+=(epubcheck)  # the e-books' checker (pulls in a JRE)
command -v javac >/dev/null 2>&1 || missing+=(default-jdk-headless)  # tests/java/EpubCheckAll.java runs from source
ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0 || missing+=(libpango-1.0-0 libpangoft2-1.0-0)  # WeasyPrint (the PDF course book)
[ -e /usr/share/php/Symfony/Component/Translation/Resources/schemas/xliff-core-1.2-strict.xsd ] || missing+=(php-symfony-translation)  # the exported XLIFF's schema
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing test tools: ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -e tests/js/node_modules/.package-lock.json ] || [ tests/js/package-lock.json -nt tests/js/node_modules/.package-lock.json ]; then
  npm ci --prefix tests/js --no-audit --no-fund --loglevel=error
fi

#!/usr/bin/env bash
# Makes sure the offline speech tools the minutes tests and benchmark use are installed: pocketsphinx
# with its English model (transcription), flite (test speech, letter-to-sound for biasing) and ffmpeg
# (audio conversion). As root on Debian it installs them with apt; otherwise it says what to do.
# Quiet when everything is there.
set -euo pipefail
missing=()
command -v pocketsphinx_continuous >/dev/null 2>&1 || missing+=(pocketsphinx)
[ -f /usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict ] || missing+=(pocketsphinx-en-us)
command -v flite >/dev/null 2>&1 || missing+=(flite)
command -v ffmpeg >/dev/null 2>&1 || missing+=(ffmpeg)
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing speech tools for the minutes tests (apt-get install ${missing[*]})…"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq pocketsphinx pocketsphinx-en-us flite ffmpeg >/dev/null
  exit 0
fi
echo "The minutes tests need ${missing[*]}. Install them (Debian/Ubuntu: sudo apt-get install pocketsphinx pocketsphinx-en-us flite ffmpeg)." >&2
exit 1

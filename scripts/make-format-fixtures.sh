#!/usr/bin/env bash
# shellcheck disable=SC2016  # backticks in printf formats are Markdown, not expansions
# make-format-fixtures.sh - regenerate the audio-import test fixtures in
# test/fixtures/formats/: one short espeak-ng clip encoded in many container /
# sample-format / rate / channel combinations, plus expected.json describing
# each file (as reported by soxi / ffprobe).
#
# All files are cut from the same master signal (espeak-ng en-us,
# "Sauti test clip, one two three"), starting at the same instant, so they
# can be compared with each other after decoding and resampling.
# Stereo files carry the speech at full level on the left channel and at
# half amplitude (-6 dB) on the right, so channel handling is observable.
#
# Uncompressed high-rate / multi-channel WAVs are much shorter than 1.5 s to
# keep the whole directory under ~300 KB (a 1.5 s 48 kHz stereo 24-bit WAV
# alone would be 432 KB).
#
# Needs: espeak-ng sox libsox-fmt-all ffmpeg opus-tools vorbis-tools
set -euo pipefail
export LC_ALL=C.UTF-8

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
OUT="$REPO_ROOT/test/fixtures/formats"

for tool in espeak-ng sox soxi ffmpeg ffprobe opusenc oggenc awk; do
  command -v "$tool" >/dev/null 2>&1 || { echo "make-format-fixtures: missing tool: $tool" >&2; exit 1; }
done

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# --- master: 48 kHz stereo 32-bit float, exactly 1.5 s ----------------------
espeak-ng -v en-us -s 240 -p 50 -w "$WORK/speech.wav" "Sauti test clip, one two three."
sox -R "$WORK/speech.wav" -e floating-point -b 32 "$WORK/padded.wav" \
  silence 1 0.02 -45d reverse silence 1 0.02 -45d reverse \
  gain -n -3 pad 0.05 2 rate -v 48000
sox -R "$WORK/padded.wav" "$WORK/master.wav" trim 0 1.5 fade t 0 1.5 0.05 remix 1 1v0.5

rm -rf "$OUT"
mkdir -p "$OUT"

# pcm NAME RATE CHANNELS BITS ENCODING SECONDS
pcm() {
  local name="$1" rate="$2" ch="$3" bits="$4" enc="$5" secs="$6"
  local -a remix=()
  [[ "$ch" == 1 ]] && remix=(remix 1)
  sox -R "$WORK/master.wav" -r "$rate" -c "$ch" -b "$bits" -e "$enc" "$OUT/$name" \
    "${remix[@]}" rate -v "$rate" trim 0 "$secs"
}

# name      rate   ch bits encoding          seconds
pcm s16.wav 16000  1  16   signed-integer    1.5
pcm u8.wav  8000   1  8    unsigned-integer  1.5
pcm s24.wav 48000  2  24   signed-integer    0.15
pcm s32.wav 22050  1  32   signed-integer    0.4
pcm f32.wav 44100  2  32   floating-point    0.15
pcm f64.wav 11025  1  64   floating-point    0.2

# FLAC 16-bit 44.1 kHz mono
sox -R "$WORK/master.wav" -r 44100 -c 1 -b 16 -C 8 "$OUT/clip.flac" remix 1 rate -v 44100

# 16-bit intermediates for the lossy encoders
sox -R "$WORK/master.wav" -r 44100 -c 1 -b 16 "$WORK/m44.wav" remix 1 rate -v 44100
sox -R "$WORK/master.wav" -r 44100 -c 2 -b 16 "$WORK/s44.wav" rate -v 44100
sox -R "$WORK/master.wav" -r 48000 -c 1 -b 16 "$WORK/m48.wav" remix 1

# MP3 44.1 kHz mono (LAME via ffmpeg; bitexact = no encoder version tag)
ffmpeg -nostdin -v error -y -i "$WORK/m44.wav" -map_metadata -1 -fflags +bitexact \
  -flags:a +bitexact -c:a libmp3lame -b:a 48k "$OUT/clip.mp3"
# Ogg Vorbis 44.1 kHz stereo
oggenc --quiet --serial 4242 -q 0 -o "$OUT/clip.ogg" "$WORK/s44.wav"
# Ogg Opus 48 kHz mono
opusenc --quiet --serial 4343 --bitrate 32 --comp 10 "$WORK/m48.wav" "$OUT/clip.opus"

# --- expected.json ----------------------------------------------------------
probe() { ffprobe -v error -select_streams a:0 -show_entries "$2" -of default=nw=1:nk=1 "$1"; }

entries=()
for f in s16.wav u8.wav s24.wav s32.wav f32.wav f64.wav clip.flac clip.mp3 clip.ogg clip.opus; do
  path="$OUT/$f"
  ext="${f##*.}"
  channels="$(probe "$path" stream=channels)"
  case "$ext" in
    wav|flac)
      format="$ext"; rate="$(soxi -r "$path")"; bits="$(soxi -b "$path")"
      codec="$(probe "$path" stream=codec_name)"; [[ "$ext" == flac ]] && codec=flac ;;
    ogg)  format=ogg;  rate="$(soxi -r "$path")"; bits=null; codec=vorbis ;;
    mp3)  format=mp3;  rate="$(probe "$path" stream=sample_rate)"; bits=null; codec=mp3 ;;
    opus) format=opus; rate="$(probe "$path" stream=sample_rate)"; bits=null; codec=opus ;;
  esac
  # durationSec: length of the decoded audio. soxi -D for WAV/FLAC/Vorbis;
  # for MP3 and Opus the gapless length from decoding with ffmpeg (LAME
  # delay/padding and Opus pre-skip removed). probeDurationSec: what ffprobe
  # reports for the container, which for MP3/Opus includes codec padding.
  if [[ "$ext" == mp3 || "$ext" == opus ]]; then
    ffmpeg -nostdin -v error -y -i "$path" -c:a pcm_s16le "$WORK/decoded.wav"
    frames="$(soxi -s "$WORK/decoded.wav")"; dur="$(soxi -D "$WORK/decoded.wav")"
  else
    frames="$(soxi -s "$path")"; dur="$(soxi -D "$path")"
  fi
  pdur="$(probe "$path" format=duration)"
  entries+=("$(printf '  { "file": "%s", "format": "%s", "codec": "%s", "sampleRate": %d, "channels": %d, "bitDepth": %s, "durationSec": %s, "frames": %d, "probeDurationSec": %s }' \
    "$f" "$format" "$codec" "$rate" "$channels" "$bits" \
    "$(awk -v d="$dur" 'BEGIN { printf "%.6f", d }')" "$frames" "$(awk -v d="$pdur" 'BEGIN { printf "%.6f", d }')")")
done
{
  echo "["
  for i in "${!entries[@]}"; do
    if (( i + 1 < ${#entries[@]} )); then echo "${entries[$i]},"; else echo "${entries[$i]}"; fi
  done
  echo "]"
} >"$OUT/expected.json"

# --- README.md --------------------------------------------------------------
{
  cat <<'EOF'
# Audio format fixtures

Tiny speech clips used by the audio-import tests. Regenerate with
`scripts/make-format-fixtures.sh` (needs espeak-ng, sox + libsox-fmt-all,
ffmpeg, opus-tools, vorbis-tools); the script deletes and rewrites this
directory.

All clips are cut from one master signal: espeak-ng (`en-us`) saying
"Sauti test clip, one two three", silence-trimmed, normalised to -3 dBFS,
with 50 ms of leading silence, 1.5 s long with a 50 ms fade-out. Every file
starts at the same instant of that signal, so decoded clips can be compared
with each other. Stereo files carry the speech at full level on the left
channel and at half amplitude (-6 dB) on the right.

The uncompressed high-rate or multi-channel WAVs are deliberately short
(0.15-0.4 s) to keep this directory small; the others are 1.5 s.

`expected.json` lists, for every file, the container `format`
(`wav|flac|mp3|ogg|opus`), `codec`, `sampleRate` (for Opus: 48000, the decode
rate), `channels`, `bitDepth` (null for lossy codecs), `durationSec` and
`frames` (length of the decoded audio: `soxi` for WAV/FLAC/Ogg Vorbis; for
MP3 and Opus the gapless length after decoding with ffmpeg, i.e. with LAME
encoder delay/padding and Opus pre-skip removed), and `probeDurationSec`
(the container duration reported by `ffprobe`). A decoder that does not
honour gapless metadata returns ~40 ms more for `clip.mp3` (sox decodes
67958 frames instead of 66150), so tests should allow about ±50 ms for MP3
and Opus.

| File | Format | Rate | Ch | Bits | Duration (s) | Bytes |
|---|---|---|---|---|---|---|
EOF
  for f in s16.wav u8.wav s24.wav s32.wav f32.wav f64.wav clip.flac clip.mp3 clip.ogg clip.opus; do
    line="$(grep "\"$f\"" "$OUT/expected.json")"
    get() { sed -E "s/.*\"$1\": \"?([^ ,\"}]*)\"?.*/\1/" <<<"$line"; }
    printf '| `%s` | %s (%s) | %s | %s | %s | %s | %s |\n' "$f" "$(get format)" "$(get codec)" \
      "$(get sampleRate)" "$(get channels)" "$(get bitDepth)" "$(get durationSec)" "$(stat -c %s "$OUT/$f")"
  done
  printf '\nWAV header variants (fmt chunk format tag, as written by sox):\n\n'
  for f in s16.wav u8.wav s24.wav s32.wav f32.wav f64.wav; do
    # sox writes "fmt " as the first chunk, so the format tag is at byte 20 and
    # the WAVE_FORMAT_EXTENSIBLE sub-format GUID's first two bytes at 44.
    tag="$(od -An -tu2 -j20 -N2 "$OUT/$f" | tr -d ' ')"
    case "$tag" in
      1) desc="WAVE_FORMAT_PCM (1)" ;;
      3) desc="WAVE_FORMAT_IEEE_FLOAT (3)" ;;
      65534) desc="WAVE_FORMAT_EXTENSIBLE (0xFFFE), sub-format $(od -An -tu2 -j44 -N2 "$OUT/$f" | tr -d ' ')" ;;
      *) desc="tag $tag" ;;
    esac
    printf -- '- `%s`: %s\n' "$f" "$desc"
  done
  cat <<'EOF'

Licence: CC0-1.0. The text was written for Sauti; the audio was synthesised
with espeak-ng (GPL-3.0 program, whose output is not a derivative of the
program) and is released under CC0-1.0.
EOF
} >"$OUT/README.md"

total="$(du -cb "$OUT"/* | tail -n 1 | cut -f1)"
echo "make-format-fixtures: wrote $(find "$OUT" -type f | wc -l) files to $OUT ($total bytes)"

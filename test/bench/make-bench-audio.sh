#!/usr/bin/env bash
# make-bench-audio.sh - generate (large) benchmark audio. Not used in CI.
#
# Usage: test/bench/make-bench-audio.sh [OUTDIR]     (default: <repo>/.bench-data)
#
# Produces in OUTDIR:
#   long-2h.wav          2 h, 16 kHz mono 16-bit WAV (~230 MB): 60 s of
#                        espeak-ng speech in five languages, repeated 120 times
#   mixed-30min/         180 clips x 10 s = 30 min, rotating six encodings:
#                        WAV 16 kHz mono s16, WAV 44.1 kHz stereo s16,
#                        FLAC 22.05 kHz mono, MP3 44.1 kHz mono,
#                        Ogg Vorbis 44.1 kHz mono, Ogg Opus 48 kHz mono
#   mixed-30min/manifest.tsv   path, transcript, speaker, language
#   long-1h-48k-stereo.wav     1 h, 48 kHz stereo 16-bit WAV (~690 MB), as a field
#                        recorder writes it
#
# Each output is skipped if it already exists (outputs are written under a
# temporary name and moved into place at the end, so an existing file is a
# complete one). Delete an output to regenerate it.
# Sentences come from scripts/demo-sentences.tsv.
#
# Needs: espeak-ng sox libsox-fmt-all ffmpeg opus-tools vorbis-tools perl
set -euo pipefail
export LC_ALL=C.UTF-8

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
SENTENCES="$REPO_ROOT/scripts/demo-sentences.tsv"
OUTDIR="${1:-$REPO_ROOT/.bench-data}"
LONG="$OUTDIR/long-2h.wav"
MIXED="$OUTDIR/mixed-30min"
N_BASE=31         # distinct 10 s base clips (prime, so base x format pairs never repeat in 180)
N_CLIPS=180
CLIP_SEC=10
JOBS="$(nproc 2>/dev/null || echo 4)"

for tool in espeak-ng sox soxi ffmpeg opusenc oggenc perl awk xargs; do
  command -v "$tool" >/dev/null 2>&1 || { echo "make-bench-audio: missing tool: $tool" >&2; exit 1; }
done
[[ -f "$SENTENCES" ]] || { echo "make-bench-audio: missing $SENTENCES" >&2; exit 1; }

STEREO="$OUTDIR/long-1h-48k-stereo.wav"
need_long=1; need_mixed=1; need_stereo=1
[[ -f "$LONG" ]] && { need_long=0; echo "long-2h.wav: exists, skipped ($LONG)"; }
[[ -f "$MIXED/manifest.tsv" ]] && { need_mixed=0; echo "mixed-30min/: exists, skipped ($MIXED)"; }
[[ -f "$STEREO" ]] && { need_stereo=0; echo "long-1h-48k-stereo.wav: exists, skipped ($STEREO)"; }
(( need_long || need_mixed || need_stereo )) || exit 0

mkdir -p "$OUTDIR"
WORK="$(mktemp -d "$OUTDIR/.work.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
START=$SECONDS

# ---------------------------------------------------------------------------
# 1. N_BASE base clips, each exactly CLIP_SEC s of 16 kHz mono 16-bit speech in
#    one language (a few sentences separated by 0.4 s pauses, then silence).
# ---------------------------------------------------------------------------
LANGS=(sw en hi am hi-en)
declare -A VOICES=(
  [sw]="sw+f3 sw+m2 sw+f4"
  [en]="en-us+f5 en-gb+m4 en-us+m3"
  [hi]="hi+f2 hi+m3"
  [am]="am+m3 am+f2"
  [hi-en]="hi+f2 hi+m3"
)
declare -A POOL   # language -> newline-separated sentences
while IFS=$'\t' read -r id _ lang _ text; do
  [[ "$id" == "id" || -z "$id" ]] && continue
  POOL[$lang]+="$text"$'\n'
done <"$SENTENCES"

# shellcheck source=../../scripts/lib/hinglish-ssml.sh
source "$REPO_ROOT/scripts/lib/hinglish-ssml.sh"

# say VOICE LANG TEXT OUT.wav  (16 kHz mono s16, silence-trimmed)
say() {
  local voice="$1" lang="$2" text="$3" out="$4"
  if [[ "$lang" == hi-en ]]; then
    espeak-ng -m -w "$WORK/raw.wav" "$(hinglish_ssml "$text" "$voice" "en-us+${voice#*+}")"
  else
    espeak-ng -v "$voice" -w "$WORK/raw.wav" "$text"
  fi
  sox -R "$WORK/raw.wav" -r 16000 -c 1 -b 16 "$out" \
    silence 1 0.02 -45d reverse silence 1 0.02 -45d reverse gain -n -3 rate -v 16000
}

declare -a BASE_TEXT BASE_LANG BASE_SPK
sox -R -n -r 16000 -c 1 -b 16 "$WORK/gap.wav" trim 0 0.4
for ((k = 0; k < N_BASE; k++)); do
  lang="${LANGS[k % ${#LANGS[@]}]}"
  mapfile -t sents < <(printf '%s' "${POOL[$lang]}")
  read -r -a vs <<<"${VOICES[$lang]}"
  voice="${vs[(k / ${#LANGS[@]}) % ${#vs[@]}]}"
  parts=(); text=""; total=0; j=$(( (k / ${#LANGS[@]}) * 2 ))
  for ((tries = 0; tries < ${#sents[@]}; tries++)); do
    s="${sents[(j + tries) % ${#sents[@]}]}"
    seg="$WORK/seg-$k-$tries.wav"
    say "$voice" "$lang" "$s" "$seg"
    d="$(soxi -D "$seg")"
    if awk -v t="$total" -v d="$d" -v max="$CLIP_SEC" 'BEGIN { exit !(t + d + 0.4 > max - 0.3) }'; then
      (( ${#parts[@]} )) && break
    fi
    (( ${#parts[@]} )) && parts+=("$WORK/gap.wav")
    parts+=("$seg"); text="${text:+$text }$s"
    total="$(awk -v t="$total" -v d="$d" 'BEGIN { print t + d + 0.4 }')"
  done
  # A lead-in of 0.3 s + 5 ms per clip (so no two base clips are byte-identical, which the
  # importer would rightly skip as duplicates), speech, then silence up to exactly CLIP_SEC s
  sox -R "${parts[@]}" "$WORK/padded.wav" pad "$(awk -v k="$k" 'BEGIN { print 0.3 + k * 0.005 }')" "$CLIP_SEC"
  sox -R "$WORK/padded.wav" "$WORK/base-$k.wav" trim 0 "$CLIP_SEC"
  BASE_TEXT[k]="$text"; BASE_LANG[k]="$lang"; BASE_SPK[k]="SYN-${voice/+/-}"
done
echo "base clips: $N_BASE x ${CLIP_SEC} s synthesised ($((SECONDS - START)) s)"

# ---------------------------------------------------------------------------
# 2. long-2h.wav: base clips 0-5 (60 s, all five languages) repeated 120 times
# ---------------------------------------------------------------------------
if (( need_long )); then
  t0=$SECONDS
  sox -R "$WORK"/base-{0,1,2,3,4,5}.wav "$WORK/base60.wav"
  reps=$(( 7200 / (6 * CLIP_SEC) ))
  sox -R "$WORK/base60.wav" -r 16000 -c 1 -b 16 "$WORK/long-2h.wav" repeat $((reps - 1))
  mv "$WORK/long-2h.wav" "$LONG"
  echo "long-2h.wav: generated, $(soxi -d "$LONG"), $(du -h "$LONG" | cut -f1) ($((SECONDS - t0)) s)"
fi

# ---------------------------------------------------------------------------
# 3. mixed-30min/: N_CLIPS clips, base i mod N_BASE, encoding i mod 6
# ---------------------------------------------------------------------------
encode_clip() {  # IN OUT_WITHOUT_EXTENSION KIND(0-5) OGG_SERIAL
  local in="$1" out="$2" kind="$3" serial="$4"
  case "$kind" in
    0) sox -R "$in" -b 16 "$out.wav" ;;
    1) sox -R "$in" -r 44100 -c 2 -b 16 "$out.wav" remix 1 1 rate -v 44100 ;;
    2) sox -R "$in" -r 22050 -b 16 -C 8 "$out.flac" rate -v 22050 ;;
    3) ffmpeg -nostdin -v error -y -i "$in" -map_metadata -1 -fflags +bitexact -flags:a +bitexact \
         -ar 44100 -ac 1 -c:a libmp3lame -b:a 64k "$out.mp3" ;;
    4) sox -R "$in" -r 44100 "$out.tmp.wav" rate -v 44100
       oggenc --quiet --serial "$serial" -q 2 -o "$out.ogg" "$out.tmp.wav"; rm -f "$out.tmp.wav" ;;
    5) sox -R "$in" -r 48000 "$out.tmp.wav" rate -v 48000
       opusenc --quiet --serial "$serial" --bitrate 32 "$out.tmp.wav" "$out.opus"; rm -f "$out.tmp.wav" ;;
  esac
}
export -f encode_clip

if (( need_mixed )); then
  t0=$SECONDS
  tmpdir="$WORK/mixed"
  mkdir -p "$tmpdir"
  exts=(wav wav flac mp3 ogg opus)
  for ((i = 0; i < N_CLIPS; i++)); do
    printf '%s\0%s\0%s\0%s\0' "$WORK/base-$((i % N_BASE)).wav" "$tmpdir/$(printf 'clip-%03d' "$i")" "$((i % 6))" "$((5000 + i))"
  done | xargs -0 -n 4 -P "$JOBS" bash -c 'set -euo pipefail; encode_clip "$@"' _
  {
    printf 'path\ttranscript\tspeaker\tlanguage\n'
    for ((i = 0; i < N_CLIPS; i++)); do
      b=$((i % N_BASE))
      printf 'clip-%03d.%s\t%s\t%s\t%s\n' "$i" "${exts[i % 6]}" "${BASE_TEXT[b]}" "${BASE_SPK[b]}" "${BASE_LANG[b]}"
    done
  } >"$tmpdir/manifest.tsv"
  rm -rf "$MIXED"
  mv "$tmpdir" "$MIXED"
  echo "mixed-30min/: generated $N_CLIPS clips ($((N_CLIPS * CLIP_SEC / 60)) min, $(du -sh "$MIXED" | cut -f1)) ($((SECONDS - t0)) s)"
fi
# ---------------------------------------------------------------------------
# 4. long-1h-48k-stereo.wav: what a handheld field recorder writes (48 kHz stereo,
#    16-bit), the first hour of long-2h.wav with the right channel 6 dB down
# ---------------------------------------------------------------------------
if (( need_stereo )); then
  t0=$SECONDS
  sox -R "$LONG" -r 48000 -b 16 "$WORK/stereo.wav" trim 0 3600 remix 1 1v0.5 rate -v 48000
  mv "$WORK/stereo.wav" "$STEREO"
  echo "long-1h-48k-stereo.wav: generated, $(soxi -d "$STEREO"), $(du -h "$STEREO" | cut -f1) ($((SECONDS - t0)) s)"
fi
echo "make-bench-audio: done in $((SECONDS - START)) s -> $OUTDIR"

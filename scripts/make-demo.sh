#!/usr/bin/env bash
# shellcheck disable=SC2016  # backticks in printf formats are Markdown, not expansions
# make-demo.sh - regenerate the bundled Sauti demo project in demo/.
#
# Every file under demo/ is synthesised from the sentence list in
# scripts/demo-sentences.tsv with espeak-ng, shaped per "speaker" with sox and
# encoded to FLAC / WAV / Ogg Opus / MP3. The output is deterministic for a given
# tool set (espeak-ng, sox -R, opusenc with a fixed serial, ffmpeg -bitexact).
#
# Usage: scripts/make-demo.sh            (run from anywhere)
# Needs: espeak-ng sox libsox-fmt-all ffmpeg opus-tools perl
#   apt-get install -y espeak-ng sox libsox-fmt-all ffmpeg opus-tools
set -euo pipefail
export LC_ALL=C.UTF-8

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
SENTENCES="$SCRIPT_DIR/demo-sentences.tsv"
OUT="$REPO_ROOT/demo"
RATE=16000

for tool in espeak-ng sox soxi ffmpeg ffprobe opusenc perl awk; do
  command -v "$tool" >/dev/null 2>&1 || { echo "make-demo: missing tool: $tool" >&2; exit 1; }
done
[[ -f "$SENTENCES" ]] || { echo "make-demo: missing $SENTENCES" >&2; exit 1; }

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# ---------------------------------------------------------------------------
# Speakers. Fields (|-separated):
#   code | espeak voice+variant | espeak pitch (-p) | espeak speed (-s) |
#   sox effects | gain in dB after normalisation | age_band | gender | dialect |
#   first_language | other_languages
# The English voice used for English stretches of code-switched (hi-en) lines
# and for English sentences in the long recording is derived per speaker below.
# ---------------------------------------------------------------------------
SPEAKERS=(
  "SPK-SW-01|sw+f3|55|150|pitch 40|-1|25-34|female|Kiunguja|sw|en"
  "SPK-SW-02|sw+m2|42|145|tempo 0.96 reverb 20 50 40|-2|45-54|male|Kimvita|sw|en,ar"
  "SPK-SW-03|sw+f4|62|160|tempo 1.04 pitch -30|-1.5|35-44|female|Kiamu|sw|en"
  "SPK-HI-01|hi+f2|58|150|tempo 1.02|-1|18-24|female|Khari Boli (Delhi)|hi|en,pa"
  "SPK-HI-02|hi+m3|38|140|pitch -40 reverb 15 50 30|-2.5|35-44|male|Bambaiya (Mumbai)|hi|en,mr"
  "SPK-EN-01|en-gb+m4|45|150|tempo 0.98|-1.5|55-64|male|Southern British|en|sw"
  "SPK-EN-02|en-us+f5|60|155|pitch 30 reverb 25 50 50|-2|25-34|female|General American|en|es"
  "SPK-AM-01|am+m3|48|140|tempo 0.97|-1|25-34|male|Addis Ababa|am|en,om"
)

declare -A SPK_VOICE SPK_PITCH SPK_SPEED SPK_FX SPK_GAIN
for line in "${SPEAKERS[@]}"; do
  IFS='|' read -r code voice pitch speed fx gain _ <<<"$line"
  SPK_VOICE[$code]="$voice"; SPK_PITCH[$code]="$pitch"
  SPK_SPEED[$code]="$speed"; SPK_FX[$code]="$fx"; SPK_GAIN[$code]="$gain"
done

# English voice with the same variant as the speaker's base voice (hi+f2 -> en-us+f2).
en_voice_for() {
  local variant="${1#*+}"
  echo "en-us+$variant"
}

# shellcheck source=lib/hinglish-ssml.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/hinglish-ssml.sh"

# synth CODE LANG TEXT OUT.wav  -> 16 kHz mono 16-bit WAV, trimmed, speaker FX applied
synth() {
  local code="$1" lang="$2" text="$3" out="$4"
  local voice="${SPK_VOICE[$code]}" pitch="${SPK_PITCH[$code]}" speed="${SPK_SPEED[$code]}"
  local raw="$WORK/raw.wav"
  local -a fx
  read -r -a fx <<<"${SPK_FX[$code]}"
  case "$lang" in
    hi-en)
      espeak-ng -m -p "$pitch" -s "$speed" -w "$raw" \
        "$(hinglish_ssml "$text" "$voice" "$(en_voice_for "$voice")")" ;;
    en-in-sw)  # English sentence spoken by a non-English speaker voice
      espeak-ng -v "$(en_voice_for "$voice")" -p "$pitch" -s "$speed" -w "$raw" "$text" ;;
    *)
      espeak-ng -v "$voice" -p "$pitch" -s "$speed" -w "$raw" "$text" ;;
  esac
  # effects -> trim silence at both ends -> normalise to -3 dBFS -> speaker gain
  # -> pad 0.2 s each side -> 16 kHz
  sox -R "$raw" -b 16 -c 1 "$out" \
    "${fx[@]}" \
    silence 1 0.02 -45d reverse silence 1 0.02 -45d reverse \
    gain -n -3 gain "${SPK_GAIN[$code]}" pad 0.2 0.2 rate -v "$RATE"
}

# encode IN.wav FORMAT OUT SERIAL
encode() {
  local in="$1" fmt="$2" out="$3" serial="$4"
  case "$fmt" in
    flac) sox -R "$in" -C 8 "$out" ;;
    wav)  cp "$in" "$out" ;;
    opus) opusenc --quiet --serial "$serial" --bitrate 24 --comp 10 "$in" "$out" ;;
    mp3)  ffmpeg -nostdin -v error -y -i "$in" -map_metadata -1 -fflags +bitexact -flags:a +bitexact \
            -c:a libmp3lame -b:a 32k -ar "$RATE" -ac 1 "$out" ;;
    *) echo "make-demo: unknown format $fmt" >&2; return 1 ;;
  esac
}

duration() { ffprobe -v error -show_entries format=duration -of default=nw=1:nk=1 "$1"; }

rm -rf "$OUT"
mkdir -p "$OUT/audio"
MANIFEST="$OUT/manifest.tsv"
printf 'path\ttranscript\tspeaker\tlanguage\n' >"$MANIFEST"

# --- short utterances -------------------------------------------------------
n=0
while IFS=$'\t' read -r id code lang fmt text; do
  [[ "$id" == "id" || -z "$id" ]] && continue
  [[ -n "${SPK_VOICE[$code]:-}" ]] || { echo "make-demo: unknown speaker $code ($id)" >&2; exit 1; }
  n=$((n + 1))
  wav="$WORK/$id.wav"
  synth "$code" "$lang" "$text" "$wav"
  encode "$wav" "$fmt" "$OUT/audio/$id.$fmt" "$((1000 + n))"
  printf 'audio/%s.%s\t%s\t%s\t%s\n' "$id" "$fmt" "$text" "$code" "$lang" >>"$MANIFEST"
  printf '  %-10s %-9s %-5s %-4s %5.2fs  %s\n' "$id" "$code" "$lang" "$fmt" "$(duration "$OUT/audio/$id.$fmt")" "$text"
done <"$SENTENCES"

# --- one long, untranscribed "field recording" ------------------------------
# SPK-SW-02 narrating a market day, mostly Swahili with some English sentences,
# separated by short pauses. Deliberately has no transcript in the manifest.
LONG_CODE="SPK-SW-02"
LONG_LINES=(
  "sw|Leo ni siku ya soko katika kijiji chetu."
  "sw|Wakulima wamekuja mapema na mboga, matunda na kuku."
  "en|The first buses arrived from town at seven o'clock."
  "sw|Mama Amina anauza ndizi na machungwa karibu na mlango wa soko."
  "sw|Bei ya unga imeshuka kidogo kuliko mwezi uliopita."
  "en|Many traders say business was slow because of the heavy rain."
  "sw|Vijana wanabeba magunia ya viazi kwenda kwenye magari."
  "sw|Saa sita mchana, watu wengi wanakula chakula cha mchana."
  "en|In the afternoon the health worker checks the children's weight."
  "en|By five o'clock most of the stalls are empty again."
  "sw|Soko litafunguliwa tena Jumamosi ijayo."
  "sw|Asanteni kwa kusikiliza, kwaherini."
)
PAUSES=(0.8 1.1 0.6 0.9 1.2 0.7 1.0 0.8 0.6 0.9 1.1)
parts=()
i=0
for entry in "${LONG_LINES[@]}"; do
  lang="${entry%%|*}"; text="${entry#*|}"
  seg="$WORK/long-$(printf '%02d' "$i").wav"
  if [[ "$lang" == "en" ]]; then synth "$LONG_CODE" en-in-sw "$text" "$seg"
  else synth "$LONG_CODE" "$lang" "$text" "$seg"; fi
  parts+=("$seg")
  if (( i < ${#PAUSES[@]} )); then
    sil="$WORK/sil-$(printf '%02d' "$i").wav"
    sox -R -n -r "$RATE" -c 1 -b 16 "$sil" trim 0 "${PAUSES[$i]}"
    parts+=("$sil")
  fi
  i=$((i + 1))
done
sox -R "${parts[@]}" -C 8 "$OUT/audio/market-day-long.flac"
printf 'audio/market-day-long.flac\t\t%s\t%s\n' "$LONG_CODE" sw >>"$MANIFEST"
printf '  %-10s %-9s %-5s %-4s %5.2fs  %s\n' market-day "$LONG_CODE" sw flac \
  "$(duration "$OUT/audio/market-day-long.flac")" "(long recording, no transcript)"

# --- speakers.tsv -----------------------------------------------------------
{
  printf 'code\tage_band\tgender\tdialect\tfirst_language\tother_languages\tnotes\n'
  for line in "${SPEAKERS[@]}"; do
    IFS='|' read -r code voice pitch speed fx gain age gender dialect l1 other <<<"$line"
    note="synthetic voice: espeak-ng $voice -p $pitch -s $speed; sox: $fx gain $gain"
    case "$code" in
      SPK-HI-*) note="$note; English stretches of hi-en lines use $(en_voice_for "$voice")" ;;
      "$LONG_CODE") note="$note; English sentences in the long recording use $(en_voice_for "$voice")" ;;
    esac
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$code" "$age" "$gender" "$dialect" "$l1" "$other" "$note"
  done
} >"$OUT/speakers.tsv"

# --- README.md --------------------------------------------------------------
stats="$WORK/stats.tsv"   # language  format  duration
# (awk, not `read`: IFS=tab would merge the empty transcript field)
awk -F'\t' 'NR > 1 { print $4 "\t" $1 }' "$MANIFEST" | while IFS=$'\t' read -r lang path; do
  printf '%s\t%s\t%s\n' "$lang" "${path##*.}" "$(duration "$OUT/$path")"
done >"$stats"
lang_table="$(awk -F'\t' '
  { c[$1]++; d[$1]+=$3 }
  END { for (l in c) printf "%s\t%d\t%.1f\n", l, c[l], d[l] }' "$stats" | sort)"
fmt_table="$(awk -F'\t' '{ c[$2]++ } END { for (f in c) printf "%s\t%d\n", f, c[f] }' "$stats" | sort)"
n_short=$(( $(wc -l <"$stats") - 1 ))
short_total="$(head -n -1 "$stats" | awk -F'\t' '{ s+=$3 } END { printf "%.1f", s }')"
long_dur="$(tail -n 1 "$stats" | awk -F'\t' '{ printf "%.1f", $3 }')"
all_total="$(awk -F'\t' '{ s+=$3 } END { printf "%.1f", s }' "$stats")"
size_kb="$(du -sk "$OUT/audio" | cut -f1)"

lang_name() {
  case "$1" in
    sw) echo "Swahili" ;; hi) echo "Hindi (Devanagari)" ;; en) echo "English" ;;
    am) echo "Amharic (Ge'ez script)" ;; hi-en) echo "Hindi–English code-switched (Hinglish)" ;;
    *) echo "$1" ;;
  esac
}

{
  cat <<'EOF'
# Sauti demo project

A small, fully synthetic speech-annotation project that Sauti opens on first
start. It contains short transcribed utterances in several languages, one
longer untranscribed recording, a manifest and a speaker table, so that every
part of the workbench (import, playback of several formats, segmentation,
transcription, speaker metadata, code-switched text) can be tried without
real recordings.

Nothing here is a recording of a real person. All "speakers" are espeak-ng
voice variants with light sox processing; their metadata (age band, dialect,
other languages) is invented for demonstration.

## Contents

- `audio/` – the recordings (16 kHz mono 16-bit): mostly FLAC, plus a few
  WAV, Ogg Opus and MP3 files so that several import paths are exercised.
  (Opus always decodes at 48 kHz; the 16 kHz input rate is recorded in the
  Opus header.)
- `manifest.tsv` – tab-separated, UTF-8, header
  `path	transcript	speaker	language`; paths are relative to the manifest.
  The transcript is exactly the sentence text that was synthesised.
- `speakers.tsv` – one row per pseudonymous speaker code.
- `audio/market-day-long.flac` – a single long "field recording" (speaker
  SPK-SW-02, mostly Swahili with some English sentences, separated by short
  pauses). Its manifest row has an empty transcript on purpose: it represents
  an unsegmented recording to be segmented and transcribed in Sauti.

Code-switched lines (`hi-en`) keep English words in Latin script and Hindi
words in Devanagari, as they are usually written. They were rendered with
espeak-ng SSML, switching between the speaker's Hindi voice and a US English
voice with the same variant inside one sentence.

## Statistics

EOF
  printf -- '- Short utterances: %d, total %s s\n' "$n_short" "$short_total"
  printf -- '- Long recording: 1, %s s (no transcript)\n' "$long_dur"
  printf -- '- Total audio: %s s (about %d min), %d KB on disk\n' "$all_total" \
    "$(awk -v t="$all_total" 'BEGIN { printf "%d", t / 60 + 0.5 }')" "$size_kb"
  printf -- '- Speakers: %d\n\n' "${#SPEAKERS[@]}"
  printf '| Language | Code | Files | Duration (s) |\n|---|---|---|---|\n'
  while IFS=$'\t' read -r l c d; do
    printf '| %s | `%s` | %d | %s |\n' "$(lang_name "$l")" "$l" "$c" "$d"
  done <<<"$lang_table"
  printf '\n(The `sw` row includes the long recording.)\n\n'
  printf '| Format | Files |\n|---|---|\n'
  while IFS=$'\t' read -r f c; do printf '| %s | %d |\n' "$f" "$c"; done <<<"$fmt_table"
  cat <<'EOF'

## How it was made

Run `scripts/make-demo.sh` from the repository. It deletes `demo/` and
rebuilds it from `scripts/demo-sentences.tsv` (the sentences, speakers,
languages and output formats) and the speaker definitions inside the script:

1. espeak-ng synthesises each sentence with the speaker's voice variant,
   pitch (`-p`) and speed (`-s`); code-switched lines are passed as SSML with
   `<voice>` changes between the Hindi and English voices.
2. sox applies a little per-speaker variety (tempo, pitch shift, light reverb
   on some), trims leading/trailing silence, normalises to -3 dBFS, applies a
   small per-speaker gain (-1 to -2.5 dB), pads 0.2 s of silence at each end
   and resamples to 16 kHz mono 16-bit.
3. The result is stored as FLAC (sox), WAV, Ogg Opus (opusenc, 24 kbit/s) or
   MP3 (ffmpeg/LAME, 32 kbit/s).

The script is deterministic for a given tool set (sox runs with `-R`, opusenc
gets fixed stream serials, ffmpeg runs with `-bitexact`).
Tools: espeak-ng, sox + libsox-fmt-all, ffmpeg, opus-tools, perl.

## Licence

- The sentences were written for Sauti and are released under
  [CC0-1.0](https://creativecommons.org/publicdomain/zero/1.0/).
- The audio was synthesised with espeak-ng (a GPL-3.0 program). Audio produced
  by running the program is not a derivative work of the program; it is
  released under CC0-1.0 as well.
- The metadata files (`manifest.tsv`, `speakers.tsv`) are CC0-1.0.
EOF
} >"$OUT/README.md"

echo "make-demo: wrote $n_short utterances + 1 long recording to $OUT (${all_total} s, ${size_kb} KB audio)"

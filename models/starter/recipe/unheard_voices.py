"""Real telephone prompts by voices the starter model never heard: a zero-shot test set.

Every real voice in the starter's training also speaks its held-out test (ivr5: unseen text by
a seen voice). Debian has three more prompt sets by other speakers, recorded by other studios:

- es-co: Colombian Spanish, July E. Jiménez for Avatar Ltda. (asterisk-prompt-es-co, GSM)
- fr-armelle: French, Armelle Desjardins (asterisk-prompt-fr-armelle, GSM)
- it-menardi: Italian, Marco Menardi and Paola Dal Zot (asterisk-prompt-it-menardi-wav,
  8 kHz PCM; the -gsm and -alaw packages hold the same prompts in lossier codecs)

They ship no transcripts, but each file is named by its Asterisk prompt key, and the core-sounds
package of the same language has a transcript per key (the text the core voice read). The
pairing keeps a file when its key has exactly one transcript with words once notes in
parentheses are dropped (`reference`), when the key is not a tone (`tone_keys`), when its
spoken length fits that text (`mismatched`: another studio may have recorded other words under
the same key), and once per recording (`shared_recordings`).

Each pair is marked "seen" when its normalised text was in the starter's IVR training split
(real_data.ivr_splits; those texts were also synthetic prompts) and "unseen" otherwise.

Usage: python3 unheard_voices.py   (writes DATA/unheard/<set>/manifest.tsv, audio/ and pairs.tsv;
                                    DATA/unheard/debs is a download cache)
       python3 unheard_eval.py      (the zero-shot table)
"""
import gzip
import hashlib
import os
import re
import shutil
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import real_data  # noqa: E402
import texts  # noqa: E402
from langs import DATA  # noqa: E402

OUT = os.path.join(DATA, "unheard")
DEBS = os.path.join(OUT, "debs")
SETS = {
    "es-co": dict(lang="es", package="asterisk-prompt-es-co", speaker="es_CO_f_July",
                  sounds="usr/share/asterisk/sounds/es", ext=".gsm"),
    "fr-armelle": dict(lang="fr", package="asterisk-prompt-fr-armelle", speaker="fr_f_Armelle",
                       sounds="usr/share/asterisk/sounds/fr", ext=".gsm"),
    "it-menardi": dict(lang="it", package="asterisk-prompt-it-menardi-wav", speaker="it_IT_f_Menardi",
                       sounds="usr/share/asterisk/sounds/it_IT_f_Menardi", ext=".wav"),
}
CORE = ["es", "fr", "it"]
NOTE = re.compile(r"\([^)]*\)")
# The core voices' packages: transcripts (doc) and G.722 audio of every IVR language, since
# real_data.ivr_rows reads them all to rebuild the training split; the audio also gives each
# key's spoken length in the core voice. English, the list every translation follows, says which
# keys are tones rather than speech.
CORE_PACKAGES = [f"asterisk-core-sounds-{lang}{s}" for lang in real_data.IVR_VOICES for s in ("", "-g722")]


def fetch(packages, folder):
    """apt-get download what folder lacks; returns the packages it fetched."""
    os.makedirs(folder, exist_ok=True)
    have = os.listdir(folder)
    missing = [p for p in packages if not any(f.startswith(p + "_") for f in have)]
    if missing:
        r = subprocess.run(["apt-get", "download", *missing], cwd=folder, capture_output=True, text=True)
        if r.returncode != 0:
            subprocess.run(["apt-get", "update", "-qq"], check=True)
            subprocess.run(["apt-get", "download", *missing], cwd=folder, check=True)
    return missing


def unpack(package, folder, root, marker):
    """dpkg-deb -x the package's .deb from folder into root unless marker (a path in it) exists."""
    if not os.path.exists(os.path.join(root, marker)):
        deb = next(f for f in sorted(os.listdir(folder)) if f.startswith(package + "_"))
        subprocess.run(["dpkg-deb", "-x", os.path.join(folder, deb), root], check=True)


def download():
    """The prompt packages into DEBS/<set>; the core-sounds ones into real_data's cache; the core
    voices' GSM prompts (the unseen-text control on the same 8 kHz codec) into DEBS/core-gsm."""
    fetch([s["package"] for s in SETS.values()] + [f"asterisk-core-sounds-{lang}-gsm" for lang in CORE], DEBS)
    for name, s in SETS.items():
        unpack(s["package"], DEBS, os.path.join(DEBS, name), s["sounds"])
    for lang in CORE:
        voice = real_data.IVR_VOICES[lang]
        unpack(f"asterisk-core-sounds-{lang}-gsm", DEBS, os.path.join(DEBS, "core-gsm"),
               f"usr/share/asterisk/sounds/{voice}/vm-intro.gsm")
    fetch(CORE_PACKAGES, real_data.DEBS)
    for lang, voice in real_data.IVR_VOICES.items():
        unpack(f"asterisk-core-sounds-{lang}", real_data.DEBS, real_data.ROOT,
               f"usr/share/doc/asterisk-core-sounds-{lang}/core-sounds-{lang}.txt.gz")
        unpack(f"asterisk-core-sounds-{lang}-g722", real_data.DEBS, real_data.ROOT,
               f"usr/share/asterisk/sounds/{voice}/vm-intro.g722")


def parse_transcripts(lines):
    """core-sounds-<lang>.txt lines ("key: text", ";" comments) -> {key: text}. A key listed
    twice with different texts (es has "digits/0: cero" and "digits/0: diez") maps to None:
    nothing says which one the file holds."""
    out = {}
    for line in lines:
        line = line.strip()
        if not line or line.startswith(";") or ":" not in line:
            continue
        key, text = (s.strip() for s in line.split(":", 1))
        if not text:
            continue
        out[key] = text if out.get(key, text) == text else None
    return out


def core_transcripts(lang):
    path = os.path.join(real_data.ROOT, f"usr/share/doc/asterisk-core-sounds-{lang}/core-sounds-{lang}.txt.gz")
    with gzip.open(path, "rt", encoding="utf-8-sig") as f:
        return parse_transcripts(f)


def sound_files(folder, ext):
    """{prompt key: path} for every file with this extension under folder ("digits/1" for
    digits/1.gsm); symbolic links to folders are not followed, so nothing is counted twice."""
    out = {}
    for d, _, files in os.walk(folder):
        for f in sorted(files):
            if f.endswith(ext):
                rel = os.path.relpath(os.path.join(d, f), folder)
                out[rel[:-len(ext)].replace(os.sep, "/")] = os.path.join(d, f)
    return out


def seen_texts():
    """{lang: normalised texts of the starter's IVR training split}."""
    rows = real_data.ivr_rows()
    real_data.assign_splits(rows)
    out = {}
    for r in rows:
        if r["split"] == "train" and r["norm"]:
            out.setdefault(r["lang"], set()).add(r["norm"])
    return out


def reference(text, lang):
    """The transcript as scored: parenthesised notes dropped, then texts.normalise. In these
    transcripts "(...)" holds what is not read: stage directions ("(beep)", "(in inglese)"), a
    translator's doubt, "(10 secondi di silenzio)" for a silence file."""
    return texts.normalise(NOTE.sub(" ", text), lang)


def tone_keys(english):
    """Keys whose English transcript has no words ("[this is a simple beep tone]"): tones in every
    language, whatever a translation writes (Italian has "beep: un suono beep")."""
    return {k for k, t in english.items() if t is None or reference(t, "en") is None}


def pair(sounds, transcripts, lang, seen, tones=frozenset()):
    """One row per sound file: its key, path, transcript, reference text (`reference`), status
    ("paired", "no transcript", "ambiguous transcript", "no speech in transcript", which tones
    get too) and, when paired, text: "seen" when the transcript normalised as the starter's
    training normalised it is in `seen`, else "unseen"."""
    rows = []
    for key, path in sorted(sounds.items()):
        r = dict(key=key, path=path, text=None, norm=None, status="paired", text_split=None)
        if key not in transcripts:
            r["status"] = "no transcript"
        elif transcripts[key] is None:
            r["status"] = "ambiguous transcript"
        else:
            r["text"] = transcripts[key]
            r["norm"] = reference(r["text"], lang)
            if r["norm"] is None or key in tones:
                r["status"] = "no speech in transcript"
            else:
                r["text_split"] = "seen" if texts.normalise(r["text"], lang) in seen else "unseen"
        rows.append(r)
    return rows


def decode(path):
    """A prompt file (raw GSM 06.10, WAV, G.722) -> 16 kHz mono int16."""
    args = ["ffmpeg", "-nostdin", "-loglevel", "error"]
    if path.endswith(".gsm"):
        args += ["-f", "gsm"]
    elif path.endswith(".g722"):
        args += ["-f", "g722"]
    args += ["-i", path, "-ac", "1", "-ar", "16000", "-f", "s16le", "-"]
    return np.frombuffer(subprocess.run(args, capture_output=True, check=True).stdout, dtype="<i2").copy()


def speech_seconds(audio, rate=16000, floor_db=35.0):
    """Seconds from the first to the last 20 ms frame within floor_db of the loudest one: the
    spoken length without the leading and trailing silence, which differs between studios."""
    n = len(audio) // (rate // 50)
    if n == 0:
        return 0.0
    frames = audio[:n * (rate // 50)].astype(np.float64).reshape(n, -1)
    db = 10 * np.log10(np.mean(frames ** 2, axis=1) + 1e-9)
    on = np.flatnonzero(db > db.max() - floor_db)
    return (on[-1] - on[0] + 1) / 50


# A recording is taken for other words than its transcript when its spoken length is off by more
# than this factor from what the text predicts AND by more than MIN_GAP_S seconds; the second
# condition keeps single words, whose trimmed length is mostly onsets and breath, from being
# dropped on noise.
MAX_RATIO = 2.0
MIN_GAP_S = 1.0


def expected_seconds(rows):
    """Each paired row's expected spoken length: the core voice's spoken length of the same key
    times this voice's median tempo against the core voice; for keys the core voice did not
    record, the text's length at this voice's median characters per second."""
    tempo = [r["speech_s"] / r["core_speech_s"] for r in rows if r.get("core_speech_s") and r["speech_s"]]
    rate = [len(r["norm"]) / r["speech_s"] for r in rows if r["speech_s"]]
    t, c = float(np.median(tempo)) if tempo else 1.0, float(np.median(rate)) if rate else 15.0
    for r in rows:
        r["expected_s"] = r["core_speech_s"] * t if r.get("core_speech_s") else len(r["norm"]) / c
    return t, c


def mismatched(row):
    """True when the recording cannot hold the transcript's words (see MAX_RATIO)."""
    got, want = row["speech_s"], row["expected_s"]
    off = max(got, 1e-3) / max(want, 1e-3)
    return (off > MAX_RATIO or off < 1 / MAX_RATIO) and abs(got - want) > MIN_GAP_S


def shared_recordings(rows):
    """Marks rows whose audio is byte for byte another key's ("digest"): with the same reference
    all but the first are "same recording as another key" (a test counts it once; `sauti import`
    would merge them); with different references all are "one recording for keys with other
    words", since at most one transcript can be right (es-co has vm-forward and
    vm-forwardoptions, two menus, as one file)."""
    by = {}
    for r in rows:
        by.setdefault(r["digest"], []).append(r)
    for group in by.values():
        if len(group) < 2:
            continue
        if len({r["norm"] for r in group}) > 1:
            for r in group:
                r["status"] = "one recording for keys with other words"
        else:
            for r in group[1:]:
                r["status"] = "same recording as another key"


def core_audio(lang, key):
    path = os.path.join(real_data.ROOT, "usr/share/asterisk/sounds", real_data.IVR_VOICES[lang], key + ".g722")
    return path if os.path.exists(path) else None


def core_split(lang):
    """{key: the core voice's split of that key} (train, dev, test, dropped-duplicate)."""
    rows = real_data.ivr_rows()
    real_data.assign_splits(rows)
    prefix = os.path.join(real_data.ROOT, "usr/share/asterisk/sounds", real_data.IVR_VOICES[lang]) + os.sep
    return {r["path"][len(prefix):-len(".g722")]: r["split"] for r in rows if r["lang"] == lang}


def write_flac(audio, path):
    subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-f", "s16le", "-ar", "16000", "-ac", "1",
                    "-i", "-", path], input=audio.astype("<i2").tobytes(), check=True)


def build(name, seen, tones):
    """Pairs, measures and writes one set: OUT/<name>/manifest.tsv (the kept pairs, for
    `sauti import`), audio/<key>.flac and pairs.tsv (every file, what became of it)."""
    s = SETS[name]
    rows = pair(sound_files(os.path.join(DEBS, name, s["sounds"]), s["ext"]), core_transcripts(s["lang"]),
                s["lang"], seen.get(s["lang"], set()), tones)
    splits = core_split(s["lang"])
    paired = [r for r in rows if r["status"] == "paired"]
    for r in paired:
        r["audio"] = decode(r["path"])
        r["digest"] = hashlib.sha1(r["audio"].tobytes()).hexdigest()
        r["speech_s"] = speech_seconds(r["audio"])
        core = core_audio(s["lang"], r["key"])
        r["core_speech_s"] = speech_seconds(decode(core)) if core else None
        r["core_split"] = splits.get(r["key"], "none")
    tempo, rate = expected_seconds(paired)
    for r in paired:
        if mismatched(r):
            r["status"] = "length does not fit the text"
    shared_recordings([r for r in paired if r["status"] == "paired"])
    folder = os.path.join(OUT, name)
    # `sauti import` of the folder would take any other audio file in it as an unlabelled clip.
    shutil.rmtree(os.path.join(folder, "audio"), ignore_errors=True)
    os.makedirs(os.path.join(folder, "audio"))
    with open(os.path.join(folder, "manifest.tsv"), "w", encoding="utf-8") as man, \
            open(os.path.join(folder, "pairs.tsv"), "w", encoding="utf-8") as log:
        man.write("path\ttranscript\tspeaker\tlanguage\n")
        log.write("key\tstatus\ttext\tcore_split\tseconds\tspeech_s\texpected_s\tpath\n")
        for r in rows:
            dst = ""
            if r["status"] == "paired":
                dst = f"audio/{r['key'].replace('/', '_')}.flac"
                write_flac(r["audio"], os.path.join(folder, dst))
                man.write(f"{dst}\t{' '.join(NOTE.sub(' ', r['text']).split())}\t{s['speaker']}\t{s['lang']}\n")
            seconds = f"{len(r['audio']) / 16000:.2f}" if "audio" in r else ""
            nums = [f"{r[k]:.2f}" if r.get(k) is not None else "" for k in ("speech_s", "expected_s")]
            log.write("\t".join([r["key"], r["status"], r["text_split"] or "", r.get("core_split", ""), seconds,
                                 *nums, dst]) + "\n")
    kept = [r for r in rows if r["status"] == "paired"]
    counts = {}
    for r in rows:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    minutes = sum(len(r["audio"]) for r in kept) / 16000 / 60
    print(f"{name}: {len(rows)} files; {counts}; kept {len(kept)} ({minutes:.1f} min: "
          f"{sum(r['text_split'] == 'seen' for r in kept)} seen text, "
          f"{sum(r['text_split'] == 'unseen' for r in kept)} unseen); tempo {tempo:.2f} x the core voice, "
          f"{rate:.1f} characters/s", flush=True)


def main():
    download()
    seen = seen_texts()
    tones = tone_keys(core_transcripts("en"))
    for name in SETS:
        build(name, seen, tones)


if __name__ == "__main__":
    main()

"""Real speech from Debian packages, decoded to 16 kHz mono int16, with fixed splits.

- fillets: the game Fish Fillets NG, acted dialogue. Dutch (fillets-ng-data-nl), Czech
  (fillets-ng-data-cs) and the few English lines (fillets-ng-data). Two main voices (the
  fish, "m" and "v") speak in every level; every other character speaks in one level only.
- ivr5: Asterisk's telephone prompts (asterisk-core-sounds-{en,es,fr,it,ru}, G.722),
  one professional voice per language.

Splits are fixed here, not drawn, so every run and every later session evaluates on the same
utterances. Fillets: whole levels are held out (TEST_LEVELS for the zero-shot test, DEV_LEVELS
for choosing checkpoints), in every language, audio and script alike, so their minor characters
are never heard in training and their lines never appear in synthetic prompts either. IVR:
whole prompt groups (the key's first word: "vm", "conf", "agent"...) are held out per language,
and a training prompt whose normalised text equals a held-out one is dropped.

Usage: python3 real_data.py   (writes DATA/real/{fillets,ivr5}.npz; DATA/debs is a cache)
       python3 real_data.py splits MANIFEST.tsv   (the same splits for a real-speech.sh manifest)
"""
import hashlib
import json
import os
import subprocess
import sys
from multiprocessing import Pool

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import texts  # noqa: E402
from langs import DATA  # noqa: E402

DEBS = os.path.join(DATA, "debs")
ROOT = os.path.join(DEBS, "root")
FILLETS = os.path.join(ROOT, "usr/share/games/fillets-ng")
FILLETS_LANGS = ["nl", "cs", "en"]
IVR_VOICES = {"en": "en_US_f_Allison", "es": "es_MX_f_Allison", "fr": "fr_CA_f_June",
              "it": "it_IT_m_Carlo", "ru": "ru_RU_f_IvrvoiceRU"}
PACKAGES = (["fillets-ng-data", "fillets-ng-data-nl", "fillets-ng-data-cs"]
            + [f"asterisk-core-sounds-{lang}" for lang in IVR_VOICES]
            + [f"asterisk-core-sounds-{lang}-g722" for lang in IVR_VOICES])

# Chosen once by choose_levels() (sha1 order among the 10 levels with Dutch minor characters),
# then written down so that they never move: 13 minor roles in test, 5 in dev.
TEST_LEVELS = ["briefcase", "hanoi", "hole", "keys"]
DEV_LEVELS = ["fdto", "key", "rush"]
IVR_TEST_SHARE = 0.12
IVR_DEV_SHARE = 0.05


def download():
    os.makedirs(DEBS, exist_ok=True)
    missing = [p for p in PACKAGES if not any(f.startswith(p + "_") for f in os.listdir(DEBS))]
    if missing:
        r = subprocess.run(["apt-get", "download", *missing], cwd=DEBS, capture_output=True, text=True)
        if r.returncode != 0:
            subprocess.run(["apt-get", "update", "-qq"], check=True)
            subprocess.run(["apt-get", "download", *missing], cwd=DEBS, check=True)
    if not os.path.isdir(FILLETS):
        for f in sorted(os.listdir(DEBS)):
            if f.endswith(".deb"):
                subprocess.run(["dpkg-deb", "-x", os.path.join(DEBS, f), ROOT], check=True)


def decode(path):
    """Any file ffmpeg reads (Ogg Vorbis, G.722) -> 16 kHz mono int16."""
    args = ["ffmpeg", "-nostdin", "-loglevel", "error"]
    if path.endswith(".g722"):
        args += ["-f", "g722"]
    args += ["-i", path, "-ac", "1", "-ar", "16000", "-f", "s16le", "-"]
    out = subprocess.run(args, capture_output=True, check=True).stdout
    return np.frombuffer(out, dtype="<i2").copy()


def _h(s):
    return hashlib.sha1(s.encode()).hexdigest()


def fillets_rows():
    rows = []
    script = os.path.join(FILLETS, "script")
    for level in sorted(os.listdir(os.path.join(FILLETS, "sound"))):
        for lang in FILLETS_LANGS:
            sounds = os.path.join(FILLETS, "sound", level, lang)
            if not os.path.isdir(sounds):
                continue
            lines = texts.fillets_dialogs(script, level, lang)
            for name in sorted(os.listdir(sounds)):
                uid = name[:-4]
                if not name.endswith(".ogg") or uid not in lines:
                    continue
                parts = uid.split("-")
                role = parts[1] if len(parts) > 2 else "x"
                speaker = (f"fillets-{lang}-{role}" if role in ("m", "v")
                           else f"fillets-{lang}-{level}-{role}")
                rows.append(dict(id=f"fillets-{lang}-{level}-{uid}", set="fillets", lang=lang,
                                 speaker=speaker, group=level, text=lines[uid],
                                 path=os.path.join(sounds, name)))
    return rows


def choose_levels(rows, test_minor=10, dev_minor=4):
    """Levels in sha1 order, taken while they add Dutch minor characters: the first ones to
    reach test_minor speakers form the test set, the next dev_minor the dev set."""
    minor = {}
    for r in rows:
        if r["lang"] == "nl" and not r["speaker"].endswith(("-m", "-v")):
            minor.setdefault(r["group"], set()).add(r["speaker"])
    test, dev, n_test, n_dev = [], [], 0, 0
    for level in sorted(minor, key=_h):
        if n_test < test_minor:
            test.append(level)
            n_test += len(minor[level])
        elif n_dev < dev_minor:
            dev.append(level)
            n_dev += len(minor[level])
    return sorted(test), sorted(dev)


def ivr_rows():
    import gzip
    rows = []
    for lang, voice in IVR_VOICES.items():
        txt = os.path.join(ROOT, f"usr/share/doc/asterisk-core-sounds-{lang}/core-sounds-{lang}.txt.gz")
        for line in gzip.open(txt, "rt", encoding="utf-8-sig"):
            line = line.strip()
            if not line or line.startswith(";") or ":" not in line:
                continue
            key, text = (s.strip() for s in line.split(":", 1))
            src = os.path.join(ROOT, f"usr/share/asterisk/sounds/{voice}/{key}.g722")
            if not text or not os.path.exists(src):
                continue
            group = key.replace("/", "-").replace("_", "-").split("-")[0]
            rows.append(dict(id=f"ivr5-{lang}-{key.replace('/', '_')}", set="ivr5", lang=lang,
                             speaker=voice, group=group, text=text, path=src))
    return rows


def ivr_splits(rows):
    """Per language, whole prompt groups in sha1 order: test until IVR_TEST_SHARE of the
    language's utterances, then dev until IVR_DEV_SHARE more."""
    split = {}
    for lang in IVR_VOICES:
        mine = [r for r in rows if r["lang"] == lang]
        sizes = {}
        for r in mine:
            sizes[r["group"]] = sizes.get(r["group"], 0) + 1
        n = len(mine)
        n_test = n_dev = 0
        for g in sorted(sizes, key=lambda g: _h(lang + "/" + g)):
            if n_test < IVR_TEST_SHARE * n and n_test + sizes[g] <= 2 * IVR_TEST_SHARE * n:
                split[(lang, g)] = "test"
                n_test += sizes[g]
            elif n_dev < IVR_DEV_SHARE * n and n_dev + sizes[g] <= 2 * IVR_DEV_SHARE * n:
                split[(lang, g)] = "dev"
                n_dev += sizes[g]
    return split


def assign_splits(rows):
    fill = [r for r in rows if r["set"] == "fillets"]
    test_levels, dev_levels = (TEST_LEVELS, DEV_LEVELS) if TEST_LEVELS else choose_levels(fill)
    ivr = ivr_splits([r for r in rows if r["set"] == "ivr5"])
    for r in rows:
        if r["set"] == "fillets":
            r["split"] = ("test" if r["group"] in test_levels else
                          "dev" if r["group"] in dev_levels else "train")
        else:
            r["split"] = ivr.get((r["lang"], r["group"]), "train")
        r["norm"] = texts.normalise(r["text"], r["lang"])
    held = {(r["lang"], r["norm"]) for r in rows if r["split"] != "train"}
    for r in rows:
        if r["split"] == "train" and (r["lang"], r["norm"]) in held:
            r["split"] = "dropped-duplicate"
    return dict(fillets_test_levels=test_levels, fillets_dev_levels=dev_levels)


def write(name, rows):
    out = os.path.join(DATA, "real", f"{name}.npz")
    if os.path.exists(out):
        return
    with Pool(2) as pool:
        audio = pool.map(decode, [r["path"] for r in rows], chunksize=16)
    keep = [i for i, a in enumerate(audio) if len(a) > 1600]        # two files are empty
    meta = [{k: rows[i][k] for k in ("id", "set", "lang", "speaker", "group", "text", "norm", "split")}
            for i in keep]
    lens = np.array([len(audio[i]) for i in keep])
    os.makedirs(os.path.dirname(out), exist_ok=True)
    tmp = out + ".tmp.npz"
    np.savez(tmp, audio=np.concatenate([audio[i] for i in keep]), lens=lens,
             meta=np.array(json.dumps(meta, ensure_ascii=False)))
    os.replace(tmp, out)
    by = {}
    for m, n in zip(meta, lens):
        k = (m["lang"], m["split"])
        by[k] = by.get(k, 0) + n / 16000 / 60
    print(name, len(meta), "utterances;", ", ".join(f"{l}/{s} {v:.1f} min" for (l, s), v in sorted(by.items())),
          flush=True)


def manifest_splits(manifest):
    """The recipe's split of each row of a corpus manifest made by the team's real-speech.sh
    (audio/<level>-<name>.ogg for Fish Fillets, audio/<lang>-<key>.flac for IVR), so a
    benchmark can hold out exactly what the starter model never trained on."""
    import csv
    with open(manifest, encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    out = []
    for r in rows:
        name = os.path.basename(r["path"]).rsplit(".", 1)[0]
        if r["path"].endswith(".ogg"):
            level = name.split("-")[0]
            out.append(dict(path=r["path"], set="fillets", lang=r["language"], group=level, text=r["transcript"]))
        else:
            key = name.split("-", 1)[1]
            group = key.replace("_", "-").split("-")[0]
            out.append(dict(path=r["path"], set="ivr5", lang=r["language"], group=group, text=r["transcript"]))
    assign_splits(out)
    return [(r["path"], r["split"]) for r in out]


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "splits":
        for path, split in manifest_splits(sys.argv[2]):
            print(f"{path}\t{split}")
        return
    download()
    rows = fillets_rows() + ivr_rows()
    info = assign_splits(rows)
    print(json.dumps(info))
    with open(os.path.join(DATA, "real-splits.json"), "w") as f:
        json.dump(info, f, indent=1)
    write("fillets", [r for r in rows if r["set"] == "fillets"])
    write("ivr5", [r for r in rows if r["set"] == "ivr5"])


if __name__ == "__main__":
    main()

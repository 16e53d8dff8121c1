"""Text side of the recipe: word lists -> prompts, espeak-ng IPA -> phone tokens,
orthography -> character tokens, vocabularies and CTC targets.

Kept free of torch so the data generator and the tests stay light.
"""
import re
import subprocess
import unicodedata

WORD_DELIM = "|"
BLANK = "<blank>"
UNK = "<unk>"

# espeak-ng marks primary/secondary stress with these; stress is not what an acoustic
# unit inventory should predict from 20 ms frames, so we drop it. Length (ː) is kept as
# part of the phone because it is phonemic in many of the languages (fi, et, hu, ar...).
_STRESS = str.maketrans("", "", "ˈˌ")
# espeak-ng inserts "(en)" ... "(fr)" when it switches to another language's rules for a
# loanword; those markers are not sounds.
_LANG_SWITCH = re.compile(r"\([a-z\-]+\)")


def read_wordlist(path, encoding="utf-8"):
    """Words from a /usr/share/dict list or a hunspell .dic (affix flags stripped)."""
    words = []
    with open(path, "rb") as f:
        raw = f.read()
    text = raw.decode(encoding, errors="ignore")
    lines = text.splitlines()
    if path.endswith(".dic") and lines and lines[0].strip().isdigit():
        lines = lines[1:]  # hunspell header: entry count
    for line in lines:
        w = line.split("/")[0].split("\t")[0].split(" ")[0].strip()
        if w:
            words.append(w)
    return words


def hunspell_encoding(dic_path):
    """hunspell .dic files are in the charset declared by 'SET' in the matching .aff."""
    aff = dic_path[:-4] + ".aff"
    try:
        with open(aff, "rb") as f:
            for line in f:
                if line.startswith(b"SET "):
                    enc = line.split()[1].decode("ascii").lower()
                    return {"microsoft-cp1251": "cp1251"}.get(enc, enc)
    except OSError:
        pass
    return "utf-8"


def clean_words(words, max_len=12):
    """Keep plain lowercase-ish words: letters (and marks, for abugidas) only.

    Capitalised entries are mostly proper nouns and abbreviations whose espeak-ng
    pronunciation is unreliable, so we drop them for cased scripts.
    """
    out = []
    for w in words:
        w = unicodedata.normalize("NFC", w)
        if not (2 <= len(w) <= max_len):
            continue
        if not all(unicodedata.category(c)[0] in "LM" for c in w):
            continue
        if w.lower() != w:  # proper noun / acronym in a cased script
            continue
        out.append(w)
    return sorted(set(out))


def ipa_to_phones(ipa_output):
    """espeak-ng `--ipa --sep=_` output -> list of words, each a list of phone tokens."""
    text = _LANG_SWITCH.sub("", ipa_output).translate(_STRESS)
    words = []
    for word in text.split():
        phones = [p for p in word.replace("-", "_").split("_") if p]
        if phones:
            words.append(phones)
    return words


def phones_with_delims(words):
    """Flatten words into one token sequence with the word delimiter between words."""
    seq = []
    for i, w in enumerate(words):
        if i:
            seq.append(WORD_DELIM)
        seq.extend(w)
    return seq


def text_to_chars(text):
    """Orthographic targets: lowercase NFC characters, '|' between words."""
    text = unicodedata.normalize("NFC", text.lower())
    text = re.sub(r"[^\w' ]+", " ", text)  # punctuation carries no sound
    return list(WORD_DELIM.join(text.split()))


def espeak_ipa(text, voice):
    """Phone tokens for `text` as espeak-ng would speak it with `voice` (no audio)."""
    out = subprocess.run(["espeak-ng", "-q", "-v", voice, "--ipa", "--sep=_", text],
                         capture_output=True, text=True, check=True).stdout
    return ipa_to_phones(out)


def build_vocab(token_seqs, min_count=1):
    """Blank at index 0 (CTC convention most exports use), then '|', then units by
    descending frequency; <unk> last so unseen units in new languages map somewhere."""
    counts = {}
    for seq in token_seqs:
        for t in seq:
            if t != WORD_DELIM:
                counts[t] = counts.get(t, 0) + 1
    units = sorted((t for t, c in counts.items() if c >= min_count),
                   key=lambda t: (-counts[t], t))
    return [BLANK, WORD_DELIM] + units + [UNK]


def encode(seq, vocab_index):
    unk = vocab_index[UNK]
    return [vocab_index.get(t, unk) for t in seq]


def ctc_greedy(ids, blank=0):
    """Greedy CTC: collapse repeats, then drop blanks."""
    out, prev = [], None
    for i in ids:
        if i != prev and i != blank:
            out.append(i)
        prev = i
    return out


def edit_distance(a, b):
    prev = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, y in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x != y))
        prev = cur
    return prev[-1]

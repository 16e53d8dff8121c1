"""Text for the starter model: transcript normalisation (the targets and the scoring use the
same one) and prompt text for the synthesizers (real sentences first, word lists last).

Normalisation, in order: NFC; bracketed non-speech like "[beep]" removed; numbers written
out in words with num2words (Debian python3-num2words) in the utterance's language; lowercase;
every character that is not a letter, a combining mark or an in-word apostrophe becomes a
space; spaces collapsed. A transcript with digits in a language num2words does not know
is unusable (returns None) rather than trained on with digits the speaker never said.
"""
import glob
import os
import re
import subprocess
import unicodedata

import textutil as T

_BRACKETS = re.compile(r"\[[^\]]*\]|<[^>]*>")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_NUM2WORDS_LANG = {"en": "en", "es": "es", "fr": "fr", "it": "it", "ru": "ru", "nl": "nl",
                   "de": "de", "pt": "pt", "pl": "pl", "cs": "cz", "sk": "sk", "uk": "uk",
                   "da": "dk", "nb": "no", "sv": "sv", "fi": "fi", "lt": "lt", "lv": "lv",
                   "ro": "ro", "sl": "sl", "tr": "tr", "hu": "hu", "id": "id", "ca": "ca",
                   "he": "he", "ar": "ar", "kk": "kz", "te": "te", "eo": "eo", "vi": "vi"}


def _say_number(match, lang):
    from num2words import num2words
    code = _NUM2WORDS_LANG.get(lang)
    if code is None:
        raise ValueError(f"no number words for {lang}")
    s = match.group(0).replace(",", ".")
    value = float(s) if "." in s else int(s)
    try:
        return " " + num2words(value, lang=code) + " "
    except (NotImplementedError, OverflowError) as e:
        raise ValueError(str(e)) from e


def normalise(text, lang):
    """Transcript -> the form the character head writes and CER is computed on, or None."""
    text = unicodedata.normalize("NFC", _BRACKETS.sub(" ", text))
    try:
        text = _NUMBER.sub(lambda m: _say_number(m, lang), text)
    except ValueError:
        return None
    text = text.lower().replace("’", "'").replace("`", "'")
    out = []
    for i, c in enumerate(text):
        cat = unicodedata.category(c)
        if cat[0] in "LM":
            out.append(c)
        elif c == "'" and 0 < i < len(text) - 1 and text[i - 1].isalpha() and text[i + 1].isalpha():
            out.append(c)
        else:
            out.append(" ")
    norm = " ".join("".join(out).split())
    return norm or None


def chars(norm):
    """Character targets: the normalised text with '|' between words."""
    return list(norm.replace(" ", T.WORD_DELIM))


# --------------------------------------------------------------------------------------
# Prompt text

def _sentences(block):
    block = " ".join(block.split())
    # A sentence ends at . ! ? … followed by a space and a capital or a quote.
    parts = re.split(r"(?<=[.!?…])\s+(?=[\"«„“(]?[^\W\d_])", block)
    return [p.strip(" -–—") for p in parts if p.strip()]


_SCRIPT_NAMES = {"Latin": "LATIN", "Cyrillic": "CYRILLIC", "Greek": "GREEK",
                 "Devanagari": "DEVANAGARI", "Telugu": "TELUGU", "Arabic": "ARABIC",
                 "Hebrew": "HEBREW", "Ethiopic": "ETHIOPIC", "Bengali": "BENGALI",
                 "Gujarati": "GUJARATI", "Malayalam": "MALAYALAM", "Hangul": "HANGUL"}


def in_script(text, script):
    """Every letter of text is of the given script (names as in langs.LANGS)."""
    want = _SCRIPT_NAMES[script]
    for c in text:
        if unicodedata.category(c)[0] == "L" and not unicodedata.name(c, "").startswith(want):
            return False
    return True


def usable_sentence(s, lang, script="Latin", min_words=2, max_words=22):
    """A sentence worth synthesising: speakable text in the language's script."""
    if any(unicodedata.category(c) in ("Cc", "Co", "Cs") for c in s):
        return None
    if not in_script(s, script):
        return None
    if re.search(r"https?:|www\.|@|\\|\{|\}|\||_|=|<|>|\t", s):
        return None
    norm = normalise(s, lang)
    if norm is None:
        return None
    n = len(norm.split())
    if not (min_words <= n <= max_words):
        return None
    letters = sum(1 for c in s if c.isalpha())
    if letters < 0.6 * len(s.replace(" ", "")):     # ASCII art, tables, code
        return None
    return s


def fortune_sentences(lang, sources, root, script="Latin"):
    out = []
    for pattern in sources:
        for path in sorted(glob.glob(os.path.join(root, pattern))):
            if path.endswith((".dat", ".u8")) or os.path.isdir(path) or "/off/" in path:
                continue
            try:
                with open(path, encoding="utf-8") as f:
                    raw = f.read()
            except (UnicodeDecodeError, OSError):
                continue
            for cookie in raw.split("\n%\n"):
                # attribution lines ("-- Mark Twain") are not sentences of the text
                body = "\n".join(line for line in cookie.splitlines()
                                 if not line.strip().startswith(("--", "—", "―")))
                for s in _sentences(body):
                    if usable_sentence(s, lang, script):
                        out.append(s)
    return sorted(set(out))


_DIALOG = re.compile(
    r'dialogId\("([^"]+)",\s*"[^"]*",\s*"((?:[^"\\]|\\.)*)"\)\s*(?:dialogStr\("((?:[^"\\]|\\.)*)"\))?',
    re.S)


def fillets_dialogs(script_dir, level, lang):
    """{dialog id: text} of one level of Fish Fillets in one language. English lines are
    the dialogId's own text; other languages are in dialogStr."""
    path = os.path.join(script_dir, level, f"dialogs_{lang}.lua")
    if not os.path.exists(path):
        return {}
    with open(path, encoding="utf-8") as f:
        src = f.read()
    out = {}
    for m in _DIALOG.finditer(src):
        text = m.group(3) if m.group(3) is not None else m.group(2)
        if lang != "en" and m.group(3) is None:
            continue
        text = text.replace('\\"', '"').strip()
        if text:
            out[m.group(1)] = text
    return out


def word_source(spec):
    """Words from a word list: a path glob, 'aspell:<lang>' or 'dictd:<index file>'."""
    if spec.startswith("aspell:"):
        res = subprocess.run(["aspell", "-d", spec[7:], "dump", "master"], capture_output=True,
                             text=True, check=True)
        return [w.split("/")[0] for w in res.stdout.split()]
    if spec.startswith("dictd:"):
        with open(spec[6:], encoding="utf-8", errors="ignore") as f:
            return [line.split("\t")[0] for line in f if not line.startswith("00")]
    words = []
    for path in sorted(glob.glob(spec)):
        enc = T.hunspell_encoding(path) if path.endswith(".dic") else "utf-8"
        words += T.read_wordlist(path, enc)
    return words

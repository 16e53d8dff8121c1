"""Languages, synthesizers and text sources for the starter model (v2).

Each espeak-ng language: ISO code -> (espeak-ng voice, word-list globs, family, script).
Word lists are the fallback text for prompts; real sentences (fortunes, the game script of
Fish Fillets, IVR prompt lists) are preferred where Debian has them (see texts.py).
"""
import os

# Where the recipe keeps downloads, generated audio and runs. A folder outside the work tree
# survives a fresh checkout, so a long training can resume in a later session.
DATA = os.environ.get("SAUTI_RECIPE_DATA") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), ".data")

# (voice, sources, family, script)
LANGS = {
    "en": ("en-us", ["/usr/share/dict/american-english"], "Germanic", "Latin"),
    "de": ("de", ["/usr/share/dict/ngerman"], "Germanic", "Latin"),
    "nl": ("nl", ["/usr/share/dict/dutch"], "Germanic", "Latin"),
    "sv": ("sv", ["/usr/share/dict/swedish"], "Germanic", "Latin"),
    "da": ("da", ["/usr/share/dict/danish"], "Germanic", "Latin"),
    "nb": ("nb", ["/usr/share/dict/bokmaal"], "Germanic", "Latin"),
    "is": ("is", ["/usr/share/hunspell/is_IS.dic"], "Germanic", "Latin"),
    "af": ("af", ["/usr/share/hunspell/af_ZA.dic"], "Germanic", "Latin"),
    "fr": ("fr-fr", ["/usr/share/dict/french"], "Romance", "Latin"),
    "es": ("es", ["/usr/share/dict/spanish"], "Romance", "Latin"),
    "it": ("it", ["/usr/share/dict/italian"], "Romance", "Latin"),
    "pt": ("pt", ["/usr/share/dict/portuguese"], "Romance", "Latin"),
    "ca": ("ca", ["/usr/share/dict/catalan"], "Romance", "Latin"),
    "ro": ("ro", ["/usr/share/hunspell/ro_RO.dic"], "Romance", "Latin"),
    "pl": ("pl", ["/usr/share/dict/polish"], "Slavic", "Latin"),
    "cs": ("cs", ["/usr/share/hunspell/cs_CZ.dic"], "Slavic", "Latin"),
    "sk": ("sk", ["/usr/share/hunspell/sk_SK.dic"], "Slavic", "Latin"),
    "sl": ("sl", ["/usr/share/hunspell/sl_SI.dic"], "Slavic", "Latin"),
    "hr": ("hr", ["/usr/share/hunspell/hr_HR.dic"], "Slavic", "Latin"),
    "ru": ("ru", ["/usr/share/hunspell/ru_RU.dic"], "Slavic", "Cyrillic"),
    "uk": ("uk", ["/usr/share/dict/ukrainian"], "Slavic", "Cyrillic"),
    "bg": ("bg", ["/usr/share/dict/bulgarian"], "Slavic", "Cyrillic"),
    "lt": ("lt", ["/usr/share/hunspell/lt_LT.dic"], "Baltic", "Latin"),
    "lv": ("lv", ["/usr/share/hunspell/lv_LV.dic"], "Baltic", "Latin"),
    "ga": ("ga", ["/usr/share/dict/irish"], "Celtic", "Latin"),
    "el": ("el", ["/usr/share/hunspell/el_GR.dic"], "Hellenic", "Greek"),
    "et": ("et", ["/usr/share/hunspell/et_EE.dic"], "Uralic (Finnic)", "Latin"),
    "eu": ("eu", ["/usr/share/hunspell/eu.dic"], "Basque (isolate)", "Latin"),
    "eo": ("eo", ["/usr/share/dict/esperanto"], "Constructed", "Latin"),
    "ar": ("ar", ["/usr/share/hunspell/ar.dic"], "Semitic", "Arabic"),
    "he": ("he", ["/usr/share/hunspell/he_IL.dic"], "Semitic", "Hebrew"),
    "am": ("am", ["aspell:am"], "Semitic", "Ethiopic"),
    "kk": ("kk", ["/usr/share/hunspell/kk_KZ.dic"], "Turkic", "Cyrillic"),
    "hi": ("hi", ["/usr/share/hunspell/hi_IN.dic"], "Indo-Aryan", "Devanagari"),
    "mr": ("mr", ["aspell:mr"], "Indo-Aryan", "Devanagari"),
    "ne": ("ne", ["/usr/share/hunspell/ne_NP.dic"], "Indo-Aryan", "Devanagari"),
    "bn": ("bn", ["/usr/share/hunspell/bn_BD.dic"], "Indo-Aryan", "Bengali"),
    "gu": ("gu", ["/usr/share/hunspell/gu_IN.dic"], "Indo-Aryan", "Gujarati"),
    "te": ("te", ["/usr/share/hunspell/te_IN.dic"], "Dravidian", "Telugu"),
    "ml": ("ml", ["/usr/share/hunspell/ml_IN.dic"], "Dravidian", "Malayalam"),
    "vi": ("vi", ["/usr/share/hunspell/vi_VN.dic"], "Austroasiatic", "Latin"),
    "id": ("id", ["/usr/share/hunspell/id_ID.dic"], "Austronesian", "Latin"),
    "ko": ("ko", ["/usr/share/hunspell/ko.dic"], "Koreanic", "Hangul"),
    "fi": ("fi", ["dictd:/usr/share/dictd/freedict-fin-eng.index"], "Uralic (Finnic)", "Latin"),
    # --- held out entirely from pre-training (transfer evaluation only) ----------
    "sw": ("sw", ["/usr/share/hunspell/sw_TZ.dic"], "Bantu (Niger-Congo)", "Latin"),
    "tr": ("tr", ["/usr/share/hunspell/tr_TR.dic"], "Turkic", "Latin"),
    "hu": ("hu", ["/usr/share/hunspell/hu_HU.dic"], "Uralic (Ugric)", "Latin"),
}

HELD_OUT = ["sw", "tr", "hu"]
TRAIN_LANGS = [lang for lang in LANGS if lang not in HELD_OUT]

# The main (character) head writes these languages in their own orthography: one shared
# grapheme vocabulary over NFC, lowercase. Scripts with large inventories that we only have
# word-salad synthetic speech for (Arabic, Hebrew, Ethiopic, Bengali, Gujarati, Malayalam,
# Hangul) stay on the phone head: hundreds of extra output units would cost decoding time
# in the app for text nobody could use yet.
PHONE_ONLY = ["ar", "he", "am", "bn", "gu", "ml", "ko"]
CHAR_LANGS = [lang for lang in TRAIN_LANGS if lang not in PHONE_ONLY]

# Festival voices (Debian festvox-* packages) and the text encoding each expects on stdin.
FESTIVAL = {
    "en": [("kal_diphone", "utf-8"), ("ked_diphone", "utf-8"), ("cmu_us_slt_arctic_hts", "utf-8")],
    "it": [("lp_diphone", "latin-1"), ("pc_diphone", "latin-1")],
    "ru": [("msu_ru_nsh_clunits", "utf-8")],
    "cs": [("czech_dita", "iso-8859-2"), ("czech_krb", "iso-8859-2"),
           ("czech_machac", "iso-8859-2"), ("czech_ph", "iso-8859-2")],
    "fi": [("suo_fi_lj_diphone", "latin-1"), ("hy_fi_mv_diphone", "latin-1")],
    "ca": [("upc_ca_ona_hts", "latin-1")],
    "hi": [("hindi_NSK_diphone", "utf-8")],
    "mr": [("marathi_NSK_diphone", "utf-8")],
    "te": [("telugu_NSK_diphone", "utf-8")],
}
# Flite's built-in voices (all US English).
FLITE = {"en": ["kal16", "awb", "rms", "slt"]}

# Sentence sources: fortune cookies (Debian fortunes-*), one glob list per language.
FORTUNES = "/usr/share/games/fortunes"
FORTUNE_SOURCES = {
    "en": ["fortunes", "wisdom", "people", "literature", "science", "education", "work",
           "pets", "food", "riddles", "humorists", "platitudes", "love"],
    "de": ["de/*"], "ru": ["ru/*"], "pl": ["pl/*"], "cs": ["cs/*"], "sk": ["cs/klasik-sk"],
    "bg": ["bg/*"], "eo": ["eo/*"], "ga": ["ga/*"], "pt": ["brasil"],
    "es": ["es/*.fortunes"], "it": ["it/*"],
}
# Fish Fillets' game script has sentences in these languages (dialogs_<lang>.lua).
FILLETS_TEXT_LANGS = ["bg", "cs", "de", "en", "eo", "es", "fr", "it", "nl", "pl", "ru", "sl", "sv"]

APT_PACKAGES = (
    "python3-torch python3-onnx python3-numpy python3-num2words libopenblas0-pthread "
    "espeak-ng sox ffmpeg festival flite festival-hi festival-mr festival-te "
    "festvox-kallpc16k festvox-kdlpc16k festvox-us-slt-hts festvox-italp16k festvox-itapc16k "
    "festvox-ru festvox-czech-dita festvox-czech-krb festvox-czech-machac festvox-czech-ph "
    "festvox-suopuhe-lj festvox-suopuhe-mv festvox-ca-ona-hts festvox-hi-nsk festvox-mr-nsk "
    "festvox-te-nsk fortunes fortunes-de fortunes-es fortunes-it fortunes-ru fortunes-pl "
    "fortunes-cs fortunes-bg fortunes-br fortunes-eo fortunes-ga "
    "wamerican wngerman wfrench wspanish witalian wportuguese wswedish wdanish wnorwegian "
    "wdutch wpolish wbulgarian wukrainian wcatalan wirish wesperanto "
    "hunspell-is hunspell-af hunspell-ro hunspell-cs hunspell-sk hunspell-sl hunspell-hr "
    "hunspell-ru hunspell-lt hunspell-lv hunspell-el hunspell-et hunspell-eu hunspell-ar "
    "hunspell-he hunspell-kk hunspell-bn hunspell-ne hunspell-gu hunspell-te hunspell-ml "
    "hunspell-vi hunspell-id hunspell-ko hunspell-sw hunspell-tr hunspell-hi hunspell-hu "
    "aspell aspell-mr aspell-am dict-freedict-fin-eng pocketsphinx pocketsphinx-en-us"
).split()

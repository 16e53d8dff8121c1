"""Language table for the starter model.

Each entry: ISO code -> (espeak-ng voice, list of Debian text sources, family, script).
Text sources are word lists shipped by Debian packages (see MODEL_CARD.md for their
licences). Paths are globbed so minor packaging differences don't break the recipe.
"""

# (voice, sources, family, script)
LANGS = {
    # --- pre-training languages -------------------------------------------------
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
    "kk": ("kk", ["/usr/share/hunspell/kk_KZ.dic"], "Turkic", "Cyrillic"),
    "bn": ("bn", ["/usr/share/hunspell/bn_BD.dic"], "Indo-Aryan", "Bengali"),
    "ne": ("ne", ["/usr/share/hunspell/ne_NP.dic"], "Indo-Aryan", "Devanagari"),
    "gu": ("gu", ["/usr/share/hunspell/gu_IN.dic"], "Indo-Aryan", "Gujarati"),
    "te": ("te", ["/usr/share/hunspell/te_IN.dic"], "Dravidian", "Telugu"),
    "ml": ("ml", ["/usr/share/hunspell/ml_IN.dic"], "Dravidian", "Malayalam"),
    "vi": ("vi", ["/usr/share/hunspell/vi_VN.dic"], "Austroasiatic", "Latin"),
    "id": ("id", ["/usr/share/hunspell/id_ID.dic"], "Austronesian", "Latin"),
    "ko": ("ko", ["/usr/share/hunspell/ko.dic"], "Koreanic", "Hangul"),
    # --- held out entirely from pre-training (transfer evaluation only) ----------
    "sw": ("sw", ["/usr/share/hunspell/sw_TZ.dic"], "Bantu (Niger-Congo)", "Latin"),
    "tr": ("tr", ["/usr/share/hunspell/tr_TR.dic"], "Turkic", "Latin"),
    "hi": ("hi", ["/usr/share/hunspell/hi_IN.dic"], "Indo-Aryan", "Devanagari"),
    "hu": ("hu", ["/usr/share/hunspell/hu_HU.dic"], "Uralic (Ugric)", "Latin"),
}

HELD_OUT = ["sw", "tr", "hi", "hu"]
TRAIN_LANGS = [l for l in LANGS if l not in HELD_OUT]
# Languages that also get orthographic (character) targets. Latin-script only, so one
# small shared character vocabulary covers them; en/es/de match the real fixtures.
CHAR_LANGS = ["en", "de", "es", "fr", "it", "pt", "nl"]

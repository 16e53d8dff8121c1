"""Pairing, normalising and the length check of unheard_voices.py, on made-up prompts (no audio
from the packages, no downloads).

Run: /usr/bin/python3 -m unittest discover -s models/starter/recipe/tests
"""
import os
import sys
import tempfile
import unittest

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import unheard_voices as U  # noqa: E402


class TestPairing(unittest.TestCase):
    def test_transcripts_skip_comments_and_mark_conflicting_keys(self):
        lines = ["; Core Asterisk Sounds in Spanish", "", "vm-intro: Marque 1.",
                 "digits/0: cero", "digits/0: diez", "digits/1: uno", "digits/1: uno",
                 "beep: [tono simple]", "empty:", "no colon here"]
        self.assertEqual(U.parse_transcripts(lines), {"vm-intro": "Marque 1.", "digits/0": None,
                                                      "digits/1": "uno", "beep": "[tono simple]"})

    def test_sound_files_are_keyed_by_relative_path_without_following_links(self):
        with tempfile.TemporaryDirectory() as d:
            sounds = os.path.join(d, "es")
            os.makedirs(os.path.join(sounds, "digits"))
            for f in ("vm-intro.gsm", "digits/1.gsm", "readme.txt"):
                open(os.path.join(sounds, f), "w").close()
            os.symlink(os.path.join(sounds, "digits"), os.path.join(sounds, "again"))
            files = U.sound_files(sounds, ".gsm")
        self.assertEqual(sorted(files), ["digits/1", "vm-intro"])
        self.assertTrue(files["digits/1"].endswith(os.path.join("digits", "1.gsm")))

    def test_pairs_take_the_same_keys_transcript_and_its_normalised_text_decides_seen(self):
        sounds = {k: f"/x/{k}.gsm" for k in ("vm-intro", "vm-goodbye", "digits/0", "beep", "indigen-welcome",
                                             "silence/1", "spy-h323")}
        transcripts = {"vm-intro": "Marque 1.", "vm-goodbye": "¡Adiós!", "digits/0": None, "beep": "[tono simple]",
                       "silence/1": "(1 segundo de silencio)", "spy-h323": "H.323 (en inglés)"}
        rows = {r["key"]: r for r in U.pair(sounds, transcripts, "es", seen={"marque uno"})}
        self.assertEqual((rows["vm-intro"]["status"], rows["vm-intro"]["norm"], rows["vm-intro"]["text_split"]),
                         ("paired", "marque uno", "seen"))
        self.assertEqual((rows["vm-goodbye"]["norm"], rows["vm-goodbye"]["text_split"]), ("adiós", "unseen"))
        self.assertEqual(rows["digits/0"]["status"], "ambiguous transcript")
        self.assertEqual(rows["beep"]["status"], "no speech in transcript")
        # notes in parentheses are not read: a silence file has no text, a note leaves the reference
        self.assertEqual(rows["silence/1"]["status"], "no speech in transcript")
        self.assertEqual(rows["spy-h323"]["norm"], "h trescientos veintitrés")
        self.assertEqual(rows["indigen-welcome"]["status"], "no transcript")
        self.assertIsNone(rows["indigen-welcome"]["text_split"])

    def test_keys_that_are_tones_in_english_are_not_speech_whatever_the_translation_says(self):
        english = {"beep": "[this is a simple beep tone]", "confbridge-join": "<beep ascending>",
                   "vm-intro": "Please leave your message after the tone. (simple tone sound plays)"}
        tones = U.tone_keys(english)
        self.assertEqual(tones, {"beep", "confbridge-join"})
        sounds = {k: f"/x/{k}.wav" for k in ("beep", "vm-intro")}
        transcripts = {"beep": "un suono beep", "vm-intro": "Prego lasciare un messaggio"}
        rows = {r["key"]: r for r in U.pair(sounds, transcripts, "it", seen=set(), tones=tones)}
        self.assertEqual(rows["beep"]["status"], "no speech in transcript")
        self.assertEqual(rows["vm-intro"]["status"], "paired")


class TestLengthCheck(unittest.TestCase):
    def test_speech_seconds_ignores_leading_and_trailing_silence(self):
        t = np.arange(16000) / 16000
        tone = (8000 * np.sin(2 * np.pi * 220 * t)).astype(np.int16)
        audio = np.concatenate([np.zeros(8000, np.int16), tone, np.zeros(24000, np.int16)])
        self.assertAlmostEqual(U.speech_seconds(audio), 1.0, delta=0.04)
        self.assertEqual(U.speech_seconds(np.zeros(100, np.int16)), 0.0)

    def test_a_recording_twice_too_long_or_short_by_over_a_second_is_a_mismatch(self):
        # This voice speaks at 1.2x the core voice's length; "menu" is a long menu the core voice
        # recorded, "short" a reworded prompt, "word" a single word off by more than 2x but by
        # under a second, "dictate" a key only this voice recorded (measured by its characters).
        rows = [dict(key="a", norm="x" * 20, speech_s=2.4, core_speech_s=2.0),
                dict(key="b", norm="x" * 30, speech_s=3.6, core_speech_s=3.0),
                dict(key="menu", norm="x" * 200, speech_s=20.0, core_speech_s=16.0),
                dict(key="short", norm="x" * 150, speech_s=4.0, core_speech_s=12.0),
                dict(key="word", norm="xx", speech_s=0.9, core_speech_s=0.3),
                dict(key="dictate", norm="x" * 100, speech_s=3.0, core_speech_s=None)]
        tempo, rate = U.expected_seconds(rows)
        self.assertAlmostEqual(tempo, 1.2)
        self.assertAlmostEqual(rows[-1]["expected_s"], 100 / rate)
        self.assertEqual([r["key"] for r in rows if U.mismatched(r)], ["short", "dictate"])


    def test_one_recording_under_several_keys_counts_once_or_not_at_all(self):
        rows = [dict(key="invalid", digest="a", norm="extensión inválida", status="paired"),
                dict(key="pbx-invalid", digest="a", norm="extensión inválida", status="paired"),
                dict(key="vm-forward", digest="b", norm="marque uno para teclear", status="paired"),
                dict(key="vm-forwardoptions", digest="b", norm="marque uno para dejar", status="paired"),
                dict(key="vm-goodbye", digest="c", norm="adiós", status="paired")]
        U.shared_recordings(rows)
        self.assertEqual([r["status"] for r in rows],
                         ["paired", "same recording as another key", "one recording for keys with other words",
                          "one recording for keys with other words", "paired"])


if __name__ == "__main__":
    unittest.main()

"""Fast unit tests for the recipe's text, augmentation, feature and CTC-target code.

Run: /usr/bin/python3 -m unittest discover -s models/starter/recipe/tests
"""
import os
import sys
import unittest

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import augment as A  # noqa: E402
import texts as X  # noqa: E402
import textutil as T  # noqa: E402


class TestText(unittest.TestCase):
    def test_ipa_tokenisation_strips_stress_and_language_switches(self):
        out = "h_ə_l_ˈoʊ\nw_ˈɜː_l_d (en)_w_iː_k_ˈɛ_n_d_(fr)\n"
        words = T.ipa_to_phones(out)
        self.assertEqual(words, [["h", "ə", "l", "oʊ"], ["w", "ɜː", "l", "d"],
                                 ["w", "iː", "k", "ɛ", "n", "d"]])

    def test_korean_hyphen_splits_phones(self):
        self.assertEqual(T.ipa_to_phones("h_ˈɐ_q_k-j_o"), [["h", "ɐ", "q", "k", "j", "o"]])

    def test_word_delimiters_and_vocab(self):
        seq = T.phones_with_delims([["a", "b"], ["b"]])
        self.assertEqual(seq, ["a", "b", "|", "b"])
        vocab = T.build_vocab([seq, ["c"]])
        self.assertEqual(vocab[:2], [T.BLANK, T.WORD_DELIM])   # blank index 0
        self.assertEqual(vocab[2], "b")                         # most frequent first
        self.assertEqual(vocab[-1], T.UNK)
        idx = {t: i for i, t in enumerate(vocab)}
        self.assertEqual(T.encode(["b", "|", "zz"], idx), [2, 1, idx[T.UNK]])
        self.assertNotIn(0, T.encode(seq, idx))                 # targets never contain blank

    def test_chars(self):
        self.assertEqual(T.text_to_chars("Hola, Señor!"), list("hola|señor"))

    def test_clean_words_drops_proper_nouns_and_digits(self):
        self.assertEqual(T.clean_words(["Paris", "house", "a1", "x", "maison"]), ["house", "maison"])

    def test_hunspell_reader_strips_flags(self):
        import tempfile
        with tempfile.TemporaryDirectory() as d:
            p = os.path.join(d, "xx.dic")
            with open(p, "w") as f:
                f.write("3\nnyumba/AB\nkitabu\tpo:noun\nmtu\n")
            self.assertEqual(T.read_wordlist(p), ["nyumba", "kitabu", "mtu"])

    def test_ctc_greedy_and_edit_distance(self):
        self.assertEqual(T.ctc_greedy([0, 3, 3, 0, 3, 4, 4, 0]), [3, 3, 4])
        self.assertEqual(T.edit_distance([1, 2, 3], [1, 3]), 1)
        self.assertEqual(T.edit_distance([], [1, 2]), 2)


class TestNormalise(unittest.TestCase):
    def test_numbers_are_words_in_the_utterance_language(self):
        self.assertEqual(X.normalise("Please press 1 to mute, or 8 to exit.", "en"),
                         "please press one to mute or eight to exit")
        self.assertEqual(X.normalise("Нажмите 7 для восстановления.", "ru"), "нажмите семь для восстановления")
        self.assertEqual(X.normalise("Appuyez sur 2", "fr"), "appuyez sur deux")

    def test_bracketed_sounds_removed_and_empty_is_none(self):
        self.assertEqual(X.normalise("[beep] Goodbye!", "en"), "goodbye")
        self.assertIsNone(X.normalise("[ascending tones]", "en"))

    def test_inword_apostrophes_kept_quotes_dropped(self):
        self.assertEqual(X.normalise("'L'homme d’affaires', c'est-à-dire", "fr"),
                         "l'homme d'affaires c'est à dire")

    def test_digits_without_number_words_make_text_unusable(self):
        self.assertIsNone(X.normalise("press 1", "sw"))

    def test_nfc_and_case(self):
        self.assertEqual(X.normalise("Cafe\u0301 ÉTÉ", "fr"), "café été")
        self.assertEqual(X.chars("ab cd"), list("ab|cd"))

    def test_script_check(self):
        self.assertTrue(X.in_script("Привет, мир", "Cyrillic"))
        self.assertFalse(X.in_script("Hello мир", "Cyrillic"))
        self.assertIsNone(X.usable_sentence("Hello world again", "ru", "Cyrillic"))
        self.assertIsNone(X.usable_sentence("beep\x07 beep beep", "en"))

    def test_fillets_dialog_parsing(self):
        import tempfile
        with tempfile.TemporaryDirectory() as d:
            os.makedirs(os.path.join(d, "lvl"))
            with open(os.path.join(d, "lvl", "dialogs_cs.lua"), "w", encoding="utf-8") as f:
                f.write('\ndialogId("a-m-x", "font_small", "What is it?")\ndialogStr("Co je to?")\n\n'
                        'dialogId("a-v-y", "font_big", "No translation")\n')
            with open(os.path.join(d, "lvl", "dialogs_en.lua"), "w", encoding="utf-8") as f:
                f.write('dialogId("a-m-x", "font_small", "What is \\"it\\"?")\n')
            self.assertEqual(X.fillets_dialogs(d, "lvl", "cs"), {"a-m-x": "Co je to?"})
            self.assertEqual(X.fillets_dialogs(d, "lvl", "en"), {"a-m-x": 'What is "it"?'})


class TestSplits(unittest.TestCase):
    def test_ivr_groups_are_held_out_whole_and_duplicates_dropped(self):
        import real_data as R
        rows = []
        for g in range(40):
            for k in range(5):
                text = "shared prompt" if k == 0 else f"prompt {g} {k}"
                rows.append(dict(id=f"x{g}-{k}", set="ivr5", lang="en", speaker="s", group=f"g{g}",
                                 text=text, path=""))
        R.assign_splits(rows)
        by_group = {}
        for r in rows:
            by_group.setdefault(r["group"], set()).add(r["split"])
        # a group is in one split, except training rows that repeat a held-out text
        for splits in by_group.values():
            self.assertLessEqual(len(splits - {"dropped-duplicate"}), 1)
        test = [r for r in rows if r["split"] == "test"]
        self.assertTrue(0.1 <= len(test) / len(rows) <= 0.25)
        held = {r["norm"] for r in rows if r["split"] in ("test", "dev")}
        self.assertFalse([r for r in rows if r["split"] == "train" and r["norm"] in held])
        # the same rows give the same split on every run
        again = [dict(r) for r in rows]
        R.assign_splits(again)
        self.assertEqual([r["split"] for r in again], [r["split"] for r in rows])

    def test_fillets_levels_are_fixed(self):
        import real_data as R
        self.assertEqual(R.TEST_LEVELS, ["briefcase", "hanoi", "hole", "keys"])
        self.assertFalse(set(R.TEST_LEVELS) & set(R.DEV_LEVELS))


class TestSchedule(unittest.TestCase):
    def test_warmup_stable_decay_and_resume_position(self):
        import types
        import train as TR
        a = types.SimpleNamespace(lr=1e-3, warmup=10, steps=100, decay_steps=20)
        self.assertAlmostEqual(TR.lr_at(0, a), 1e-4)
        self.assertAlmostEqual(TR.lr_at(50, a), 1e-3)
        self.assertAlmostEqual(TR.lr_at(90, a), 5e-4)
        self.assertAlmostEqual(TR.lr_at(100, a), 0.0)
        hist = [dict(epoch_end=True, epoch=0, batches=30), dict(step=40, dev_cer={}),
                dict(epoch_end=True, epoch=1, batches=31)]
        self.assertEqual(TR.batches_done_in_epoch(70, hist), 9)


class TestAugment(unittest.TestCase):
    def setUp(self):
        self.rng = np.random.default_rng(0)
        t = np.arange(16000) / 16000
        self.x = (0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)

    def test_length_preserving_transforms(self):
        for f in (A.gain, A.add_noise, A.reverb, A.telephone):
            y = f(self.x, self.rng)
            self.assertEqual(y.shape, self.x.shape, f.__name__)
            self.assertEqual(y.dtype, np.float32, f.__name__)
            self.assertTrue(np.all(np.isfinite(y)), f.__name__)

    def test_speed_changes_length_by_factor(self):
        y = A.speed(self.x, self.rng, 1.25, 1.25)
        self.assertEqual(len(y), 12800)

    def test_telephone_removes_low_band(self):
        t = np.arange(16000) / 16000
        low = (0.5 * np.sin(2 * np.pi * 100 * t)).astype(np.float32)
        self.assertLess(np.std(A.telephone(low, self.rng)), 0.05)

    def test_noise_snr(self):
        rng = np.random.default_rng(1)
        y = A.add_noise(self.x, rng, 10.0, 10.0)
        snr = 10 * np.log10(np.mean(self.x ** 2) / np.mean((y - self.x) ** 2))
        self.assertAlmostEqual(snr, 10.0, delta=0.5)

    def test_augment_is_deterministic_given_seed(self):
        a = A.augment(self.x, np.random.default_rng(5))
        b = A.augment(self.x, np.random.default_rng(5))
        np.testing.assert_array_equal(a, b)


class TestFeatures(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        import torch
        import model as M
        cls.torch, cls.M = torch, M

    def test_frame_count_and_shapes(self):
        torch, M = self.torch, self.M
        m = M.StarterEncoder(10, 6, d=32, heads=2, ff=64, slow=2).eval()
        for n in (1600, 16000, 16001, 16161, 24321):
            h, lc, lp = m(torch.randn(2, n))
            self.assertEqual(h.shape, (2, M.num_frames(n), 32))
            self.assertEqual(lc.shape, (2, M.num_frames(n), 10))
            self.assertEqual(lp.shape, (2, M.num_frames(n), 6))
        self.assertAlmostEqual(M.FRAME_STRIDE_S, 0.02)

    def test_padding_does_not_change_valid_frames(self):
        # Training pads a batch to its longest utterance; the padded rows must give the
        # same hidden states on their valid frames as the utterance alone.
        torch, M = self.torch, self.M
        torch.manual_seed(0)
        m = M.StarterEncoder(10, 6, d=32, heads=2, ff=64, slow=2).eval()
        x = torch.randn(1, 12345)
        alone = m.encode(x, torch.tensor([12345]))
        padded = m.encode(torch.cat([x, torch.zeros(1, 4000)], 1), torch.tensor([12345]))
        n = M.num_frames(12345)
        self.assertLess(float((alone[:, :n] - padded[:, :n]).abs().max()), 1e-4)

    def test_spec_augment_masks_only_in_training(self):
        torch, M = self.torch, self.M
        m = M.StarterEncoder(10, 6, d=32, heads=2, ff=64, slow=1)
        m.spec_gen = torch.Generator().manual_seed(0)
        x = torch.randn(1, 16000)
        m.eval()
        a, b = m.encode(x), m.encode(x)
        self.assertTrue(torch.equal(a, b))
        f = torch.ones(2, 100, 80)
        masked = M.spec_augment(f, torch.tensor([16000, 8000]), torch.Generator().manual_seed(1))
        self.assertLess(float(masked.mean()), 1.0)
        self.assertGreater(float(masked.mean()), 0.5)

    def test_conv_stft_matches_torch_stft_on_sine(self):
        # The in-graph DFT conv must equal a reference STFT (torch.stft, zero padding).
        torch, M = self.torch, self.M
        t = torch.arange(8000) / 16000
        x = torch.sin(2 * torch.pi * 1000 * t)[None]
        feat = M.LogMel()
        xn = feat.normalise(x)
        ref = torch.stft(xn, M.N_FFT, M.HOP, window=torch.hann_window(M.N_FFT), center=True,
                         pad_mode="constant", return_complex=True).abs() ** 2   # [1, 201, T]
        ref_mel = torch.log(torch.matmul(ref.transpose(1, 2), feat.fb) + 1e-6)
        got = feat(x)
        self.assertEqual(got.shape, ref_mel.shape)
        # compare in the linear domain: near-silent mel bands differ by float32 rounding
        # that log() amplifies, which is irrelevant to the model.
        g, r = got.exp(), ref_mel.exp()
        self.assertLess(float((g - r).abs().max() / r.max()), 1e-5)
        loud = r > 1e-3 * r.max()
        self.assertLess(float((got - ref_mel)[loud].abs().max()), 1e-3)
        # energy peaks in the mel band containing 1 kHz
        fb = M.mel_filterbank()
        bin1k = int(round(1000 / (16000 / M.N_FFT)))
        self.assertEqual(int(got[0, 10].argmax()), int(fb[bin1k].argmax()))

    def test_block_gradients_match_float64_without_onednn(self):
        # Guards the workaround in train.py: with oneDNN convolutions Debian's torch 1.13
        # returned gradients off by 5e-2..1e20 (relative); the native path must be exact.
        import copy
        torch, M = self.torch, self.M
        prev = torch.backends.mkldnn.enabled
        torch.backends.mkldnn.enabled = False
        try:
            torch.manual_seed(0)
            blk = M.Block(32, 2, 64, 0.0)
            blk64 = copy.deepcopy(blk).double()
            x = torch.randn(2, 20, 32)
            g = torch.randn(2, 20, 32)
            a = x.clone().requires_grad_()
            b = x.double().requires_grad_()
            (blk(a) * g).sum().backward()
            (blk64(b) * g.double()).sum().backward()
            rel = float((a.grad.double() - b.grad).abs().max() / b.grad.abs().max())
            self.assertLess(rel, 1e-4)
        finally:
            torch.backends.mkldnn.enabled = prev

    def test_normalisation_ignores_gain_and_padding(self):
        torch, M = self.torch, self.M
        x = torch.randn(1, 4000)
        a = M.LogMel.normalise(x)
        b = M.LogMel.normalise(x * 37.0)
        self.assertLess(float((a - b).abs().max()), 1e-4)
        padded = torch.cat([x, torch.zeros(1, 1000)], 1)
        c = M.LogMel.normalise(padded, torch.tensor([4000]))
        self.assertLess(float((c[:, :4000] - a).abs().max()), 1e-4)


if __name__ == "__main__":
    unittest.main()

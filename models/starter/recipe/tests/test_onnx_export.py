"""The ONNX export matches PyTorch: a small random-weight encoder of the shipped architecture is
exported by export.py and run by the app's own onnxruntime-node (check_onnx.cjs), whose
outputs must equal PyTorch's within 1e-4 on random audio of two lengths and batch sizes."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPO = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
sys.path.insert(0, HERE)
ORT = os.path.join(REPO, "node_modules", "onnxruntime-node")


def _ort_available():
    if os.path.isdir(ORT) and shutil.which("node"):
        return True
    if os.environ.get("CI"):
        raise AssertionError(f"onnxruntime-node is missing at {ORT}: run npm ci first")
    print("\nSKIPPED loudly: the ONNX parity test needs `npm ci` (node_modules/onnxruntime-node)",
          file=sys.stderr)
    return False


@unittest.skipUnless(_ort_available(), "needs node_modules/onnxruntime-node (npm ci)")
class TestOnnxExport(unittest.TestCase):
    def test_export_matches_pytorch_in_onnxruntime_node(self):
        import torch
        import model as M
        torch.manual_seed(0)
        m = M.StarterEncoder(12, 9, d=32, heads=2, ff=64, slow=2)
        with torch.no_grad():
            for p in m.parameters():
                p.add_(torch.randn_like(p) * 0.05)
        cvocab = ["<blank>", "|"] + list("abcdefghi") + ["<unk>"]
        pvocab = ["<blank>", "|"] + list("pqrstuv") + ["<unk>"]
        with tempfile.TemporaryDirectory() as d:
            ck = os.path.join(d, "tiny.pt")
            torch.save(dict(model=m.state_dict(), cfg=m.cfg, cvocab=cvocab, pvocab=pvocab, step=1,
                            config=dict(seed=1), config_sha256="0" * 64, train_seconds=1.0), ck)
            out, ref = os.path.join(d, "pkg"), os.path.join(d, "ref")
            os.makedirs(out)
            subprocess.run([sys.executable, os.path.join(HERE, "export.py"), "--ckpt", ck, "--out", out,
                            "--ref-dir", ref], check=True, capture_output=True)
            manifest = json.load(open(os.path.join(out, "model.json"), encoding="utf-8"))
            self.assertEqual(manifest["heads"]["chars"]["output"], "logits")
            self.assertEqual(json.load(open(os.path.join(out, "vocab.json"), encoding="utf-8"))["a"], 2)
            res = subprocess.run(["node", os.path.join(HERE, "check_onnx.cjs")], capture_output=True, text=True,
                                 env=dict(os.environ, MODEL=os.path.join(out, "model.onnx"), REF_DIR=ref))
            self.assertEqual(res.returncode, 0, res.stdout + res.stderr)
            self.assertIn("OK: max abs diff", res.stdout)
            self.assertIn("logits_phones", res.stdout)


if __name__ == "__main__":
    unittest.main()

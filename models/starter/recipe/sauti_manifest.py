#!/usr/bin/python3
"""Rewrites the exported package's model.json in Sauti's manifest format ("sauti-model/1",
src/main/core/asr/model-package.ts), keeping everything the recipe recorded under "card".

Run after export: /usr/bin/python3 models/starter/recipe/sauti_manifest.py models/starter
Idempotent: a manifest already in Sauti's format keeps its "card".
With --int8-from FLOAT32_ONNX (after the int8 model has replaced the package's model.onnx) the
card records that the shipped weights are int8, and the sha256 of both files.
"""
import argparse
import hashlib
import json
import os


def convert(recipe: dict) -> dict:
    heads = recipe["heads"]
    main_name = "chars" if heads["chars"]["output"] == "logits" else "phones"
    main = heads[main_name]
    extra = [
        {
            "name": name,
            "output": head["output"],
            "vocabulary": head["vocabulary"],
            "blank": head["blank_token"],
            "wordDelimiter": head.get("word_delimiter_token"),
            "unit": head.get("unit_type", "char"),
        }
        for name, head in heads.items()
        if name != main_name
    ]
    return {
        "format": "sauti-model/1",
        "name": recipe["name"],
        "version": recipe.get("version"),
        "sampleRate": recipe["sample_rate"],
        "frameStrideSec": recipe["frame_stride_s"],
        "input": recipe["input"]["name"],
        # Normalisation happens inside the graph, over the whole input row: the app must not
        # normalise again, and must not pad utterances into a shared batch.
        "normalize": False,
        "batchable": False,
        "outputs": {"logits": main["output"], "hiddenStates": "hidden_states"},
        "vocabulary": main["vocabulary"],
        "blank": main["blank_token"],
        "wordDelimiter": main.get("word_delimiter_token"),
        "unit": main.get("unit_type", "char"),
        "heads": extra,
        "languages": main.get("languages") or [l["code"] if isinstance(l, dict) else l
                                               for l in recipe.get("languages_trained", [])],
        "licence": recipe.get("license", "Apache-2.0"),
        "provenance": recipe.get("provenance", {}),
        "card": recipe,
    }


def sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def main(package: str, int8_from: str = "") -> None:
    path = os.path.join(package, "model.json")
    with open(path, encoding="utf-8") as f:
        manifest = json.load(f)
    recipe = manifest["card"] if manifest.get("format") == "sauti-model/1" else manifest
    if int8_from:
        recipe["weights"] = ("int8 (recipe/quantize.py: dynamic, the encoder's MatMul weights one "
                             "scale per output column; the mel filterbank and both heads float32)")
        recipe["model_sha256"] = sha256(os.path.join(package, "model.onnx"))
        recipe["float32_model_sha256"] = sha256(int8_from)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(convert(recipe), f, ensure_ascii=False, indent=2)
        f.write("\n")
    print(f"wrote {path} in Sauti's manifest format")


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("package", nargs="?", default=os.path.join(os.path.dirname(__file__), ".."))
    ap.add_argument("--int8-from", default="", help="the float32 export the shipped int8 came from")
    a = ap.parse_args()
    main(a.package, a.int8_from)

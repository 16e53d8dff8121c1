"""Pre-train the starter encoder on the synthetic multilingual corpus (CPU).

Joint CTC: phone head on every utterance, character head on CHAR_LANGS utterances.
Stops at --steps or when --max-minutes of wall time is spent (checkpoint either way),
so a deadline never leaves us with nothing to export.
"""
import argparse
import hashlib
import json
import math
import os
import random
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import textutil as T  # noqa: E402
from augment import augment  # noqa: E402
from data import batches, make_vocabs, splits  # noqa: E402
from langs import CHAR_LANGS  # noqa: E402
from model import StarterEncoder, count_params, num_frames  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
# Debian's torch 1.13 build computes wrong gradients through its oneDNN (MKL-DNN)
# convolution backward inside our blocks (relative error 5e-2 up to 1e20 against float64;
# see tests/test_recipe.py). The native convolution path is exact, so use it.
torch.backends.mkldnn.enabled = False


def collate(utts, idxs, pidx, cidx, rng, aug):
    waves = [augment(utts[i]["audio"] / 32768.0, rng) if aug else
             (utts[i]["audio"] / 32768.0).astype(np.float32) for i in idxs]
    lens = torch.tensor([len(w) for w in waves])
    x = torch.zeros(len(waves), int(lens.max()))
    for j, w in enumerate(waves):
        x[j, :len(w)] = torch.from_numpy(w)
    ph = [T.encode(utts[i]["phones"], pidx) for i in idxs]
    ch = [T.encode(utts[i]["chars"], cidx) if utts[i]["lang"] in CHAR_LANGS else None for i in idxs]
    return x, lens, ph, ch


def ctc(logits, flens, targets):
    """Mean-per-target-token CTC over the rows that have targets."""
    rows = [j for j, t in enumerate(targets) if t]
    if not rows:
        return logits.sum() * 0
    lp = logits[rows].log_softmax(-1).transpose(0, 1)
    tg = torch.tensor([i for j in rows for i in targets[j]])
    tl = torch.tensor([len(targets[j]) for j in rows])
    return F.ctc_loss(lp, tg, flens[rows], tl, blank=0, reduction="mean", zero_infinity=True)


@torch.no_grad()
def evaluate_per(model, test, pidx, n_per_lang=10):
    model.eval()
    res = {}
    for lang, utts in test.items():
        errs = toks = 0
        for u in utts[:n_per_lang]:
            x = torch.from_numpy((u["audio"] / 32768.0).astype(np.float32))[None]
            _, lg, _ = model(x)
            hyp = T.ctc_greedy(lg[0].argmax(-1).tolist())
            ref = T.encode(u["phones"], pidx)
            errs += T.edit_distance(ref, hyp)
            toks += len(ref)
        res[lang] = errs / max(toks, 1)
    model.train()
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=3000)
    ap.add_argument("--max-minutes", type=float, default=40)
    ap.add_argument("--batch-seconds", type=float, default=24)
    ap.add_argument("--lr", type=float, default=8e-4)
    ap.add_argument("--warmup", type=int, default=150)
    ap.add_argument("--d", type=int, default=192)
    ap.add_argument("--layers", type=int, default=4)
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--out", default=os.path.join(HERE, ".data", "run"))
    ap.add_argument("--eval-every", type=int, default=500)
    ap.add_argument("--aug-ramp", type=int, default=500)
    a = ap.parse_args()

    torch.manual_seed(a.seed)
    random.seed(a.seed)
    torch.set_num_threads(a.threads)
    rng = np.random.default_rng(a.seed)
    os.makedirs(a.out, exist_ok=True)

    t0 = time.time()
    train, test, _ = splits()
    pvocab, cvocab = make_vocabs(train)
    pidx = {t: i for i, t in enumerate(pvocab)}
    cidx = {t: i for i, t in enumerate(cvocab)}
    print(f"data: {len(train)} train utts, {sum(len(u['audio']) for u in train) / 16000 / 3600:.2f} h, "
          f"{len(pvocab)} phone units, {len(cvocab)} chars, loaded in {time.time() - t0:.0f}s", flush=True)

    model = StarterEncoder(len(pvocab), len(cvocab), d=a.d, layers=a.layers)
    print(f"params: {count_params(model)}", flush=True)
    with torch.no_grad():
        sample = random.Random(a.seed).sample(train, 200)
        feats = torch.cat([model.feat(torch.from_numpy((u["audio"] / 32768.0).astype(np.float32))[None])[0]
                           for u in sample])
        model.feat_mean.copy_(feats.mean(0))
        model.feat_std.copy_(feats.std(0) + 1e-3)
    opt = torch.optim.AdamW(model.parameters(), lr=a.lr, betas=(0.9, 0.98), weight_decay=0.01)
    # Cosine decay over whichever runs out first, steps or wall-clock budget, so a run cut
    # short by a slow/shared machine still ends with an annealed learning rate.
    t_train = time.time()

    def lr_factor(s):
        progress = min(1.0, max(s / a.steps, (time.time() - t_train) / 60 / a.max_minutes))
        return min(1.0, (s + 1) / a.warmup) * 0.5 * (1 + math.cos(math.pi * progress))
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lr_factor)

    config = dict(vars(a), phone_vocab=len(pvocab), char_vocab=len(cvocab), model=model.cfg)
    cfg_json = json.dumps(config, sort_keys=True)
    cfg_sha = hashlib.sha256(cfg_json.encode()).hexdigest()
    with open(os.path.join(a.out, "train_config.json"), "w") as f:
        f.write(cfg_json)

    def save(step, tag):
        torch.save(dict(model=model.state_dict(), cfg=model.cfg, pvocab=pvocab, cvocab=cvocab,
                        step=step, config=config, config_sha256=cfg_sha,
                        train_seconds=time.time() - t_train), os.path.join(a.out, f"{tag}.pt"))

    step, epoch = 0, 0
    t_train = time.time()
    max_samples = int(a.batch_seconds * 16000)
    done = False
    ema = None
    skipped = 0
    while not done:
        bl = batches(train, max_samples, random.Random(a.seed + epoch))
        if epoch == 0:
            # SortaGrad (DeepSpeech 2): shortest utterances first in the first epoch keeps
            # early CTC gradients sane and shortens the all-blank plateau.
            bl.sort(key=lambda b: max(len(train[i]["audio"]) for i in b))
        for b in bl:
            # Augmentation ramps in over the first aug_ramp steps: CTC first has to find
            # alignments on clean audio, then learns invariance.
            use_aug = rng.random() < min(1.0, step / a.aug_ramp)
            x, lens, ph, ch = collate(train, b, pidx, cidx, rng, aug=use_aug)
            _, lp, lc = model(x, lens)
            flens = num_frames(lens)
            loss_p = ctc(lp, flens, ph)
            loss_c = ctc(lc, flens, ch)
            loss = loss_p + 0.5 * loss_c
            opt.zero_grad()
            if not torch.isfinite(loss):
                skipped += 1
                continue
            loss.backward()
            gn = torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            # CTC can yield non-finite gradients on rare infeasible/degenerate alignments
            # even with zero_infinity; one such update poisons every weight, so skip it.
            if not torch.isfinite(gn):
                skipped += 1
                opt.zero_grad()
                continue
            opt.step()
            sched.step()
            step += 1
            ema = loss_p.item() if ema is None else 0.98 * ema + 0.02 * loss_p.item()
            elapsed = (time.time() - t_train) / 60
            if step % 25 == 0:
                print(f"step {step} ep {epoch} loss_p {loss_p.item():.3f} (ema {ema:.3f}) "
                      f"loss_c {loss_c.item():.3f} lr {sched.get_last_lr()[0]:.2e} "
                      f"{elapsed:.1f} min skipped {skipped}", flush=True)
            if step % a.eval_every == 0:
                per = evaluate_per(model, test, pidx, n_per_lang=5)
                print(f"eval step {step}: mean PER {np.mean(list(per.values())):.3f}", flush=True)
                save(step, "last")
            if step >= a.steps or elapsed >= a.max_minutes:
                done = True
                break
        epoch += 1
    save(step, "last")
    print(f"done: {step} steps, {(time.time() - t_train) / 60:.1f} min", flush=True)


if __name__ == "__main__":
    main()

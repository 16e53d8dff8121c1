"""Train the starter encoder (v2) on real and synthetic speech, on CPU, resumably.

Joint CTC: the character head (main output) on every utterance of a CHAR_LANGS language,
the phone head (extra output) on every utterance with a phonemisation, loss = chars + 0.3 x
phones. Each epoch takes every real training utterance and a fresh random draw of synthetic
ones of about the same total duration (--synth-ratio), bucketed by length, so every batch
mixes real voices with espeak-ng, Festival and Flite voices.

Learning rate: warm-up, then constant, then a linear decay to zero over the last
--decay-steps steps before --steps (warmup-stable-decay). A checkpoint taken in the stable
phase can be trained on later with a larger --steps: nothing in the schedule depends on the
wall clock, so stopping (--max-minutes, Ctrl+C, a killed process) and resuming (--resume,
the default when OUT/last.pt exists) continues the same run.

Usage: python3 train.py [--steps 12000] [--max-minutes 60] [--out DATA/run-v2]
"""
import argparse
import glob
import hashlib
import json
import math
import os
import random
import signal
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import textutil as T  # noqa: E402
from augment import augment  # noqa: E402
import vocab  # noqa: E402
from data import batches, load_real, load_synth, trainable  # noqa: E402
from langs import DATA  # noqa: E402
from model import StarterEncoder, count_params, num_frames  # noqa: E402

# Debian's torch 1.13 build computes wrong gradients through its oneDNN (MKL-DNN)
# convolution backward inside our blocks (relative error 5e-2 up to 1e20 against float64;
# see tests/test_recipe.py). The native convolution path is exact, so use it.
torch.backends.mkldnn.enabled = False
PHONE_WEIGHT = 0.3


def collate(utts, idxs, cidx, pidx, rng, aug):
    waves = []
    for i in idxs:
        a = utts[i]["audio"] / 32768.0
        waves.append(augment(a, rng) if aug else a.astype(np.float32))
    lens = torch.tensor([len(w) for w in waves])
    x = torch.zeros(len(waves), int(lens.max()))
    for j, w in enumerate(waves):
        x[j, :len(w)] = torch.from_numpy(w)
    ch = [T.encode(utts[i]["chars"], cidx) if utts[i]["chars"] else None for i in idxs]
    ph = [T.encode(utts[i]["phone_seq"], pidx) if utts[i]["phone_seq"] else None for i in idxs]
    return x, lens, ch, ph


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
def dev_cer(model, dev, cidx, limit=None):
    """Greedy character error rate per (corpus, language) on the real dev split."""
    model.eval()
    errs, toks = {}, {}
    for u in dev[:limit]:
        if not u["chars"]:
            continue
        x = torch.from_numpy((u["audio"] / 32768.0).astype(np.float32))[None]
        _, lc, _ = model(x)
        hyp = T.ctc_greedy(lc[0].argmax(-1).tolist())
        ref = T.encode(u["chars"], cidx)
        k = f"{u['set']}-{u['lang']}"
        errs[k] = errs.get(k, 0) + T.edit_distance(ref, hyp)
        toks[k] = toks.get(k, 0) + len(ref)
    model.train()
    return {k: errs[k] / max(toks[k], 1) for k in sorted(errs)}


def synth_listing():
    return sorted(glob.glob(os.path.join(DATA, "synth", "*.npz")))


def batches_done_in_epoch(step, history):
    """A resumed epoch skips the batches it already trained on: the epoch's draw and batch
    order depend only on the seed and the epoch number, so they are the same again."""
    return step - sum(h["batches"] for h in history if h.get("epoch_end"))


def lr_at(step, a):
    warm = min(1.0, (step + 1) / a.warmup)
    decay_from = a.steps - a.decay_steps
    if step < decay_from:
        return a.lr * warm
    return a.lr * warm * max(0.0, (a.steps - step) / a.decay_steps)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=12000)
    ap.add_argument("--decay-steps", type=int, default=2000)
    ap.add_argument("--max-minutes", type=float, default=0, help="stop (and save) after this long; 0: no cap")
    ap.add_argument("--batch-seconds", type=float, default=32)
    ap.add_argument("--lr", type=float, default=8e-4)
    ap.add_argument("--warmup", type=int, default=800)
    ap.add_argument("--synth-ratio", type=float, default=1.0, help="synthetic seconds per real second, per epoch")
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--out", default=os.path.join(DATA, "run-v2"))
    ap.add_argument("--eval-every", type=int, default=500)
    ap.add_argument("--save-every", type=int, default=100)
    ap.add_argument("--aug-ramp", type=int, default=1000)
    ap.add_argument("--no-resume", action="store_true")
    a = ap.parse_args()

    torch.set_num_threads(a.threads)
    os.makedirs(a.out, exist_ok=True)
    t0 = time.time()
    real = load_real()
    synth_train, _, _ = load_synth()
    real_train = [u for u in real["train"] if trainable(u)]
    synth_train = [u for u in synth_train if trainable(u)]
    # A fixed sample of the dev split for the periodic check (the whole of it takes minutes on
    # 2 cores): up to 15 utterances per corpus and language, in a stable order.
    dev = []
    for key in sorted({(u["set"], u["lang"]) for u in real.get("dev", [])}):
        dev += [u for u in real["dev"] if (u["set"], u["lang"]) == key][:15]
    last = os.path.join(a.out, "last.pt")
    ck = None if a.no_resume or not os.path.exists(last) else torch.load(last, map_location="cpu")
    if ck:
        cvocab, pvocab = ck["cvocab"], ck["pvocab"]
    else:
        cvocab, pvocab = vocab.load()
    cidx = {t: i for i, t in enumerate(cvocab)}
    pidx = {t: i for i, t in enumerate(pvocab)}
    hours = lambda us: sum(len(u["audio"]) for u in us) / 16000 / 3600  # noqa: E731
    print(f"data: real {len(real_train)} utts {hours(real_train):.2f} h, synthetic {len(synth_train)} utts "
          f"{hours(synth_train):.2f} h, dev {len(dev)}; {len(cvocab)} chars, {len(pvocab)} phones; "
          f"loaded in {time.time() - t0:.0f}s", flush=True)

    model = StarterEncoder(**ck["cfg"]) if ck else StarterEncoder(len(cvocab), len(pvocab))
    opt = torch.optim.AdamW(model.parameters(), lr=a.lr, betas=(0.9, 0.98), weight_decay=0.01)
    step, epoch, history, seconds = 0, 0, [], 0.0
    if ck:
        model.load_state_dict(ck["model"])
        opt.load_state_dict(ck["opt"])
        step, epoch, history, seconds = ck["step"], ck["epoch"], ck["history"], ck["train_seconds"]
        print(f"resumed from {last}: step {step}, epoch {epoch}, {seconds / 3600:.2f} h trained", flush=True)
    else:
        with torch.no_grad():
            sample = random.Random(a.seed).sample(real_train + synth_train, 300)
            feats = torch.cat([model.feat(torch.from_numpy((u["audio"] / 32768.0).astype(np.float32))[None])[0]
                               for u in sample])
            model.feat_mean.copy_(feats.mean(0))
            model.feat_std.copy_(feats.std(0) + 1e-3)
    print(f"params: {count_params(model)}", flush=True)
    model.spec_gen = torch.Generator().manual_seed(a.seed + step)
    model.train()

    config = {k: v for k, v in vars(a).items() if k not in ("max_minutes", "no_resume", "out")}
    config.update(char_vocab=len(cvocab), phone_vocab=len(pvocab), model=model.cfg)
    cfg_sha = hashlib.sha256(json.dumps(config, sort_keys=True).encode()).hexdigest()

    def save(path):
        tmp = path + ".tmp"
        torch.save(dict(model=model.state_dict(), opt=opt.state_dict(), cfg=model.cfg, cvocab=cvocab,
                        pvocab=pvocab, step=step, epoch=epoch, history=history, config=config,
                        config_sha256=cfg_sha, train_seconds=seconds,
                        data=dict(real_hours=hours(real_train), synth_hours=hours(synth_train))), tmp)
        os.replace(tmp, path)

    stop = {"now": False}
    signal.signal(signal.SIGTERM, lambda *_: stop.update(now=True))
    signal.signal(signal.SIGINT, lambda *_: stop.update(now=True))
    t_start = time.time()
    t_mark = time.time()
    max_samples = int(a.batch_seconds * 16000)
    ema = None
    synth_files = synth_listing()
    while step < a.steps and not stop["now"]:
        # Synthetic sets that were still being generated when training started join at the
        # next epoch (the vocabularies were fixed from the planned text, so nothing shifts).
        if synth_listing() != synth_files:
            synth_files = synth_listing()
            synth_train = [u for u in load_synth()[0] if trainable(u)]
            print(f"epoch {epoch}: {len(synth_files)} synthetic sets, {hours(synth_train):.2f} h", flush=True)
        # Each epoch: every real utterance + a fresh synthetic draw of the same duration.
        erng = random.Random(f"{a.seed}-{epoch}")
        need = a.synth_ratio * sum(len(u["audio"]) for u in real_train)
        pool = list(range(len(synth_train)))
        erng.shuffle(pool)
        chosen, got = [], 0
        for i in pool:
            if got >= need:
                break
            chosen.append(synth_train[i])
            got += len(synth_train[i]["audio"])
        utts = real_train + chosen
        bl = batches(utts, max_samples, erng)
        if epoch == 0:
            # SortaGrad (DeepSpeech 2): shortest utterances first in the first epoch.
            bl.sort(key=lambda b: max(len(utts[i]["audio"]) for i in b))
        done_in_epoch = batches_done_in_epoch(step, history)
        rng = np.random.default_rng([a.seed, step])
        for bi, b in enumerate(bl):
            if bi < done_in_epoch:
                continue
            if step >= a.steps or stop["now"]:
                break
            for g in opt.param_groups:
                g["lr"] = lr_at(step, a)
            use_aug = rng.random() < min(1.0, step / a.aug_ramp)
            x, lens, ch, ph = collate(utts, b, cidx, pidx, rng, aug=use_aug)
            _, lc, lp = model(x, lens)
            flens = num_frames(lens)
            loss_c = ctc(lc, flens, ch)
            loss_p = ctc(lp, flens, ph)
            loss = loss_c + PHONE_WEIGHT * loss_p
            opt.zero_grad()
            if not torch.isfinite(loss):
                step += 1
                continue
            loss.backward()
            gn = torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            # CTC can yield non-finite gradients on rare degenerate alignments even with
            # zero_infinity; one such update poisons every weight, so skip it.
            if torch.isfinite(gn):
                opt.step()
            step += 1
            now = time.time()
            seconds += now - t_mark
            t_mark = now
            ema = loss_c.item() if ema is None else 0.98 * ema + 0.02 * loss_c.item()
            if step % 25 == 0:
                print(f"step {step} ep {epoch} loss_c {loss_c.item():.3f} (ema {ema:.3f}) loss_p {loss_p.item():.3f} "
                      f"lr {lr_at(step, a):.2e} {seconds / 3600:.2f} h ({(now - t_start) / 60:.1f} min this run)",
                      flush=True)
            if step % a.eval_every == 0 or step == a.steps:
                cer = dev_cer(model, dev, cidx)
                history.append(dict(step=step, dev_cer=cer, hours=seconds / 3600))
                print(f"eval step {step}: dev CER " + ", ".join(f"{k} {v:.3f}" for k, v in cer.items()), flush=True)
                save(os.path.join(a.out, f"step{step}.pt"))
            if step % a.save_every == 0:
                save(last)
            if a.max_minutes and (now - t_start) / 60 >= a.max_minutes:
                stop["now"] = True
        else:
            history.append(dict(epoch_end=True, epoch=epoch, batches=len(bl)))
            epoch += 1
    save(last)
    print(f"stopped at step {step} ({seconds / 3600:.2f} h of training in all)", flush=True)


if __name__ == "__main__":
    main()

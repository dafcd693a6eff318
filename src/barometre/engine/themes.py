"""Themes of free-text comments: TF-IDF weights (scikit-learn) factorised by NMF into a
few groups of words, with a French stop-word list shipped with the engine. Deterministic
for a given seed; placeholders left by personal-data masking are ignored."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from barometre.engine.grid import DATA_DIR

MIN_COMMENTS = 8
_PLACEHOLDER = re.compile(r"\[[^\]]*masqué\]")


@lru_cache(maxsize=1)
def french_stop_words() -> frozenset[str]:
    lines = (DATA_DIR / "stopwords-fr.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip() for w in lines if w.strip() and not w.startswith("#"))


@dataclass(frozen=True)
class Theme:
    words: tuple[str, ...]  # most characteristic words first
    comments: tuple[int, ...]  # indices of the comments mainly about this theme

    @property
    def size(self) -> int:
        return len(self.comments)


def _tokens(text: str) -> list[str]:
    words = re.findall(r"[a-zà-öø-ÿœæ]+", _PLACEHOLDER.sub(" ", text.lower()))
    stop = french_stop_words()
    return [w for w in words if len(w) > 2 and w not in stop]


def comment_themes(
    texts: list[str], *, themes: int = 5, words: int = 6, seed: int = 0
) -> list[Theme]:
    """Up to ``themes`` themes, largest first; empty when there are too few comments or
    too few shared words to say anything."""
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = [t for t in texts if t and t.strip()]
    if len(texts) < MIN_COMMENTS:
        return []
    vectorizer = TfidfVectorizer(
        tokenizer=_tokens,
        lowercase=False,
        token_pattern=None,
        min_df=2,
        max_df=0.9,
        sublinear_tf=True,
    )
    try:
        matrix = vectorizer.fit_transform(texts)
    except ValueError:  # no word left after filtering
        return []
    vocabulary = vectorizer.get_feature_names_out()
    k = min(themes, matrix.shape[1], matrix.shape[0] - 1)
    if k < 1:
        return []
    model = NMF(n_components=k, init="nndsvda", random_state=seed, max_iter=500)
    # NMF also computes its reconstruction error, which it does not use here; on some
    # inputs a rounding error makes a square root of a tiny negative number there
    # (RuntimeWarning in sklearn's _beta_divergence): the factors are not affected.
    with np.errstate(invalid="ignore"):
        weights = model.fit_transform(matrix)
    main = np.where(weights.max(axis=1) > 0, weights.argmax(axis=1), -1)
    out = []
    for j, component in enumerate(model.components_):
        top = [vocabulary[i] for i in np.argsort(component)[::-1][:words] if component[i] > 0]
        # The comments mainly about this theme, the most typical first.
        members = np.flatnonzero(main == j)
        order = np.lexsort((members, -weights[members, j]))
        if top and len(members):
            out.append(Theme(tuple(top), tuple(int(i) for i in members[order])))
    return sorted(out, key=lambda t: -t.size)

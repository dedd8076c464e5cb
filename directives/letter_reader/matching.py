"""Match the names a letter addresses to existing units and unit groups.

Confidence: 1.0 equal after normalisation (Unicode form, tone-mark placement, case);
0.9 equal once abbreviations are written out (UBND, MTTQ, HU …); 0.85 equal apart from
small words ("&" or "và", "cấp huyện" or "huyện"); 0.8 equal without diacritics; 0.6–0.8
the name is the start or a part of exactly one unit's name ("Ủy ban nhân dân huyện" →
"Ủy ban nhân dân huyện Tuy Phước", "Mặt trận Tổ quốc Việt Nam" → "Ủy ban Mặt trận Tổ
quốc Việt Nam huyện …"); below that, shared words."""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .text import canon


def fold(text: str) -> str:
    """units.models.fold, imported when first used so that reading needs no Django setup."""
    from units.models import fold as units_fold

    return units_fold(text)


ABBREVIATIONS = {
    "ubnd": "ủy ban nhân dân",
    "hđnd": "hội đồng nhân dân",
    "ubmttq": "ủy ban mặt trận tổ quốc",
    "mttq": "mặt trận tổ quốc",
    "tccs": "tổ chức cơ sở",
    "tcđ": "tổ chức đảng",
    "hu": "huyện ủy",
    "tu": "tỉnh ủy",
    "thu": "thành ủy",
    "đu": "đảng ủy",
    "btg": "ban tuyên giáo",
    "btc": "ban tổ chức",
    "bdv": "ban dân vận",
    "ubkt": "ủy ban kiểm tra",
    "btv": "ban thường vụ",
    "bch": "ban chấp hành",
    "vphu": "văn phòng huyện ủy",
    "vptu": "văn phòng tỉnh ủy",
    "vp": "văn phòng",
    "vh-tt": "văn hóa - thông tin",
    "vh-tt-tt": "văn hóa - thông tin - thể thao",
    "vh": "văn hóa",
    "lđlđ": "liên đoàn lao động",
    "hlhpn": "hội liên hiệp phụ nữ",
    "lhpn": "liên hiệp phụ nữ",
    "ccb": "cựu chiến binh",
    "nd": "nông dân",
    "đtn": "đoàn thanh niên",
    "tncs": "thanh niên cộng sản",
    "tp": "thành phố",
    "vn": "việt nam",
    "tw": "trung ương",
    "ca": "công an",
}
# Words that say little about which unit is meant.
FILLER = {
    canon(w) for w in ("các", "và", "của", "cấp", "trực thuộc", "thuộc", "việt", "nam", "-", "&")
}
_MTTQ, _MTTQ_VN = canon("tổ quốc"), canon("tổ quốc việt nam")
_EXPANSIONS = {canon(k): canon(v) for k, v in ABBREVIATIONS.items()}


@dataclass
class UnitMatch:
    name: str  # as the letter prints it
    unit_id: Any = None  # None: propose a new unit
    unit_name: str | None = None
    is_group: bool = False
    confidence: float = 0.0

    @property
    def pk(self) -> Any:
        """The matched unit's or group's id, as Django names it."""
        return self.unit_id


@dataclass
class _Candidate:
    id: Any
    name: str
    keys: list[str]
    is_group: bool


def _key(text: str) -> str:
    key = canon(re.sub(r"[,;:.()\[\]\"“”'/]", " ", text))
    return " ".join(key.replace("&", " & ").split())


def _expand(key: str) -> str:
    words = [_EXPANSIONS.get(w, w) for w in key.split()]
    out = " ".join(words)
    out = out.replace(_MTTQ_VN, _MTTQ)  # Mặt trận Tổ quốc with or without "Việt Nam"
    return " ".join(out.split())


def _tokens(key: str) -> list[str]:
    return [w for w in key.split() if w not in FILLER]


def _candidates(units: Iterable[Any], is_group: bool) -> list[_Candidate]:
    out = []
    for u in units:
        if isinstance(u, (tuple, list)):
            uid, name, short = [*u, None, None][:3]
        else:
            uid = getattr(u, "pk", getattr(u, "id", None))
            name, short = getattr(u, "name", ""), getattr(u, "short_name", "")
        names = [n for n in (name, short) if n]
        out.append(
            _Candidate(uid, str(name or short or ""), [_key(str(n)) for n in names], is_group)
        )
    return out


def match_units(
    names: Iterable[str], units: Iterable[Any], groups: Iterable[Any] = ()
) -> list[UnitMatch]:
    """For each name, the best unit or group and how sure the match is (see module doc).
    `units`/`groups`: (id, name, short_name) tuples or objects with pk, name, short_name."""
    candidates = _candidates(units, False) + _candidates(groups, True)
    return [_best(name, candidates) for name in names]


def _best(name: str, candidates: list[_Candidate]) -> UnitMatch:
    key = _key(name)
    if not key:
        return UnitMatch(name)
    scored = [(_score(key, c), c) for c in candidates]
    containing = [c for s, c in scored if 0.6 <= s < 0.8]
    best_score, best = max(scored, key=lambda sc: sc[0], default=(0.0, None))
    if best is None or best_score < 0.4:
        return UnitMatch(name)
    if 0.6 <= best_score < 0.8:
        # The only unit that fits is a match; "Đảng bộ xã", which fits every commune, a guess.
        best_score = min(best_score + 0.1, 0.79) if len(containing) == 1 else 0.5
    return UnitMatch(name, best.id, best.name, best.is_group, round(best_score, 3))


def _inside(mine: list[str], theirs: list[str]) -> bool:
    """The words of the name, in order and together, in the unit's name: its start
    ("Ủy ban nhân dân huyện …") or a part ("Ủy ban Mặt trận Tổ quốc … huyện")."""
    size = len(mine)
    return any(theirs[i : i + size] == mine for i in range(len(theirs) - size + 1))


def _score(key: str, c: _Candidate) -> float:
    if key in c.keys:
        return 1.0
    expanded = _expand(key)
    keys = [_expand(k) for k in c.keys]
    if expanded in keys:
        return 0.9
    if fold(expanded) in {fold(k) for k in keys}:
        return 0.8
    mine = _tokens(expanded)
    best = 0.0
    for k in keys:
        theirs = _tokens(k)
        if not mine or not theirs:
            continue
        if mine == theirs:  # apart from small words: "&" or "và", "cấp huyện" or "huyện"
            best = max(best, 0.85)
            continue
        if len(mine) < len(theirs) and _inside(mine, theirs):
            best = max(best, 0.6 + 0.1 * len(mine) / len(theirs))
            continue
        common = (
            len(set(mine) & set(theirs))
            or len({fold(w) for w in mine} & {fold(w) for w in theirs}) * 0.8
        )
        best = max(best, 0.55 * 2 * common / (len(set(mine)) + len(set(theirs))))
    return best

"""Plain builders for the pure rules: the ND32-2021 law straight from the data migration (no database) and
small rosters of wards, people and holdings."""

import datetime as dt
import importlib
import itertools

from staffing import rules

_reform = importlib.import_module("staffing.migrations.0002_reform_nd32_2021")
_catalogue = importlib.import_module("wards.migrations.0002_position_catalogue")

CUTOVER = dt.date(2021, 7, 1)


def law(**param_overrides) -> rules.Law:
    """The ND32-2021 Law as the data migration loads it, with optional parameter values replaced."""
    titles = {code: (title, kind, order) for code, title, _s, kind, _l, _u, order in _catalogue.POSITIONS}
    posts = {}
    for spec in _reform.RULES:
        spec = dict(spec)
        code = spec.pop("position")
        title, kind, order = titles[code]
        seats = {
            "I": (spec.pop("min_class_i", None), spec.pop("max_class_i", None)),
            "II": (spec.pop("min_class_ii", None), spec.pop("max_class_ii", None)),
            "III": (spec.pop("min_class_iii", None), spec.pop("max_class_iii", None)),
        }
        posts[code] = rules.PostRule(
            code=code, title=title, kind=kind, display_order=order, seats=seats, **spec
        )
    params = {
        p["key"]: rules.Param(
            p["key"], param_overrides.get(p["key"], p["value"]), p["citation"], p["is_default"]
        )
        for p in _reform.PARAMETERS
    }
    r = _reform.REFORM
    return rules.Law(r["code"], r["title"], r["cutover_date"], r["legal_basis"], posts, params)


_ids = itertools.count(1)


class RosterBuilder:
    """wards by class, people with one or more holdings; ``build()`` gives a Roster whose whole district is in
    scope."""

    def __init__(self):
        self.wards, self.people, self.holdings, self.relations = {}, {}, [], []

    def ward(self, ward_class="I", name=None):
        wid = next(_ids)
        name = name or f"Phường {wid}"
        self.wards[wid] = rules.WardInfo(wid, f"p-{wid}", name, ward_class, 1, len(self.wards))
        return wid

    def person(self, ward_id, *posts, sex="M", born=dt.date(1980, 5, 10), education=5, political=2, it=True,
               law_training=False, civil_status=False, recruited=None, start=dt.date(2016, 6, 1),
               concurrent=(), code=None, name=None):  # fmt: skip
        pid = next(_ids)
        code = code or f"C{pid:04d}"
        self.people[pid] = rules.Person(
            pid, code, name or f"Người {pid}", sex, born, ward_id, education, political, it, law_training,
            civil_status, recruited, sort_key=code,
        )  # fmt: skip
        for i, post in enumerate(posts):
            self.holdings.append(rules.Holding(next(_ids), pid, ward_id, post, start, i == 0))
        for post in concurrent:
            self.holdings.append(rules.Holding(next(_ids), pid, ward_id, post, start, False))
        return pid

    def relate(self, a, b, kind="spouse"):
        self.relations.append(rules.Relation(a, b, kind))

    def full_ward(self, ward_class="I", vice_chairs=1, skip=()):
        """A ward with one holder of every post of the new structure (and ``vice_chairs`` Vice-Chairs)."""
        wid = self.ward(ward_class)
        for post in (
            "CHU_TICH",
            "TRUONG_CONG_AN",
            "CHT_QUAN_SU",
            "VP_TK",
            "DC_XD_DT_MT",
            "TC_KT",
            "TP_HT",
            "VH_XH",
        ):
            if post not in skip:
                self.person(wid, post, law_training=True, civil_status=True)
        for _ in range(vice_chairs):
            self.person(wid, "PHO_CHU_TICH")
        return wid

    def build(self, scope=None):
        scope = set(self.wards) if scope is None else set(scope)
        whole = {1: len(self.wards)} if scope == set(self.wards) else {}
        return rules.Roster(dict(self.wards), dict(self.people), list(self.holdings), list(self.relations),
                            scope, whole)  # fmt: skip


def run(builder, *, as_of=None, plan=None, the_law=None, scope=None):
    findings, projection = rules.evaluate(builder.build(scope), the_law or law(), as_of=as_of, plan=plan)
    return findings


def codes(findings, code=None, official=None):
    return [
        (f.code, f.severity)
        for f in findings
        if (code is None or f.code == code) and (official is None or f.official_id == official)
    ]

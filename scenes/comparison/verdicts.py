"""What the comparison concludes, in words and in tables: the verdict sentences of sequence 5
(shown short, spoken in full) and the two tables that set each verdict beside its numbers.

Every claim is a verdict of :mod:`scenes.findings`: "better" only where the 95% bootstrap
interval of the difference excludes 0, "too close to call" otherwise; each number a sentence
or a cell states is recorded as it is read.

    class Comparison(ComparisonVerdicts):
        def summary(self) -> None:
            rows, colors, tally = self.summary_cells()
            self.play_p(FadeIn(self.summary_table(rows, colors)))
"""
from __future__ import annotations

from typing import Optional, Sequence

from manim import RIGHT, Text, VGroup

from contract.scene_data import MODELS
from scenes.comparison import findings
from scenes import visuals as tk
from scenes.base import join_sentences
from scenes.comparison.parts import SET_NAME_KEY, ComparisonParts, Panel
from scenes import standings
from scenes.shown import Ref, bin_gap, rotation_argmax


class ComparisonVerdicts(ComparisonParts):
    """The verdicts each section of :class:`scenes.comparison.script.Comparison` says and
    tabulates."""

    def rotation_verdict(self) -> tuple[str, Optional[findings.EdlMiss]]:
        """What the curves show (:func:`findings.rotation_sentence`), and whether EDL names a
        wrong digit too: the angle where it does with its lowest u (None if never)."""
        f = findings.rotation(self.data)
        verdict = self.t(findings.rotation_sentence(f), n_wrong=len(f.wrong_angles),
                         n=f.n_angles, conf=f.softmax_conf_wrong, u_wrong=f.edl_u_wrong,
                         u_right=f.edl_u_right)
        miss = findings.rotation_edl_miss(self.data)
        if miss is None:
            return join_sentences([verdict, self.t("rotation_edl_right")]), None
        i = miss.index  # rotation.edl_probs / edl_u / angles at that angle
        self.record(rotation_argmax(self.d.rotation, "edl", i), miss.edl_digit)
        self.show(self.d.rotation.angles[i])
        return join_sentences([verdict, self.t(
            "rotation_edl_wrong", angle=miss.angle, edl_digit=miss.edl_digit,
            softmax_digit=miss.softmax_digit, u=self.show(self.d.rotation.edl_u[i]))]), miss

    def auroc_table(self, panels: Sequence[Panel], size: float = 22) -> VGroup:
        """One column per panel: under held-out digits the row labels, under each unrelated set
        the verdict, its AUROC (by entropy) for both models (``unrelated.sets[i].compare``),
        EDL's by u, the difference and its 95% interval: the verdict stands with its numbers."""
        muted = self.theme.muted
        labels = VGroup(*[self.text(t, size=size, color=c) for t, c in (
            (self.t("verdict_row"), muted), (self.name("softmax"), self.theme.softmax),
            *[(self.name(m), self.color(m)) for m in self.others],
            (self.name("edl"), self.theme.edl), (self.t("auroc_u_row"), self.theme.edl),
            (self.t("diff_row"), muted), (self.t("ci_row"), muted))])
        columns = VGroup(labels)
        for i, (key, _, _, _) in enumerate(panels[1:]):  # panels[i + 1] is unrelated.sets[i]
            v, vu = findings.auroc(self.data, key, "entropy"), findings.auroc(self.data, key, "u")
            self.record_verdict(v)
            more = self.d.unrelated.sets[i].more  # the other models, by entropy too
            columns.add(VGroup(  # each number read from the Diff its verdict was read from
                self.text(self.t(f"ahead_{v.winner}"), size=size, color=self.verdict_color(v)),
                self.number(v.at.softmax, 3, size + 2, self.theme.softmax),
                *[self.number(more.models[m].auroc_entropy, 3, size + 2, self.color(m))
                  for m in self.others],
                self.number(v.at.edl, 3, size + 2, self.theme.edl),
                self.number(vu.at.edl, 3, size, self.theme.edl),
                self.number(v.at.diff, 3, size, muted, signed=True),
                self.text(self.t("ci_cell", **v.fmt()), size=size - 1, color=muted)))
        return columns

    def entropy_standings(self) -> list[str]:
        """Per unrelated set, which chosen model's entropy separates it best and where EDL
        stands, by the intervals (spoken; nothing when the pair alone is compared)."""
        if not self.others:
            return []
        said = []
        for i, s in enumerate(self.data.unrelated.sets):
            st = standings.standing(s, "entropy", self.models)
            refs = {m: self.entropy_auroc(i, m) for m in self.models}
            other = st.second if st.best == "edl" else st.best
            lo, hi = self.entropy_interval(i, other)
            said.append(self.t(f"entropy_{standings.standing_key(st)}",
                               set=self.t(SET_NAME_KEY.get(s.key, s.key)),
                               best=self.t(f"who_{st.best}"),
                               best_auroc=self.show(refs[st.best]),
                               second=self.t(f"who_{st.second}"),
                               second_auroc=self.show(refs[st.second]),
                               edl=self.show(refs["edl"]), lo=lo, hi=hi))
        return said

    def entropy_auroc(self, i: int, m: str) -> Ref:
        """Model ``m``'s AUROC by entropy on set ``i``."""
        s = self.d.unrelated.sets[i]
        return s.stats[m].auroc_entropy if m in MODELS else s.more.models[m].auroc_entropy

    def entropy_interval(self, i: int, m: str) -> tuple[float, float]:
        """The interval of (``m`` - EDL) by entropy on set ``i``, recorded (softmax's is stored
        as EDL - softmax)."""
        s = self.d.unrelated.sets[i]
        if m == "softmax":
            ci = s.compare.auroc_entropy.diff_ci
            return self.show(-ci[1]), self.show(-ci[0])
        ci = s.more.models[m].compare["auroc_entropy"].diff_ci
        return self.show(ci[0]), self.show(ci[1])

    def beside_edl(self, metric: str, fmt: str) -> list[str]:
        """Each other chosen model against EDL on a held-out ``metric`` (``accuracy``,
        ``rejection``): ``vs_edl_<metric>_<ahead|behind|tie>``, both values and the interval of
        (model - EDL), from ``heldout.more.models.<m>.compare``."""
        said, signed = [], "{:+" + fmt[2:]  # "{:.1%}" -> "{:+.1%}"
        for m in self.others:
            c = self.d.heldout.more.models[m].compare[metric]
            v = findings.vs_edl(m, c._obj)
            said.append(self.t(f"vs_edl_{metric}_{v.outcome}", model=self.t(f"who_{m}"),
                               value=self.fmt(c.value, fmt), edl=self.fmt(c.reference, fmt),
                               lo=self.fmt(c.diff_ci[0], signed), hi=self.fmt(c.diff_ci[1], signed)))
        return said

    def auroc_verdict(self) -> tuple[str, findings.Verdict]:
        """Per set first, then the pooled number and how it is pooled. On screen, short (the
        numbers stand under each panel); spoken, every set with its values and interval.
        Returns the sentence shown and the pooled verdict."""
        by_set, pooled = findings.auroc_judged(self.data, "entropy")
        groups: dict[str, list[str]] = {"edl": [], "softmax": [], findings.TIE: []}
        spoken = []
        for key, v in by_set.items():
            self.record_verdict(v)
            name = self.t(SET_NAME_KEY.get(key, key))
            groups[v.winner].append(name)
            spoken.append(self.t(f"auroc_set_{self.outcome(v)}", set=name, **v.fmt()))
        shown = [self.t(f"auroc_sets_{who}", sets=self.join_items(names, "list_and"))
                 for who, names in groups.items() if names]
        self.record_verdict(pooled)
        u = self.data.unrelated
        names = [self.t(SET_NAME_KEY.get(k, k)) for k in u.pooled_sets]
        n = sum(s.n for s in u.sets if s.key in u.pooled_sets)
        pooled_text = self.t(f"auroc_pooled_{self.outcome(pooled)}", n=n,
                             sets=self.join_items(names, "list_and"), **pooled.fmt())
        self.values["auroc_verdict"] = join_sentences([*spoken, pooled_text,
                                                       *self.entropy_standings()])
        return join_sentences([*shown, pooled_text]), pooled

    def calibration_direction(self, m: str) -> str:
        """``EDL is underconfident by 4.0 points on average; 90% of that comes from the 64
        digits with confidence 0.2-0.5; in the fullest bin (875 digits) ...``"""
        model = self.data.heldout.models[m]
        gap = findings.confidence_gap(model)
        shown = getattr(self.d.heldout.models, m)
        self.record(findings.mean_gap(shown), gap)
        name = self.name(m)
        direction = findings.confidence_direction(model)
        sentence = self.t(f"calib_{direction}", model=name[:1].upper() + name[1:], pp=100 * abs(gap))
        src = findings.gap_source(model)
        if direction == "balanced" or src is None:
            return sentence
        rel = shown.reliability
        self.show(rel[src.main].count)
        self.show(rel[src.full].count)
        self.record(bin_gap(rel[src.full]), src.full_gap)
        return join_sentences([sentence, self.t(
            "calib_source", share=src.main_share, n=src.main_count, lo=src.main_lower,
            hi=src.main_upper, n_full=src.full_count, full_pp=100 * src.full_gap)])

    def attack_verdict(self) -> tuple[str, findings.Verdict]:
        """On screen: accuracy at the largest eps with its interval, and how u and entropy rise.
        Spoken as well: the stronger PGD attack, and why no model's own loss is used.
        Returns the sentence shown and the FGSM verdict."""
        f = self.data.attacks
        a = f.fgsm
        v = findings.attack_strongest(self.data, "fgsm")
        i0, i1 = findings.weakest_attack(self.data), v.extra["index"]
        rise = self.t("fgsm_rise" if findings.u_rises(self.data, i0, i1) else "fgsm_no_rise",
                      u0=self.show(self.d.attacks.fgsm.edl_mean_u[i0]),
                      u1=self.show(self.d.attacks.fgsm.edl_mean_u[i1]),
                      sm_h0=a.mean_entropy["softmax"][i0], sm_h1=a.mean_entropy["softmax"][i1],
                      edl_h0=a.mean_entropy["edl"][i0], edl_h1=a.mean_entropy["edl"][i1])
        shown = join_sentences([self.verdict_text("fgsm", v), rise])
        pgd = findings.attack_strongest(self.data, "pgd")
        parts = [shown, self.verdict_text("pgd", pgd, steps=f.pgd_steps)]
        if findings.own_loss_masks(self.data, i1):  # the masking this attack avoids
            own = self.d.attacks.own_loss_fgsm
            parts.append(self.t(
                "own_loss_note", own=self.show(own.zero_grad_share.edl[i1]),
                own_acc=self.show(own.accuracy.edl[i1])))
        self.values["fgsm_verdict"] = join_sentences(parts)
        return shown, v

    def summary_rows(self) -> list[tuple[str, str, findings.Verdict, str]]:
        """(row label, short name, verdict, value format) of the closing table, in the order of
        :func:`findings.summary`: per-set AUROCs come before anything pooled."""
        labels = {"accuracy": ("row_accuracy", "short_accuracy", "pct"),
                  "ece": ("row_ece", "short_ece", "{:.3f}"),
                  "rejection": ("row_rejection", "short_rejection", "pct2"),
                  "fgsm": ("row_fgsm", "short_fgsm", "pct"),
                  "auroc": ("row_auroc_set", "short_auroc_set", "{:.3f}")}
        out = []
        for v in findings.summary(self.data):
            row, short, fmt = labels[v.metric]
            names = {}
            if v.metric == "auroc":
                key = v.extra["set"]
                names = {"set": self.t(SET_NAME_KEY[key]) if key in SET_NAME_KEY else key}
            out.append((self.t(row, **v.fmt(), **names), self.t(short, **names), v, fmt))
        return out

    def summary_cells(self) -> tuple[list[list[str]], dict[tuple[int, int], str],
                                      dict[str, list[str]]]:
        """The table's rows (header first), the colour of each value cell, and the short
        names of the metrics grouped by winner."""
        rows = [[self.t("col_metric"), self.name("softmax"), self.name("edl"),
                 self.t("col_diff"), self.t("col_better")]]
        colors: dict[tuple[int, int], str] = {}
        tally: dict[str, list[str]] = {"edl": [], "softmax": [], findings.TIE: []}
        for r, (label, short, v, fmt) in enumerate(self.summary_rows(), start=1):
            rows.append(self._summary_row(r, label, v, fmt, colors))
            tally[v.winner].append(short)
        return rows, colors, tally

    def _summary_row(self, r: int, label: str, v: findings.Verdict, fmt: str,
                     colors: dict[tuple[int, int], str]) -> list[str]:
        """Row ``r``: the metric, both values, the difference with its interval, the winner
        (their colours go into ``colors``)."""
        cells = [label]
        for c, m in enumerate(MODELS, start=1):
            cells.append(self._value_cell(self.record(getattr(v.at, m), v.value(m)), fmt))
            colors[(r, c)] = self.color(m)
        self.record_verdict(v)
        cells.append(self.t("cell_diff_pct" if fmt.startswith("pct") else "cell_diff",
                            **v.fmt()))
        colors[(r, 3)] = self.theme.muted
        cells.append(self.t(f"better_{v.winner}"))
        colors[(r, 4)] = self.verdict_color(v)
        return cells

    def _value_cell(self, value: float, fmt: str) -> str:
        """A value as its row writes it: ``pct`` (YAML ``percent``), ``pct2`` (two decimals
        of a percent) or a number format."""
        if fmt == "pct":
            return self.t("percent", value=value)
        if fmt == "pct2":
            return tk.format_number(value, "{:.2%}")
        return tk.format_number(value, fmt)

    def summary_table(self, rows: list[list[str]], colors: dict[tuple[int, int], str]
                       ) -> tk.TextTable:
        """The closing table, its labels aligned by their text origin, fitted above centre."""
        table = tk.TextTable(rows, font=self.theme.font, font_size=26, text_color=self.theme.text,
                             header_color=self.theme.muted, rule_color=self.theme.muted,
                             col_align="lrrrc", col_buff=0.6, row_buff=0.26, cell_colors=colors)
        # left column: align the labels by their text origin, not by their ink (an "A" has
        # a wider left side bearing than an "h"; ink-aligned labels look 2-3 px off)
        bearing = []
        for row in rows:
            probe = [self.text(p, size=26) for p in ("H" + row[0], row[0])]
            bearing.append(probe[0].width - probe[1].width)
        for r, b in enumerate(bearing):
            cell = table.cell(r, 0)
            if isinstance(cell, Text):
                cell.shift(RIGHT * (b - min(bearing)))
        tk.fit_within(table, 13.0, 4.6)
        table.move_to([0, 0.75, 0])
        return table

    def summary_sentence(self, tally: dict[str, list[str]]) -> str:
        """Spoken: which metrics EDL wins, which softmax wins, which are too close to call."""
        sentences = []
        for who, key in (("edl", "summary_edl"), ("softmax", "summary_softmax"),
                         (findings.TIE, "summary_tie")):
            if tally[who]:
                sentences.append(self.t(key, items=self.join_items(tally[who])))
        return join_sentences(sentences)


__all__ = ["ComparisonVerdicts"]

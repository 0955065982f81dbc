"""EDL quantities and losses against hand-computed values; KL against Monte Carlo."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from scipy import stats

from pipeline import edl

E = torch.tensor([[2.0, 0.0, 1.0]])
Y = torch.tensor([[1.0, 0.0, 0.0]])


def test_dirichlet_quantities_by_hand() -> None:
    d = edl.dirichlet(E)
    assert torch.allclose(d["alpha"], torch.tensor([[3.0, 1.0, 2.0]]))
    assert d["S"].item() == pytest.approx(6.0)
    assert torch.allclose(d["belief"], torch.tensor([[1 / 3, 0.0, 1 / 6]]))
    assert d["u"].item() == pytest.approx(0.5)
    assert torch.allclose(d["p_hat"], torch.tensor([[0.5, 1 / 6, 1 / 3]]))
    # belief masses plus u sum to one
    assert (d["belief"].sum() + d["u"]).item() == pytest.approx(1.0)


def test_losses_by_hand() -> None:
    alpha = E + 1
    # Eq. 5: squared error 0.25 + 1/36 + 1/9, variance (0.25 + 5/36 + 2/9) / 7 -> 10/21
    assert edl.fit_term(alpha, Y, "mse").item() == pytest.approx(10 / 21, rel=1e-6)
    # digamma: psi(6) - psi(3) = 1/3 + 1/4 + 1/5
    assert edl.fit_term(alpha, Y, "digamma").item() == pytest.approx(1 / 3 + 1 / 4 + 1 / 5, rel=1e-6)
    # log: log 6 - log 3
    assert edl.fit_term(alpha, Y, "log").item() == pytest.approx(math.log(2), rel=1e-6)
    with pytest.raises(ValueError, match="unknown EDL loss"):
        edl.fit_term(alpha, Y, "hinge")


def test_kl_closed_form_by_hand_and_zero_at_uniform() -> None:
    assert edl.kl_to_uniform(torch.ones(1, 10)).item() == pytest.approx(0.0, abs=1e-6)
    # alpha_tilde = y + (1-y)*alpha = (1, 1, 2): KL = log 3 - 5/6
    assert edl.kl_to_uniform(torch.tensor([[1.0, 1.0, 2.0]])).item() == pytest.approx(
        math.log(3) - 5 / 6, rel=1e-5)


@pytest.mark.parametrize("alpha", [[1.0, 1.0, 2.0], [3.0, 0.7, 5.0], [1.2, 8.0, 1.0, 2.5]])
def test_kl_matches_monte_carlo(alpha: list[float]) -> None:
    a = np.array(alpha)
    rng = np.random.default_rng(0)
    x = rng.dirichlet(a, size=200_000)
    x = np.clip(x, 1e-300, None)
    x /= x.sum(1, keepdims=True)
    mc = np.mean(stats.dirichlet.logpdf(x.T, a) - stats.dirichlet.logpdf(x.T, np.ones_like(a)))
    closed = edl.kl_to_uniform(torch.tensor([alpha], dtype=torch.float64)).item()
    assert closed == pytest.approx(mc, abs=0.02)


def test_edl_loss_uses_alpha_tilde_and_lambda() -> None:
    alpha = E + 1
    loss, fit, kl = edl.edl_loss(alpha, Y, lam=0.5)
    assert kl.item() == pytest.approx(math.log(3) - 5 / 6, rel=1e-5)
    assert loss.item() == pytest.approx(fit.item() + 0.5 * kl.item(), rel=1e-6)


def test_annealing_schedule() -> None:
    assert [edl.annealing(t, 10) for t in (0, 5, 10, 25)] == [0.0, 0.5, 1.0, 1.0]


def test_evidence_functions() -> None:
    z = torch.tensor([-100.0, -1.0, 0.0, 2.0, 100.0])
    assert torch.equal(edl.evidence_fn("relu")(z), torch.tensor([0.0, 0.0, 0.0, 2.0, 100.0]))
    assert edl.evidence_fn("softplus")(z)[2].item() == pytest.approx(math.log(2))
    ex = edl.evidence_fn("exp", clamp=10)(z)
    assert ex[-1].item() == pytest.approx(math.exp(10)) and ex[0].item() == pytest.approx(math.exp(-10))
    assert (ex > 0).all()
    with pytest.raises(ValueError, match="unknown evidence"):
        edl.evidence_fn("tanh")


@pytest.mark.parametrize("evidence", ["relu", "softplus", "exp"])
@pytest.mark.parametrize("kind", ["mse", "digamma", "log"])
def test_gradients_finite(evidence: str, kind: str) -> None:
    torch.manual_seed(0)
    z = (torch.randn(16, 10) * 30).requires_grad_(True)  # includes extreme logits
    y = torch.nn.functional.one_hot(torch.arange(16) % 10, 10).float()
    alpha = edl.evidence_fn(evidence)(z) + 1
    loss, _, _ = edl.edl_loss(alpha, y, lam=1.0, kind=kind)
    loss.backward()
    assert torch.isfinite(loss) and torch.isfinite(z.grad).all()

"""Abuse suite of the datafits (``sparseopt.datafits``): bad parameters, targets outside the
datafit's domain and wrong shapes give a clear error naming the argument, directly and through
the generic estimator; degenerate targets give verified results (table-driven cases plus
hypothesis properties)."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import check_grad
from sklearn.exceptions import ConvergenceWarning

from sparseopt.datafits import (
    Gamma,
    Huber,
    Logistic,
    Poisson,
    Quadratic,
    QuadraticMultiTask,
    WeightedLogistic,
    WeightedQuadratic,
)
from sparseopt.linear_model import GeneralizedLinearEstimator
from sparseopt.penalties import L1
from sparseopt.reference import glm_reference
from sparseopt.solvers import BlockCoordinateDescent
from sparseopt.utils import primal_objective

ERR = (ValueError, TypeError)
RNG = np.random.default_rng(0)
X = RNG.standard_normal((30, 5))
Y = X[:, 0] + 0.1 * RNG.standard_normal(30)
Y_COUNT = np.round(np.exp(0.3 * X[:, 0]))
Y_POS = np.exp(0.3 * X[:, 0])
Y_SIGN = np.where(Y > 0, 1.0, -1.0)
NEWTON = BlockCoordinateDescent(selection="cyclic", update="newton", tol=1e-10)

DATAFITS = {  # name -> (factory, valid targets)
    "Quadratic": (Quadratic, Y),
    "Huber": (Huber, Y),
    "Poisson": (Poisson, Y_COUNT),
    "Gamma": (Gamma, Y_POS),
    "Logistic": (Logistic, Y_SIGN),
    "WeightedQuadratic": (lambda: WeightedQuadratic(np.ones(30)), Y),
    "WeightedLogistic": (lambda: WeightedLogistic(np.ones(30)), Y_SIGN),
}


def _glm(datafit):
    solver = NEWTON if isinstance(datafit, Poisson | Gamma) else None
    return GeneralizedLinearEstimator(datafit, L1(0.01), solver)


@pytest.mark.parametrize("value", [0.0, -1.0, np.nan, np.inf, "a", None, True])
def test_huber_delta_is_named(value):
    with pytest.raises(ERR, match="delta"):
        _glm(Huber(value)).fit(X, Y)
    with pytest.raises(ERR, match="delta"):
        Huber(value).value(Y, np.zeros(30))


BAD_WEIGHTS = {"short": np.ones(29), "negative": -np.ones(30), "zeros": np.zeros(30),
               "nan": np.full(30, np.nan), "strings": "a", "2d": np.ones((30, 1)),
               "complex": np.ones(30) + 1j, "inf": np.full(30, np.inf)}


@pytest.mark.parametrize("cls", [WeightedQuadratic, WeightedLogistic])
@pytest.mark.parametrize("label", list(BAD_WEIGHTS))
def test_bad_sample_weight_is_named(cls, label):
    target = Y if cls is WeightedQuadratic else Y_SIGN
    with pytest.raises(ERR, match="sample_weight"):
        _glm(cls(BAD_WEIGHTS[label])).fit(X, target)


DOMAIN = [  # (datafit, targets outside its domain)
    ("Poisson", np.r_[-1.0, Y_COUNT[1:]]), ("Poisson", np.r_[np.nan, Y_COUNT[1:]]),
    ("Gamma", np.r_[0.0, Y_POS[1:]]), ("Gamma", np.r_[-1.0, Y_POS[1:]]),
    ("Logistic", np.r_[0.0, Y_SIGN[1:]]), ("Logistic", np.arange(30.0)),
    ("WeightedLogistic", np.r_[0.5, Y_SIGN[1:]]),
]


@pytest.mark.parametrize("name, target", [pytest.param(n, t, id=f"{n}-{i}")
                                          for i, (n, t) in enumerate(DOMAIN)])
def test_targets_outside_the_domain_are_refused(name, target):
    factory, _ = DATAFITS[name]
    with pytest.raises(ValueError, match=r"\by\b|NaN"):
        _glm(factory()).fit(X, target)
    if name != "Logistic":  # the logistic loss itself is defined for any real margin
        with pytest.raises(ValueError, match=r"\by\b"):
            factory().value(target, np.zeros(30))


BAD_PAIRS = {"short Xw": (None, np.zeros(29)), "2d y": ("2d", np.zeros(30)),
             "nan y": ("nan", np.zeros(30)), "complex y": ("complex", np.zeros(30)),
             "complex Xw": (None, np.zeros(30) + 1j), "strings y": ("strings", np.zeros(30))}


@pytest.mark.parametrize("name", list(DATAFITS))
@pytest.mark.parametrize("label", list(BAD_PAIRS))
def test_value_refuses_bad_targets_and_predictions(name, label):
    factory, target = DATAFITS[name]
    how, Xw = BAD_PAIRS[label]
    y = {"2d": np.c_[target, target], "nan": np.r_[np.nan, target[1:]],
         "complex": target + 1j, "strings": np.full(30, "a"), None: target}[how]
    with pytest.raises(ERR, match=r"\by\b|Xw|sample_weight"):
        factory().value(y, Xw)


@pytest.mark.parametrize("Y2, Z", [(np.zeros((30, 2)), np.zeros((29, 2))),
                                   (np.zeros(30), np.zeros((30, 2))),
                                   (np.full((30, 2), np.nan), np.zeros((30, 2))),
                                   (np.zeros((30, 2)) + 1j, np.zeros((30, 2)))])
def test_multitask_value_refuses_bad_pairs(Y2, Z):
    with pytest.raises(ERR, match=r"\bY\b"):
        QuadraticMultiTask().value(Y2, Z)


# ------------------------------------------------------------------ verified results
def test_closed_form_values_at_zero():
    z = np.zeros(30)
    assert Quadratic().value(Y, z) == pytest.approx(0.5 * np.mean(Y**2))
    assert Logistic().value(Y_SIGN, z) == pytest.approx(np.log(2.0))
    assert Poisson().value(Y_COUNT, z) == pytest.approx(1.0)
    assert Gamma().value(Y_POS, z) == pytest.approx(np.mean(Y_POS - 1.0 - np.log(Y_POS)))
    assert WeightedQuadratic(np.ones(30)).value(Y, z) == pytest.approx(Quadratic().value(Y, z))
    big = Huber(1e300).value(Y, z)  # delta beyond every residual: least squares
    assert big == pytest.approx(Quadratic().value(Y, z))
    assert Huber(1e-12).value(Y, z) == pytest.approx(1e-12 * np.mean(np.abs(Y)), rel=1e-6)
    assert QuadraticMultiTask().value(np.c_[Y, Y], np.zeros((30, 2))) == pytest.approx(
        np.mean(Y**2))


def test_degenerate_targets_give_exact_answers():
    # Poisson with alpha above alpha_max: exactly zero
    est = _glm(Poisson()).set_params(fit_intercept=False, penalty=L1(1.0)).fit(X, Y_COUNT)
    assert np.all(est.coef_ == 0)
    # unit sample weights are the unweighted problem
    a = _glm(WeightedQuadratic(np.ones(30))).fit(X, Y).coef_
    np.testing.assert_allclose(a, _glm(Quadratic()).fit(X, Y).coef_, atol=1e-8)


def test_stopping_rule_fires_when_the_objective_at_zero_is_negative_or_zero():
    # Poisson with an intercept and a mean count above e: the objective at zero is negative;
    # Gamma with a constant target: the intercept alone fits exactly (objective 0). The gap
    # is measured against the magnitude (and rounding level) of that objective, so both
    # converge at once instead of running the whole budget and warning falsely.
    y = np.random.default_rng(1).poisson(np.exp(2 + 0.3 * X[:, 0])).astype(float)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        est = _glm(Poisson()).set_params(fit_intercept=True).fit(X, y)
        assert est.n_iter_ <= 20
        est = _glm(Gamma()).set_params(fit_intercept=True).fit(X, np.full(30, 2.5))
        assert np.all(est.coef_ == 0) and est.intercept_ == pytest.approx(np.log(2.5))
    _, _, obj_ref = glm_reference(Poisson(), L1(0.01), X, y, fit_intercept=True)
    est = _glm(Poisson()).set_params(fit_intercept=True).fit(X, y)
    obj = primal_objective(Poisson(), L1(0.01), X, y, est.coef_, est.intercept_)
    assert obj <= obj_ref + 1e-6 * abs(obj_ref)


@pytest.mark.parametrize("name", ["Huber", "Poisson", "Gamma", "WeightedQuadratic"])
def test_generic_estimator_matches_cvxpy(name):
    factory, target = DATAFITS[name]
    if name == "WeightedQuadratic":
        factory = lambda: WeightedQuadratic(np.linspace(0.5, 2.0, 30))  # noqa: E731
    est = _glm(factory()).set_params(fit_intercept=False).fit(X, target)
    _, _, obj_ref = glm_reference(factory(), L1(0.01), X, target)
    obj = primal_objective(factory(), L1(0.01), X, target, est.coef_)
    assert obj <= obj_ref + 1e-6 * max(1.0, abs(obj_ref))


# ------------------------------------------------------------------ properties
@settings(max_examples=25, deadline=None)
@given(st.sampled_from(list(DATAFITS)), st.integers(0, 2**31 - 1))
def test_property_gradient_matches_finite_differences(name, seed):
    factory, target = DATAFITS[name]
    rng = np.random.default_rng(seed)
    df = factory()
    w0 = 0.3 * rng.standard_normal(5)

    def f(w):
        return df.value(target, X @ w)

    def g(w):
        return np.asarray(df.gradient(X, target, X @ w)).ravel()

    err = check_grad(f, g, w0, epsilon=1e-7)
    assert err <= 1e-4 * max(1.0, float(np.linalg.norm(g(w0))))


@settings(max_examples=25, deadline=None)
@given(st.sampled_from(["Quadratic", "Huber", "Logistic", "Poisson", "Gamma"]),
       st.integers(0, 2**31 - 1))
def test_property_fenchel_young(name, seed):
    """At the residual dual point of ``z1``, ``D(theta) <= F(z) + theta @ z`` for every ``z``
    (Fenchel-Young), with equality at ``z1``: the duals certify."""
    factory, target = DATAFITS[name]
    rng = np.random.default_rng(seed)
    df = factory()
    z1, z2 = X @ (0.2 * rng.standard_normal(5)), X @ (0.2 * rng.standard_normal(5))
    theta = df.dual_point(target, z1)
    dual = df.dual(target, theta)
    tight = df.value(target, z1) + float(theta @ z1)
    assert dual == pytest.approx(tight, rel=1e-9, abs=1e-12)
    assert dual <= df.value(target, z2) + float(theta @ z2) + 1e-12 * max(1.0, abs(dual))

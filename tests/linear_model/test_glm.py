import numpy as np
import pytest
from sklearn.linear_model import Lasso as SkLasso

from sparseopt.datafits import Logistic
from sparseopt.linear_model import GeneralizedLinearEstimator, Lasso, SparseLogisticRegression
from sparseopt.penalties import L1, GroupL2, SparseEnvelope
from sparseopt.solvers import BlockCoordinateDescent, ProximalGradient


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((60, 15))
    y = X[:, :3] @ np.array([1.0, -2.0, 0.5]) + 0.1 * rng.standard_normal(60) + 1.0
    return X, y


def test_default_is_the_lasso(data):
    X, y = data
    glm = GeneralizedLinearEstimator(penalty=L1(0.05), fit_intercept=True).fit(X, y)
    ref = Lasso(alpha=0.05).fit(X, y)
    np.testing.assert_allclose(glm.coef_, ref.coef_, atol=1e-6)
    assert glm.intercept_ == pytest.approx(ref.intercept_, abs=1e-6)


@pytest.mark.parametrize("solver", [BlockCoordinateDescent(selection="gsl", block_size=3),
                                    ProximalGradient(tol=1e-12, max_iter=20_000)], ids=repr)
def test_solvers_agree_with_sklearn(data, solver):
    X, y = data
    glm = GeneralizedLinearEstimator(penalty=L1(0.05), solver=solver, fit_intercept=True)
    glm.fit(X, y)
    sk = SkLasso(alpha=0.05, tol=1e-14, max_iter=100_000).fit(X, y)
    np.testing.assert_allclose(glm.coef_, sk.coef_, atol=1e-5)
    np.testing.assert_allclose(glm.predict(X), sk.predict(X), atol=1e-4)


def test_envelope_and_group_penalties_and_logistic(data):
    X, y = data
    sef = GeneralizedLinearEstimator(penalty=SparseEnvelope(3, alpha=0.5)).fit(X, y)
    assert isinstance(sef.solver_result_.history, dict) and sef.coef_.shape == (15,)
    grp = GeneralizedLinearEstimator(penalty=GroupL2(0.05, 3)).fit(X, y)
    assert grp.coef_.shape == (15,)
    ypm = np.sign(y - np.median(y))
    lg = GeneralizedLinearEstimator(datafit=Logistic(), penalty=L1(0.01),
                                    solver=BlockCoordinateDescent(selection="cyclic",
                                                                  tol=1e-12)).fit(X, ypm)
    ref = SparseLogisticRegression(alpha=0.01, fit_intercept=False, tol=1e-12).fit(X, ypm)
    np.testing.assert_allclose(lg.coef_, ref.coef_[0], atol=1e-5)
    assert set(np.unique(lg.predict(X))) <= {-1.0, 1.0}
    with pytest.raises(ValueError, match="-1 and 1"):
        GeneralizedLinearEstimator(datafit=Logistic()).fit(X, y)
    with pytest.raises(TypeError, match="solver"):
        GeneralizedLinearEstimator(solver="cd").fit(X, y)


def test_penalties_and_datafits_are_parameter_objects():
    """clone deep-copies them and a grid search reaches penalty__alpha (sklearn convention)."""
    from sklearn.base import clone
    from sklearn.model_selection import GridSearchCV

    from sparseopt.penalties import GroupL2

    pen = L1(0.5)
    est = GeneralizedLinearEstimator(penalty=pen)
    assert est.get_params()["penalty__alpha"] == 0.5
    twin = clone(est)
    assert twin.penalty is not pen and twin.penalty.get_params() == pen.get_params()
    est.set_params(penalty__alpha=0.2)
    assert pen.alpha == 0.2 and twin.penalty.alpha == 0.5
    g = clone(GroupL2(0.1, [0, 0, 1], weights="sqrt_size"))
    assert g.get_params() == {"alpha": 0.1, "groups": [0, 0, 1], "weights": "sqrt_size",
                              "positive": False}
    with pytest.raises(ValueError, match="Invalid parameter"):
        L1().set_params(beta=1.0)

    rng = np.random.default_rng(0)
    X = rng.standard_normal((120, 30))
    y = X[:, :3] @ np.array([2.0, -1.5, 1.0]) + 0.5 * rng.standard_normal(120)
    alphas = [1e-3, 0.05, 5.0]
    search = GridSearchCV(GeneralizedLinearEstimator(penalty=L1(1.0)),
                          {"penalty__alpha": alphas}, cv=3).fit(X, y)
    scores = search.cv_results_["mean_test_score"]
    assert search.best_params_["penalty__alpha"] == alphas[int(np.argmax(scores))]
    assert search.best_params_["penalty__alpha"] != 5.0  # alpha = 5 zeroes every coefficient
    assert search.best_estimator_.penalty.alpha == search.best_params_["penalty__alpha"]
    # each candidate was fitted on its own copy: the template's penalty is untouched
    assert search.estimator.penalty.alpha == 1.0

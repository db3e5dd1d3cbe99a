"""scikit-learn integration: score, set_output, feature names, ActiveTaskSelector in a Pipeline."""

import warnings

import numpy as np
import pytest
import sklearn
from sklearn.model_selection import GridSearchCV, cross_validate
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer

from sparseopt.datasets import make_active_multitask
from sparseopt.multitask import ActiveTaskSelector, MultiTaskLinearRepresentation


@pytest.fixture(scope="module")
def rank2():
    """Six tasks sharing a rank-2 representation, with noise; training and held-out rows."""
    rng = np.random.default_rng(0)
    B = np.linalg.qr(rng.standard_normal((10, 2)))[0]
    W = rng.standard_normal((2, 6))
    X = rng.standard_normal((400, 10))
    Y = X @ B @ W + 0.3 * rng.standard_normal((400, 6))
    return X[:300], Y[:300], X[300:], Y[300:]


def test_score_is_minus_the_mean_squared_error(rank2):
    X, Y, X_test, Y_test = rank2
    rep = MultiTaskLinearRepresentation(2, ridge=0.0).fit(X, Y)
    pred = X_test @ rep.components_ @ rep.task_heads_
    assert rep.score(X_test, Y_test) == pytest.approx(-np.mean((Y_test - pred) ** 2), rel=1e-12)
    # on the training data it is minus the fitted objective per sample
    assert rep.score(X, Y) == pytest.approx(-rep.history_["objective"][-1], rel=1e-8)


def test_score_with_task_ids_equals_the_column_form(rank2):
    X, Y, X_test, Y_test = rank2
    rep = MultiTaskLinearRepresentation(2).fit(X, Y)
    n, T = Y_test.shape
    task = np.repeat(np.arange(T), n)
    Xs = np.tile(X_test, (T, 1))
    ys = Y_test.T.ravel()
    assert rep.score(Xs, ys, task=task) == pytest.approx(rep.score(X_test, Y_test), rel=1e-12)
    with pytest.raises(ValueError, match="n_tasks=6"):
        rep.score(X_test, Y_test[:, 0], task=np.full(n, 6))
    with pytest.raises(ValueError, match="columns"):
        rep.score(X_test, Y_test[:, :3])


def test_grid_search_picks_the_true_rank(rank2):
    X, Y, _, _ = rank2
    search = GridSearchCV(MultiTaskLinearRepresentation(), {"n_components": [1, 2, 4, 6]},
                          cv=3).fit(X, Y)
    assert search.best_params_ == {"n_components": 2}


def test_feature_names_and_pandas_output(rank2):
    pd = pytest.importorskip("pandas")
    X, Y, X_test, _ = rank2
    rep = MultiTaskLinearRepresentation(2).fit(X, Y)
    names = rep.get_feature_names_out()
    assert names.tolist() == ["multitasklinearrepresentation0", "multitasklinearrepresentation1"]
    rep.set_output(transform="pandas")
    Z = rep.transform(X_test)
    assert isinstance(Z, pd.DataFrame) and Z.columns.tolist() == names.tolist()
    columns = [f"x{i}" for i in range(10)]
    rep = MultiTaskLinearRepresentation(2).set_output(transform="pandas")
    rep.fit(pd.DataFrame(X, columns=columns), Y)
    Z = rep.transform(pd.DataFrame(X_test, columns=columns, index=np.arange(100) + 7))
    assert isinstance(Z, pd.DataFrame)
    assert Z.columns.tolist() == names.tolist() and Z.index[0] == 7
    np.testing.assert_allclose(Z.to_numpy(), X_test @ rep.components_)
    Z2 = MultiTaskLinearRepresentation(2).set_output(transform="pandas").fit_transform(X, Y)
    assert isinstance(Z2, pd.DataFrame) and Z2.shape == (300, 2)


@pytest.fixture(scope="module")
def prob():
    return make_active_multitask(n_features=10, n_components=3, n_relevant=3, n_tasks=12,
                                 n_target=30, random_state=0)


def _quiet(fn):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # low-SNR notes of the small budget
        return fn()


def test_pipeline_with_step_prefixed_fit_parameters(prob):
    """Without metadata routing, fit parameters go to the step as ``<step>__<name>``."""
    ref = _quiet(lambda: ActiveTaskSelector(budget=400, random_state=0).fit(
        prob.X_target, prob.y_target, n_tasks=12, sampler=prob.sample))
    pipe = Pipeline([("identity", FunctionTransformer()),
                     ("select", ActiveTaskSelector(budget=400, random_state=0))])
    _quiet(lambda: pipe.fit(prob.X_target, prob.y_target, select__n_tasks=12,
                            select__sampler=prob.sample))
    np.testing.assert_array_equal(pipe[-1].allocation_, ref.allocation_)
    np.testing.assert_array_equal(pipe.predict(prob.X_target), ref.predict(prob.X_target))


def test_metadata_routing(prob):
    """With routing enabled, ``set_fit_request`` routes n_tasks and sampler through
    a Pipeline and through cross_validate."""
    ref = _quiet(lambda: ActiveTaskSelector(budget=400, random_state=0).fit(
        prob.X_target, prob.y_target, n_tasks=12, sampler=prob.sample))
    with sklearn.config_context(enable_metadata_routing=True):
        sel = ActiveTaskSelector(budget=400, random_state=0).set_fit_request(
            n_tasks=True, sampler=True)
        pipe = Pipeline([("identity", FunctionTransformer()), ("select", sel)])
        _quiet(lambda: pipe.fit(prob.X_target, prob.y_target, n_tasks=12,
                                sampler=prob.sample))
        np.testing.assert_array_equal(pipe[-1].allocation_, ref.allocation_)
        cv = _quiet(lambda: cross_validate(pipe, prob.X_target, prob.y_target, cv=2,
                                           params={"n_tasks": 12, "sampler": prob.sample}))
        assert cv["test_score"].shape == (2,)
        # an unrequested parameter is refused by the router, not silently dropped
        with pytest.raises(Exception, match="sampler"):
            Pipeline([("select", ActiveTaskSelector(budget=400))]).fit(
                prob.X_target, prob.y_target, n_tasks=12, sampler=prob.sample)

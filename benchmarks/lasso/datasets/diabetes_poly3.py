from benchopt import BaseDataset, safe_import_context

with safe_import_context() as import_ctx:
    from sklearn.datasets import load_diabetes
    from sklearn.preprocessing import PolynomialFeatures, StandardScaler


class Dataset(BaseDataset):
    """scikit-learn's bundled diabetes data with degree-3 polynomial features (442 x 285)."""

    name = "diabetes_poly3"

    def get_data(self):
        X, y = load_diabetes(return_X_y=True)
        X = PolynomialFeatures(3, include_bias=False).fit_transform(X)
        X = StandardScaler().fit_transform(X)
        return dict(X=X, y=y - y.mean())

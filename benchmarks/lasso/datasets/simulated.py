from benchopt import BaseDataset, safe_import_context

with safe_import_context() as import_ctx:
    from sparseopt.datasets import make_correlated_data


class Dataset(BaseDataset):
    """The correlated design of the Lasso benchmark (rho = 0.5, snr = 3)."""

    name = "simulated"
    parameters = {"n_samples, n_features": [(1000, 5000)], "density": [0.02, 0.2],
                  "X_density": [1.0]}

    def get_data(self):
        X, y, _ = make_correlated_data(self.n_samples, self.n_features, rho=0.5, snr=3,
                                       density=self.density, X_density=self.X_density,
                                       random_state=0)
        return dict(X=X, y=y)

"""Sphinx configuration: offline build (no intersphinx unless SPARSEOPT_INTERSPHINX=1)."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import sparseopt

project = "sparseopt"
author = "sparseopt developers"
copyright = "2026, sparseopt developers"
release = sparseopt.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]
if os.environ.get("SPARSEOPT_INTERSPHINX") == "1":  # opt-in: needs the network
    extensions.append("sphinx.ext.intersphinx")
    intersphinx_mapping = {
        "python": ("https://docs.python.org/3", None),
        "numpy": ("https://numpy.org/doc/stable", None),
        "scipy": ("https://docs.scipy.org/doc/scipy", None),
        "sklearn": ("https://scikit-learn.org/stable", None),
    }

autosummary_generate = True
# scikit-learn's generated metadata-routing setters and mixin methods cite labels of its own docs
autodoc_default_options = {
    "members": True,
    "exclude-members": "set_score_request, set_fit_request, set_predict_request, score, "
                       "set_output, get_metadata_routing, set_partial_fit_request, "
                       "set_transform_request, fit_transform",
}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
templates_path = ["_templates"]
exclude_patterns = ["_build", "auto_examples/*.ipynb", "auto_examples/*.py",
                    "auto_examples/**/*.py", "auto_examples/**/*.ipynb", "**.zip",
                    "**.md5", "sg_execution_times.rst"]

sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "download_all_examples": False,
    "within_subsection_order": "FileNameSortKey",
    "write_computation_times": False,
}

html_theme = "pydata_sphinx_theme"
html_theme_options = {"navigation_with_keys": False}
html_static_path = []
html_title = f"sparseopt {release}"

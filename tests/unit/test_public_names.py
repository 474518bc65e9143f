"""The public names of ``linkedin``: the notebook API and LinkedIn's errors, one way to import each."""

import importlib

import pytest

import linkedin
from linkedin.api import errors
from linkedin.notebook.audiences import Audiences
from linkedin.notebook.inputs import BadInput


def test_the_package_names_the_notebook_api_and_every_error_class():
    error_classes = sorted(
        name for name, value in vars(errors).items()
        if isinstance(value, type) and issubclass(value, errors.LinkedInError)
    )
    assert sorted(linkedin.__all__) == sorted(["Audiences", "BadInput", *error_classes])
    assert linkedin.Audiences is Audiences and linkedin.BadInput is BadInput
    assert linkedin.SignInAgain is errors.SignInAgain and issubclass(errors.SignInAgain, errors.NeedsConsent)


@pytest.mark.parametrize("old", [
    "linkedin.audiences", "linkedin.config", "linkedin.preparation", "linkedin.guards", "linkedin.heap",
    "linkedin.table", "linkedin.members", "linkedin.context", "linkedin.signoff.tap",
])
def test_old_flat_module_paths_are_gone(old):
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module(old)


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'prepare'"):
        linkedin.prepare  # noqa: B018

"""The service's forms: the GOV.UK widgets (widgets.py) apart from the form classes, one module per
part of the service."""

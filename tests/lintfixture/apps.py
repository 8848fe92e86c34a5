from django.apps import AppConfig


class LintFixtureConfig(AppConfig):
    name = "tests.lintfixture"
    label = "lintfixture"

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and tenants")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from .models import Policy
        from .selectors import policy_cache_clear

        # roster2: a policy saved in a request is read afresh in it
        post_save.connect(policy_cache_clear, sender=Policy, dispatch_uid="policy_cache_save")
        post_delete.connect(policy_cache_clear, sender=Policy, dispatch_uid="policy_cache_delete")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "assessment"
    verbose_name = _("Annual assessment")

    def ready(self) -> None:
        # the ranking reads discipline marks through its hook (Wuhan 第二十二条)
        from scoring.selectors.ranking import DISCIPLINE_MARKS

        from .selectors import discipline_marks

        if discipline_marks not in DISCIPLINE_MARKS:
            DISCIPLINE_MARKS.append(discipline_marks)

"""The task queue in the admin (django-tasks-db's task results): each email with its
subject, recipients and attempt, and the error of each attempt that failed.

Administrators only: emails carry contacts' data from every département, which a
reviewer limited to some of them must not read, whatever permissions their group gets.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class TaskResultAdmin(DBTaskResultAdmin):
    list_display = (
        "enqueued_at",
        "status",
        "subject",
        "recipients",
        "attempt",
        "display_run_after",
        "finished_at",
        "exception_class_path",
    )
    list_filter = ("status", "exception_class_path")

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    @staticmethod
    def _kwargs(obj: DBTaskResult) -> dict:
        return obj.args_kwargs.get("kwargs") or {}

    @admin.display(description=_("subject"))
    def subject(self, obj: DBTaskResult) -> str:
        return self._kwargs(obj).get("subject", obj.task_name)

    @admin.display(description=_("recipients"))
    def recipients(self, obj: DBTaskResult) -> str:
        return ", ".join(self._kwargs(obj).get("to", []))

    @admin.display(description=_("attempt"))
    def attempt(self, obj: DBTaskResult) -> int:
        return self._kwargs(obj).get("attempt", 1)

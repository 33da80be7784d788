"""What the admin only shows."""


class NeverWritten:
    """Rows the admin only shows: never added, changed or deleted there, by anybody
    (history, checks, welcomes, access records)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

"""Logging filters: a person's search must leave no trace in the logs."""

import logging
import re

# A path or URL followed by its query string: "/api/v1/partners/nearest?lat=…&lon=…".
_QUERY_STRING = re.compile(r"""(?P<path>(?:https?://[^\s/?#"']+)?/[^\s?#"']*)\?[^\s#"']*""")


class StripQueryStrings(logging.Filter):
    """Drops the query string of every URL in a record's message (Django's own request
    logs carry the path alone; this covers any other library or a careless call)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = _QUERY_STRING.sub(r"\g<path>?…", message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True

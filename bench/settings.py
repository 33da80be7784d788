"""The production settings with the bench's URLconf (``bench.urls``): the app as it is
deployed, plus one address the bench measures the stack's floor with."""

from enlieusur.settings import *  # noqa: F403 (every production setting, unchanged)

ROOT_URLCONF = "bench.urls"

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "enlieusur.settings")

application = get_wsgi_application()

# The nearest search's answers kept a minute at most, given before Django runs.
from partners.public.answers import KeptAnswers  # noqa: E402  (after Django is set up)

application = KeptAnswers(application)

# The place search's indexes, built once before gunicorn forks its workers (preload_app):
# no person waits 1.4 s for their first search on a new worker.
from gazetteer import places  # noqa: E402  (after Django is set up)

places.warm()

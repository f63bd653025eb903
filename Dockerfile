# FraudOps: one image for the web server (gunicorn), the Celery worker and Celery beat.
# Build: docker build -t fraudops .   Run everything: docker compose up (see docker-compose.yml)
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=fraudops.settings.prod \
    FRAUDOPS_VAR_DIR=/var/lib/fraudops

WORKDIR /app

# The exact versions CI tested (psycopg2-binary ships its own libpq: no compiler needed).
COPY requirements.lock ./
RUN pip install --no-cache-dir -r requirements.lock

COPY . .

# Static files are collected at build time (whitenoise serves them); prod settings refuse
# to start without real secrets, so give throwaway ones to this one command only. The
# translations' .mo files are committed, so no gettext tools are needed here.
RUN mkdir -p "$FRAUDOPS_VAR_DIR/media" \
    && SECRET_KEY=build-only DATABASE_URL=postgres://build@localhost/build \
       python manage.py collectstatic --noinput --verbosity 0 \
    && useradd --system --home-dir "$FRAUDOPS_VAR_DIR" fraudops \
    && chown -R fraudops "$FRAUDOPS_VAR_DIR"

USER fraudops
EXPOSE 8000

CMD ["gunicorn", "fraudops.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]

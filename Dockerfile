# The portal's production image: gunicorn serving liaison.wsgi on port 8000,
# static files collected at build time and served by WhiteNoise. The same
# image runs the Celery worker and beat (see docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=liaison.settings.production \
    MEDIA_ROOT=/app/media \
    WEB_CONCURRENCY=3

RUN groupadd --system app \
    && useradd --system --gid app --home-dir /app --shell /usr/sbin/nologin app

WORKDIR /app

# Runtime dependencies only (dev/test tools live in requirements-dev.txt).
COPY requirements.txt ./
RUN pip install -r requirements.txt

COPY --chown=app:app . .
RUN mkdir -p /app/media /app/staticfiles && chown app:app /app /app/media /app/staticfiles

USER app

# Production settings insist on SECRET_KEY and ALLOWED_HOSTS; these dummies
# exist only for this build step and are not kept in the image.
RUN SECRET_KEY=build-only-dummy-secret-key-not-used-at-runtime \
    ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput

EXPOSE 8000

# Workers: WEB_CONCURRENCY (read by gunicorn); gunicorn.conf.py (read from
# /app) keeps their Prometheus metrics together. One JSON access line per
# request comes from the portal itself (ACCESS_LOG), with its request id.
CMD ["gunicorn", "liaison.wsgi:application", "--bind", "0.0.0.0:8000"]

# Kith: one image for the web server (gunicorn), the Celery worker and Celery beat.
FROM python:3.13-slim

# PYTHONPATH puts the code in /app ahead of the installed copy for every entry point
# (gunicorn, celery, manage.py), so BASE_DIR, templates and static files resolve in /app.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app \
    DJANGO_SETTINGS_MODULE=config.settings \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/data/media

RUN groupadd --system --gid 10001 kith \
    && useradd --system --uid 10001 --gid kith --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin kith

WORKDIR /app

# Dependencies first, from pyproject.toml alone, so a code change does not reinstall them.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

# The project itself (runtime dependencies only, no dev extra).
COPY . .
RUN pip install . \
    && rm -rf build ./*.egg-info

# Static files are collected into the image; the dummy key and host exist for this step
# only (settings refuse to load without them when DEBUG is off).
RUN SECRET_KEY=build-only ALLOWED_HOSTS=localhost python manage.py collectstatic --noinput \
    && mkdir -p /app/var /data/media \
    && chown -R kith:kith /app/staticfiles /app/var /data

USER kith:kith

EXPOSE 8000

CMD ["sh", "-c", "exec gunicorn config.wsgi:application --bind 0.0.0.0:8000 --workers ${WEB_CONCURRENCY:-3} --access-logfile -"]

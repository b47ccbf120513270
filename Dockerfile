# syntax=docker/dockerfile:1
# The schoolbot image: one image for the web process, the worker and the one-shot migration
# (docker/entrypoint.sh picks which). Multi-stage: compilers and headers stay in the build stage;
# the run stage has the Python environment, the shared libraries WeasyPrint needs, Thai fonts and
# PostgreSQL's client tools (for `schoolbot backup`), and runs as an unprivileged user.

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# ---- build: the locked dependencies into /opt/venv, the project (editable) from /app
FROM ${PYTHON_IMAGE} AS build
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends build-essential \
    && rm -rf /var/lib/apt/lists/*
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
COPY requirements.lock /tmp/requirements.lock
# Exactly the versions and hashes in the lock file, as `make` installs them.
RUN /opt/venv/bin/pip install --require-hashes -r /tmp/requirements.lock
WORKDIR /app
COPY pyproject.toml README.md ./
COPY backend backend
COPY flows flows
COPY bot bot
COPY web web
COPY richmenus richmenus
# Editable, as in development: migrations, templates and data are read from /app, which the run
# stage copies to the same path.
RUN /opt/venv/bin/pip install --no-deps -e . && /opt/venv/bin/python -m compileall -q /app

# ---- run
FROM ${PYTHON_IMAGE} AS run
# WeasyPrint: Pango and HarfBuzz (with its subsetter, so documents embed only the glyphs they
# use); Thai fonts for pages and documents; pg_dump/pg_restore for backups (the server's major
# version: PostgreSQL 15 in compose.yaml, as Debian bookworm's client).
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fonts-thai-tlwg fontconfig \
        postgresql-client \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 schoolbot \
    && useradd --system --uid 10001 --gid schoolbot --home-dir /var/lib/schoolbot --shell /usr/sbin/nologin schoolbot \
    && install -d -o schoolbot -g schoolbot -m 0700 /var/lib/schoolbot /var/lib/schoolbot/data /backups
COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app
COPY docker/entrypoint.sh /usr/local/bin/schoolbot-entrypoint
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DATA_DIR=/var/lib/schoolbot/data \
    LOG_FORMAT=json
WORKDIR /var/lib/schoolbot
USER 10001:10001
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=4).status != 200)"]
ENTRYPOINT ["schoolbot-entrypoint"]
CMD ["web"]

# Calculus Lab: one app replica (a Streamlit server on port 8501), slim and non-root.
#
#   docker build -t calclab-app .                      # on the usual public Python image
#   docker run --rm -p 127.0.0.1:8501:8501 calclab-app
#   docker compose up --build --scale app=3            # nginx in front of 3 replicas
#
# BASE may be any Debian-like image: one with Python 3.11-3.13 (the default), or a bare
# Debian root (CI builds one with debootstrap, as no container registry is reachable
# there), which gets Debian's python3 from apt. A private CA for pip, where a proxy needs
# one, comes in as a build secret: --secret id=ca,src=/etc/ssl/certs/ca-certificates.crt
ARG BASE=python:3.12-slim
FROM ${BASE}

ENV DEBIAN_FRONTEND=noninteractive \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH

RUN if ! command -v python3 >/dev/null; then \
        apt-get update \
        && apt-get install -y --no-install-recommends python3 python3-venv \
        && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb; \
    fi \
    && python3 -m venv /opt/venv \
    && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin calclab

COPY requirements.txt /tmp/requirements.txt
RUN --mount=type=secret,id=ca,required=false \
    if [ -s /run/secrets/ca ]; then export PIP_CERT=/run/secrets/ca; fi \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

WORKDIR /app
COPY --chown=root:root . /app
# Compile once as root (the app's user cannot write /app), so a start needs no writes.
RUN python -m compileall -q /app/calc_core /app/lab_store /app/lab_ui /app/pages /app/dashboard.py

USER calclab
EXPOSE 8501
# Behind nginx on the compose network: listen on every interface of the container.
# The names visitors use: STREAMLIT_SERVER_ALLOWED_HOSTS="lab.example.org" (space-separated).
CMD ["streamlit", "run", "dashboard.py", "--server.address", "0.0.0.0", "--server.port", "8501"]
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request as u; u.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=2)"]

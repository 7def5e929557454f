# mockserver in a container, installed from a wheel (never an editable checkout), as a
# non-root user, with a health check.
#
#   docker build -t mockserver .                 # dependencies from PyPI
#   docker run -p 8080:8080 mockserver           # binds 0.0.0.0:8080 inside the container
#
# Without a network: fill wheels/ first (wheels/README.md), then `docker build --network none`.
# The base is a build argument, so a base image made locally (debootstrap + docker import, as
# .ci/run does) works as well as the default:
#   docker build --build-arg BASE=local/debian-python:bookworm ...
ARG BASE=python:3.11-slim
FROM ${BASE}

ENV PATH=/opt/mockserver/bin:$PATH \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    MOCKSERVER_HOST=0.0.0.0 \
    MOCKSERVER_PORT=8080

RUN python3 -m venv /opt/mockserver \
 && (getent passwd mockserver >/dev/null \
     || useradd --system --uid 10001 --create-home --home-dir /home/mockserver mockserver)

# The wheelhouse (may hold only its README): with wheels in it, nothing is fetched.
COPY wheels/ /wheels/

# Dependencies alone, read from pyproject.toml: this layer is rebuilt only when they change,
# not when the source does.
COPY pyproject.toml /src/pyproject.toml
RUN python3 -c "import tomllib; print('\n'.join(tomllib.load(open('/src/pyproject.toml', 'rb'))['project']['dependencies']))" > /src/requirements.txt \
 && if ls /wheels/*.whl >/dev/null 2>&1; then set -- --no-index --find-links /wheels; fi \
 && pip install "$@" -r /src/requirements.txt

# mockserver itself: its wheel from the wheelhouse, else a wheel pip builds from the source.
COPY setup.py README.md LICENSE /src/
COPY mockserver /src/mockserver
COPY fixtures /src/fixtures
COPY contracts /src/contracts
RUN if ls /wheels/mockserver-*.whl >/dev/null 2>&1; then \
      pip install --no-index --no-deps /wheels/mockserver-*.whl; \
    else \
      pip install --no-deps /src; \
    fi \
 && rm -rf /src /wheels \
 && mockserver --version

USER mockserver
WORKDIR /home/mockserver
EXPOSE 8080
# Health: /_mock/health on MOCKSERVER_PORT, over http or https (mockserver/healthcheck.py).
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 \
  CMD ["python3", "-m", "mockserver.healthcheck"]
CMD ["mockserver", "serve"]

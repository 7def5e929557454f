# Build: docker build -t mockserver .   Run: docker run -p 8080:8080 mockserver
FROM python:3.11-slim
WORKDIR /app
COPY . .
# The same install step as the README's start command.
RUN python3 -m venv .venv && .venv/bin/pip install -e .
EXPOSE 8080
CMD [".venv/bin/mockserver", "serve", "--host", "0.0.0.0", "--port", "8080"]

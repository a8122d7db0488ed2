# Production image: the portal served by uvicorn, front-end libraries from the npm registry.
FROM node:20-slim AS frontend
WORKDIR /src/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PORTAL_ENV=production HOST=0.0.0.0 PORT=8000
WORKDIR /app
# WeasyPrint renders the invoice PDFs with Pango
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
COPY pyproject.toml requirements.lock README.md babel.cfg ./
RUN pip install --no-cache-dir --require-hashes -r requirements.lock
COPY backend ./backend
COPY migrations ./migrations
COPY frontend/templates ./frontend/templates
COPY frontend/static ./frontend/static
COPY --from=frontend /src/frontend/node_modules ./frontend/node_modules
RUN pip install --no-cache-dir --no-deps -e . \
    && pybabel compile -d backend/locale -D messages \
    && useradd --system --home /app portal && mkdir -p var && chown portal var
USER portal
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:8000/health'); sys.exit(0)"
CMD ["sh", "-c", "portal migrate && portal serve --workers ${WORKERS:-2}"]

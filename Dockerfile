# Production image: gunicorn serving the API, Socket.IO and the built PWA.
# Build: docker build -t samlast .   Run: see README.md ("Production").

FROM node:20-bookworm-slim AS pwa
WORKDIR /build/pwa
COPY pwa/package.json pwa/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY pwa/ ./
# The PWA and the server share one table of words per language.
COPY backend/samlast/i18n/ /build/backend/samlast/i18n/
RUN npm run build

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    SAMLAST_ROOT=/app \
    SAMLAST_INSTANCE=/app/instance \
    SAMLAST_ENV=production \
    FLASK_APP=samlast
WORKDIR /app
RUN useradd --create-home --uid 10001 samlast
COPY pyproject.toml README.md ./
COPY backend/ backend/
RUN pip install --no-cache-dir .
# The OASIS UBL 2.1 schemas the Peppol imports are validated against (to /usr/local/share/samlast).
COPY scripts/ubl-schemas.txt scripts/fetch_ubl_schemas.py scripts/
RUN python scripts/fetch_ubl_schemas.py
COPY migrations/ migrations/
COPY scripts/boot.sh scripts/boot.sh
COPY gunicorn.conf.py ./
COPY --from=pwa /build/pwa/dist pwa/dist
RUN mkdir -p instance && chown samlast:samlast instance
USER samlast
EXPOSE 5000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:5000/healthz', timeout=4).status == 200 else 1)"
CMD ["sh", "scripts/boot.sh"]

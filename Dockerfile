# Tsunagi: a multi-stage build; the runtime image holds the installed package and runs as
# an unprivileged user.
FROM python:3.11-slim AS build
WORKDIR /src
RUN python -m venv /opt/tsunagi
COPY pyproject.toml README.md ./
COPY domain ./domain
COPY projections ./projections
COPY audit ./audit
COPY api ./api
RUN /opt/tsunagi/bin/pip install --no-cache-dir .

FROM python:3.11-slim AS runtime
RUN useradd --create-home --uid 10001 tsunagi
COPY --from=build /opt/tsunagi /opt/tsunagi
ENV PATH=/opt/tsunagi/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    TSUNAGI_LOG_JSON=true
USER tsunagi
WORKDIR /home/tsunagi
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=2).status == 200 else 1)"
CMD ["tsunagi", "serve", "--host", "0.0.0.0", "--port", "8000"]

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
# Pango for WeasyPrint's PDF reports.
RUN apt-get update && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
    && rm -rf /var/lib/apt/lists/*
COPY pyproject.toml README.md ./
RUN pip install --no-cache-dir --upgrade pip && pip install --no-cache-dir -e .
COPY . .
RUN DJANGO_SECRET_KEY=build-only python manage.py collectstatic --noinput --settings=minipilot.settings.production
RUN useradd --create-home minipilot && chown -R minipilot /app
USER minipilot
EXPOSE 8000
CMD ["gunicorn", "-c", "gunicorn.conf.py", "minipilot.wsgi:application"]

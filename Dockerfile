FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml README.md ./
RUN pip install --no-cache-dir --upgrade pip && pip install --no-cache-dir -e .
COPY . .
RUN DJANGO_SECRET_KEY=build-only python manage.py collectstatic --noinput --settings=minipilot.settings.production
RUN useradd --create-home minipilot && chown -R minipilot /app
USER minipilot
EXPOSE 8000
CMD ["gunicorn", "minipilot.wsgi:application", "--bind", "0.0.0.0:8000"]

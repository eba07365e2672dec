"""The audit log's page, in the "audit" namespace: the audit app records, grants shows it to the
roles that may read it (the audit app itself knows no roles)."""

from django.urls import path

from .views import audit_log

app_name = "audit"

urlpatterns = [path("agent/audit/", audit_log.audit_log, name="log")]

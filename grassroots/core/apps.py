from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "grassroots.core"
    label = "core"
    verbose_name = _("Core")


class GrassrootsAdminConfig(admin_apps.AdminConfig):
    """Django's admin with the project's site (post-based entry, scoped model admins) as default."""

    default = False  # not the configuration of ``grassroots.core`` itself
    default_site = "grassroots.core.admin_site.GrassrootsAdminSite"

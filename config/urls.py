from django.contrib import admin
from django.urls import include, path

# ``admin.site`` is ``grassroots.core.admin_site.GrassrootsAdminSite`` (installed as the default site
# by ``grassroots.core.apps.GrassrootsAdminConfig``); its titles are translatable class attributes.
urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("grassroots.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("grassroots.web.urls")),
]

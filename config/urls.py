from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "基层治理平台 Grassroots"
admin.site.site_title = "Grassroots"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("grassroots.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("grassroots.web.urls")),
]

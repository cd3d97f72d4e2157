"""The pages' URLs: each area's module lists its own (``web/views/``)."""

from grassroots.web.views import home, survey

app_name = "web"

urlpatterns = [
    *home.urlpatterns,
    *survey.urlpatterns,
]

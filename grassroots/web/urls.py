"""The pages' URLs: each area's module lists its own (``web/views/``)."""

from grassroots.web.views import board, case, home, intake, jobs, map, portal, problems, survey, workbench

app_name = "web"

urlpatterns = [
    *home.urlpatterns,
    *survey.urlpatterns,
    *map.urlpatterns,
    *portal.urlpatterns,
    *case.urlpatterns,
    *board.urlpatterns,
    *workbench.urlpatterns,
    *jobs.urlpatterns,
    *intake.urlpatterns,
    *problems.urlpatterns,
]

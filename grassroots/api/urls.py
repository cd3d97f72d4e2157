from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from grassroots.api import (
    audit,
    auth,
    candidates,
    cases,
    catalog,
    excel,
    inbox,
    metrics,
    org,
    people,
    triage,
    units,
)

app_name = "api"

router = SimpleRouter()
router.register("units", units.UnitViewSet, basename="unit")
router.register("departments", org.DepartmentViewSet, basename="department")
router.register("party-orgs", org.PartyOrgViewSet, basename="party-org")
router.register("posts", org.PostViewSet, basename="post")
router.register("households", people.HouseholdViewSet, basename="household")
router.register("residents", people.ResidentViewSet, basename="resident")
router.register("party-members", people.PartyMemberViewSet, basename="party-member")
router.register("organizations", people.OrganizationViewSet, basename="organization")
router.register("facilities", people.FacilityViewSet, basename="facility")
router.register("audit", audit.AuditRecordViewSet, basename="audit-record")
# The ledger: each module registers its own routes here.
for module in (cases, catalog, excel, inbox, metrics, candidates):
    module.register(router)

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("auth/login/", auth.LoginView.as_view(), name="login"),
    path("auth/logout/", auth.LogoutView.as_view(), name="logout"),
    path("auth/me/", auth.MeView.as_view(), name="me"),
    path("", include(router.urls)),
    *cases.extra_urlpatterns,
    *catalog.extra_urlpatterns,
    *excel.extra_urlpatterns,
    *inbox.extra_urlpatterns,
    *metrics.extra_urlpatterns,
    *triage.extra_urlpatterns,
]

from django.urls import include, path

from bench.benchsite import views

urlpatterns = [
    path("bench/ping/", views.PingView.as_view()),
    path("bench/page/", views.page),
    path("bench/profile/", views.ProfileView.as_view()),
    path("", include("config.urls")),
]

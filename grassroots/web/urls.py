from django.urls import path

from grassroots.web import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("survey/", views.survey_page, name="survey"),
    path("survey/<str:code>.xlsx", views.survey_workbook, name="survey-xlsx"),
    path("survey/<str:code>/", views.survey_page, name="survey-unit"),
]

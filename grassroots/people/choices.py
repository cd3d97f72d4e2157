"""Vocabulary of the base survey (摸清底数, docs/domain.md §2)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class Relation(models.TextChoices):
    """Relation to the head of household (户主)."""

    HEAD = "head", _("Head of household")
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Child")
    PARENT = "parent", _("Parent")
    GRANDCHILD = "grandchild", _("Grandchild")
    SIBLING = "sibling", _("Sibling")
    OTHER = "other", _("Other")


class Residency(models.TextChoices):
    REGISTERED = "registered", _("Registered resident")  # 户籍人口
    PERMANENT = "permanent", _("Permanent, registered elsewhere")  # 常住(非户籍)
    FLOATING = "floating", _("Floating population")  # 流动人口


class ResidentTag(models.TextChoices):
    """Care tags used to find people who need attention; never shown to the public."""

    ELDERLY_ALONE = "elderly_alone", _("Elderly living alone")
    EMPTY_NEST = "empty_nest", _("Empty-nest elderly")
    DISABILITY = "disability", _("Person with disability")
    LOW_INCOME = "low_income", _("Minimum living allowance")
    EXTREME_POVERTY = "extreme_poverty", _("Extreme poverty support")
    LEFT_BEHIND_CHILD = "left_behind_child", _("Left-behind child")
    VETERAN = "veteran", _("Veteran")
    SPECIAL_CARE = "special_care", _("Entitled group (优抚对象)")
    SERIOUS_ILLNESS = "serious_illness", _("Serious illness")


class PartyStatus(models.TextChoices):
    FULL = "full", _("Full member")
    PROBATIONARY = "probationary", _("Probationary member")


class OrganizationCategory(models.TextChoices):
    IN_AREA = "in_area", _("In-area organisation")  # 驻区单位
    SOCIAL = "social", _("Social organisation")  # 社会组织
    SHOP = "shop", _("Shop")  # 商户/门店


class FacilityKind(models.TextChoices):
    """一有七中心: the party-service position and the seven centres of every community."""

    PARTY_SERVICE = "party_service", _("Party-mass service centre")  # 党群服务中心（站）
    CONVENIENCE = "convenience", _("Convenience service centre")  # 便民服务中心
    GOVERNANCE = "governance", _("Comprehensive governance centre")  # 综治中心
    CULTURE_SPORTS = "culture_sports", _("Culture and sports centre")  # 文体活动中心
    HEALTH = "health", _("Health service centre")  # 卫生服务中心
    DAY_CARE = "day_care", _("Elderly day-care centre")  # 日间照料中心
    CHILDREN = "children", _("Children's service centre")  # 儿童服务中心
    VOLUNTEER = "volunteer", _("Volunteer service centre")  # 志愿服务中心
    OTHER = "other", _("Other facility")


# The eight that make a community's 一有七中心 complete.
STANDARD_FACILITIES = tuple(kind for kind in FacilityKind if kind != FacilityKind.OTHER)

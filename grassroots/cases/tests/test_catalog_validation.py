"""The catalog's rules come back as field errors: three levels at most, codes unique in the
district, names unique among siblings, a department of the same district, limits that are not
negative, a warning fraction strictly between 0 and 1 …; and a change that changes nothing writes
nothing."""

from decimal import Decimal

import pytest

from grassroots.cases import catalog
from grassroots.cases.models import Category
from grassroots.core.errors import ValidationError
from grassroots.core.models import AuditRecord
from grassroots.org import actions as org_actions
from grassroots.org.choices import UnitKind


def field_errors(call, *args, **kwargs) -> dict:
    with pytest.raises(ValidationError) as caught:
        call(*args, **kwargs)
    return caught.value.message_dict


@pytest.fixture
def tree(world):
    add = catalog.create_category
    w = world
    w.top = add(actor=None, district=w.district, code="CJ", name="城乡建设", default_class="major")
    w.middle = add(actor=None, district=w.district, code="CJ-01", name="市政设施", parent=w.top)
    w.leaf = add(actor=None, district=w.district, code="CJ-01-01", name="道路破损", parent=w.middle)
    w.other_top = add(actor=None, district=w.district, code="SQ", name="社区治理")
    return w


def test_the_catalog_has_at_most_three_levels(tree):
    errors = field_errors(
        catalog.create_category, actor=None, district=tree.district, code="X", name="第四层", parent=tree.leaf
    )
    assert set(errors) == {"parent"}


def test_a_subtree_moves_whole_and_only_where_it_still_fits(tree):
    errors = field_errors(catalog.update_category, actor=None, category=tree.middle, parent=tree.leaf)
    assert set(errors) == {"parent"}  # its own child
    deep = catalog.create_category(
        actor=None, district=tree.district, code="SQ-01", name="物业", parent=tree.other_top
    )
    errors = field_errors(catalog.update_category, actor=None, category=tree.middle, parent=deep)
    assert set(errors) == {"parent"}  # would make 道路破损 a fourth level

    catalog.update_category(actor=None, category=tree.middle, parent=tree.other_top)
    catalog.update_category(actor=None, category=tree.middle, parent=None)

    tree.leaf.refresh_from_db()
    tree.middle.refresh_from_db()
    assert (tree.middle.level, tree.leaf.level) == (1, 2)


def test_codes_are_unique_in_a_district_and_well_formed(tree):
    assert set(
        field_errors(catalog.create_category, actor=None, district=tree.district, code="CJ", name="另一个")
    ) == {"code"}
    assert set(
        field_errors(
            catalog.create_category, actor=None, district=tree.district, code="城建 1", name="另一个"
        )
    ) == {"code"}
    district2 = org_actions.create_unit(actor=tree.root, kind=UnitKind.DISTRICT, name="邻区", code="530114")
    catalog.create_category(
        actor=None, district=district2, code="CJ", name="城乡建设"
    )  # another district: fine


def test_names_are_unique_among_siblings(tree):
    errors = field_errors(
        catalog.create_category,
        actor=None,
        district=tree.district,
        code="CJ-02",
        name="市政设施",
        parent=tree.top,
    )
    assert set(errors) == {"name"}
    catalog.create_category(
        actor=None, district=tree.district, code="SQ-09", name="市政设施", parent=tree.other_top
    )


def test_the_department_belongs_to_the_same_district_and_the_class_is_known(tree):
    district2 = org_actions.create_unit(actor=tree.root, kind=UnitKind.DISTRICT, name="邻区", code="530114")
    foreign = org_actions.create_department(
        actor=tree.root, district=district2, name="邻区住建局", code="LZJ"
    )

    errors = field_errors(
        catalog.update_category, actor=None, category=tree.leaf, department=foreign, default_class="big"
    )

    assert set(errors) == {"department", "default_class"}


def test_limits_are_not_negative_and_name_a_known_stage(tree):
    errors = field_errors(
        catalog.set_time_limit,
        actor=None,
        district=tree.district,
        category=tree.leaf,
        stage="planet",
        triage_class="urgent",
        handling_days=-1,
        response_days="0.125",
        verification_days="many",
    )
    assert set(errors) == {"stage", "triage_class", "handling_days", "response_days", "verification_days"}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("yellow_fraction", "0"),
        ("yellow_fraction", "1"),
        ("yellow_fraction", "1.5"),
        ("urgent_factor", "0"),
        ("critical_factor", "2"),
        ("case_days", "-3"),
        ("rating_window_days", 0),
        ("min_ranking_sample", "none"),
    ],
)
def test_deadline_settings_out_of_range_are_field_errors(world, field, value):
    assert set(
        field_errors(catalog.update_sla_settings, actor=None, district=world.district, **{field: value})
    ) == {field}


def test_fields_an_action_does_not_change_are_refused(tree):
    assert set(field_errors(catalog.update_category, actor=None, category=tree.leaf, district=None)) == {
        "district"
    }
    assert set(
        field_errors(catalog.update_sla_settings, actor=None, district=tree.district, colour="red")
    ) == {"colour"}


def test_deactivating_a_category_deactivates_those_below_and_they_stay_off_until_the_parent_is_back(tree):
    catalog.deactivate_category(actor=None, category=tree.top)
    tree.leaf.refresh_from_db()
    assert tree.leaf.is_active is False

    errors = field_errors(catalog.update_category, actor=None, category=tree.leaf, is_active=True)
    assert set(errors) == {"parent"}

    catalog.update_category(actor=None, category=tree.top, is_active=True)
    tree.middle.refresh_from_db()
    catalog.update_category(actor=None, category=tree.middle, is_active=True)
    tree.middle.refresh_from_db()
    assert tree.middle.is_active is True


def test_a_change_that_changes_nothing_writes_nothing(tree):
    before = AuditRecord.objects.count()
    catalog.update_category(actor=None, category=tree.leaf, name="道路破损", parent=tree.middle, keywords="")
    catalog.set_time_limit(actor=None, district=tree.district, stage="case", handling_days=10)
    after_set = AuditRecord.objects.count()
    catalog.set_time_limit(actor=None, district=tree.district, stage="case", handling_days=Decimal("10.00"))
    catalog.update_sla_settings(actor=None, district=tree.district, yellow_fraction="0.70")

    assert after_set == before + 1
    assert AuditRecord.objects.count() == after_set


def test_keywords_and_examples_are_stored_in_one_form_however_they_are_typed(tree):
    category = catalog.update_category(
        actor=None,
        category=tree.leaf,
        keywords="坑洼，塌陷 破损;坑洼",
        examples=["路上有坑。", " ", "井盖没了。"],
    )
    assert category.keywords == "坑洼、塌陷、破损"
    assert catalog.keyword_list(category.keywords) == ["坑洼", "塌陷", "破损"]
    assert catalog.example_list(category.examples) == ["路上有坑。", "井盖没了。"]


def test_the_tree_order_puts_parents_before_children_and_siblings_by_their_order(tree):
    catalog.update_category(actor=None, category=tree.other_top, sort_order=1)
    catalog.update_category(actor=None, category=tree.top, sort_order=2)
    codes = list(catalog.in_tree_order(Category.objects.all()).values_list("code", flat=True))
    assert codes == ["SQ", "CJ", "CJ-01", "CJ-01-01"]

"""Test personas reused everywhere: an operator, an auditor, and for two structures A and
B a manager, with an agent and a viewer of A, and a user with no role."""

import pytest

from barometre.accounts.models import Membership, Role, User
from barometre.structures.models import ContactPoint, Structure
from tests.redis_server import shared_cache  # noqa: F401 (a fixture)


@pytest.fixture
def structure_a(db):
    s = Structure.objects.create(
        name="Préfecture du Loiret",
        identifier="13000548700017",
        kind="state",
        department="45",
        city="Orléans",
    )
    ContactPoint.objects.create(structure=s, channel="phone", value="02 38 81 40 00")
    return s


@pytest.fixture
def structure_b(db):
    return Structure.objects.create(
        name="Ville de Metz",
        identifier="57463",
        kind="commune",
        department="57",
        population=121_000,
        city="Metz",
    )


def _user(username: str, role: str | None = None, structure=None) -> User:
    user = User.objects.create_user(username=username, password="pw-" + username)
    if role:
        Membership.objects.create(user=user, role=role, structure=structure)
    return user


@pytest.fixture
def operator(db):
    return _user("olivia", Role.OPERATOR)


@pytest.fixture
def auditor(db):
    return _user("elie", Role.AUDITOR)


@pytest.fixture
def manager_a(structure_a):
    return _user("magali", Role.MANAGER, structure_a)


@pytest.fixture
def manager_b(structure_b):
    return _user("sophie", Role.MANAGER, structure_b)


@pytest.fixture
def agent_a(structure_a):
    return _user("antoine", Role.AGENT, structure_a)


@pytest.fixture
def viewer_a(structure_a):
    return _user("claire", Role.VIEWER, structure_a)


@pytest.fixture
def no_role(db):
    return _user("nobody")


@pytest.fixture
def personas(operator, auditor, manager_a, manager_b, agent_a, viewer_a, no_role):
    return {
        "anonymous": None,
        "operator": operator,
        "auditor": auditor,
        "manager_a": manager_a,
        "manager_b": manager_b,
        "agent_a": agent_a,
        "viewer_a": viewer_a,
        "no_role": no_role,
    }


@pytest.fixture
def client_for(client):
    def login(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return login


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (ids are reused between tests)."""
    from django.core.cache import cache

    cache.clear()


# Long tests: `make test-fast` skips them (-m "not slow"); `make test` and CI run them. One
# list, beside the marker's definition in pyproject.toml: whole files (they build the demo,
# start servers or child processes, crawl every page, run property tests) or single tests
# (a path::name, every parametrisation). tests/test_slow_list.py checks each names a test.
SLOW = {
    "tests/api/test_generated_client.py",
    "tests/api/test_schemathesis.py",
    "tests/core/test_configuration.py::test_production_settings_pass_check_deploy",
    "tests/core/test_configuration.py::test_check_deploy_warns_behind_a_proxy_counted_as_none",
    "tests/core/test_configuration.py::test_production_refuses_to_start_without_a_secret_key",
    "tests/core/test_configuration.py::test_file_storage_is_chosen_by_configuration",
    "tests/core/test_configuration.py::test_the_wsgi_application_loads_its_views_and_freezes_them_out_of_the_collector",
    "tests/core/test_configuration.py::test_help_needs_no_configuration",
    "tests/core/test_configuration.py::test_a_missing_setting_is_one_french_line_not_a_traceback",
    "tests/core/test_configuration.py::test_check_deploy_warns_on_each_dangerous_combination",
    "tests/core/test_configuration.py::test_the_documented_production_environment_passes_check_deploy",
    "tests/core/test_pdf_page_breaks.py",
    "tests/core/test_warmup.py",
    "tests/demo/test_demo.py",
    "tests/demo/test_demo_settings.py",
    "tests/demo/test_consistency.py",
    "tests/engine/test_extent.py::test_a_csv_stops_at_the_row_and_cell_limits",
    "tests/engine/test_extent.py::test_three_hundred_thousand_rows_stop_at_the_row_limit",
    "tests/engine/test_names.py",
    "tests/engine/test_planning.py::test_a_national_edition_is_planned_and_balanced",
    "tests/engine/test_planning.py::test_every_constraint_holds_on_random_instances",
    "tests/engine/test_properties.py",
    "tests/engine/test_sandbox.py",
    "tests/improvement/test_import_limits.py::test_a_bomb_the_measure_misses_fails_its_import_and_the_worker_lives_on",
    "tests/improvement/test_masked_copies.py",
    "tests/results/test_background_exports.py::test_a_workbook_written_to_a_file_takes_memory_that_does_not_grow_with_its_rows",
    "tests/results/test_exports.py::test_writing_the_result_tables_takes_memory_that_does_not_grow_with_the_structures",
    "tests/results/test_figures_rebuilt.py",
    "tests/results/test_full_disk.py",
    "tests/results/test_public_cache.py::test_the_pdfs_are_built_once_per_version",
    "tests/results/test_renderer_processes.py",
    "tests/results/test_reports.py::test_the_report_and_the_synthesis_fit_their_pages_and_print_no_entity",
    "tests/results/test_reports.py::test_reports_zip_has_one_pdf_per_structure",
    "tests/results/test_reports.py::test_a_batch_rendered_by_several_processes_equals_the_one_process_batch",
    "tests/results/test_reports.py::test_a_batch_requested_again_lays_out_only_the_reports_that_changed",
    "tests/results/test_reports.py::test_national_synthesis_states_the_figures_of_an_edition",
    "tests/structures/test_labels.py::test_labels_entered_before_the_proposals_existed_become_confirmed",
    "tests/test_backup.py",
    "tests/web/test_crawl.py",
    "tests/web/test_outage.py::test_a_server_that_refuses_connections_answers_503_on_postgresql",
    "tests/web/test_query_growth.py",
}


def pytest_collection_modifyitems(items):
    """Tests that drive Chromium carry the ``browser`` marker and the long ones (``SLOW``)
    the ``slow`` marker, so that a developer can leave them out locally
    (``make test-fast``); CI runs everything."""
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        if "browser" in fixtures or "chromium" in fixtures:
            item.add_marker(pytest.mark.browser)
        path, _, name = item.nodeid.partition("::")
        if path in SLOW or f"{path}::{name.split('[')[0]}" in SLOW:
            item.add_marker(pytest.mark.slow)

import pytest
from django.test import Client


@pytest.mark.django_db
def test_a_missing_page_is_a_404_with_a_way_home(client: Client) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Page not found" in page
    assert 'href="/"' in page

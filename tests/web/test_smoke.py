from webtools import add_client, signup


def test_signup_and_add_client(client):
    csrf = signup(client)
    cid = add_client(client, csrf)
    page = client.get(f"/clients/{cid}")
    assert page.status_code == 200 and "Ana" in page.text

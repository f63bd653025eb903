def test_playbooks_list_every_type_fraud_ones_with_three_levels(api, bank):
    response = api("teller_bj_hd").get("/api/v1/playbooks/")
    assert response.status_code == 200
    codes = {p["code"] for p in response.json()}
    assert codes == {
        "telecom_fraud",
        "phishing_site",
        "card_skimming",
        "fake_credit_card",
        "impostor_customer",
        "forged_documents",
        "forged_bills",
        "customer_safety",
    }
    for playbook in response.json():
        assert set(playbook["steps"]) == {"branch", "sub_branch", "head_office"}
        if playbook["group"] == "customer_safety":
            # The branch's alone: nothing above it.
            assert playbook["steps"]["branch"]
            assert not playbook["steps"]["sub_branch"] and not playbook["steps"]["head_office"]
            continue
        assert all(playbook["steps"][level] for level in playbook["steps"])

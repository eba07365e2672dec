"""An erased person's name reads "[erased]" in the reader's language, not in English."""

from actors.services import user_erase


def test_an_erased_applicant_reads_erased_in_finnish_and_swedish(
    client, agent, resident, make_idea, settings
):
    idea = make_idea("submitted")
    user_erase(resident)
    settings.LANGUAGE_CODE = "fi"
    client.force_login(agent)
    finnish = client.get(f"/agent/ideas/{idea.pk}/").content.decode()
    assert "[poistettu]" in finnish and "[erased]" not in finnish
    swedish = client.get(f"/sv/agent/ideas/{idea.pk}/").content.decode()
    assert "[raderad]" in swedish

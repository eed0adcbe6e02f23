"""deploy.registry: trained models reach serving through a model registry (versioned,
gated, one step to roll back), never straight from the training job.

Every deployable artifact goes through the registry: models for online nodes, the model a
batch job runs, and embeddings pushed into an index or store (an index build that takes
embeddings straight from training bypasses the registry). In a batch scenario the batch job
is the serving model: a registry must feed it.

Passing: training_pipeline -> model_registry -> ranker, and model_registry -> batch_scoring
-> ann_index. Failing: training_pipeline -> ranker, training_pipeline -> ann_index, or a
registry that nothing deploys from.
"""

from components.analysis import reachable_from
from design_framework.rubric.base import Options as BaseOptions
from design_framework.rubric.base import Rule, names

RULE = Rule("deploy.registry", "Deployment through a registry", "serving")

SERVING_ROLES = ("online", "online_store")


class Options(BaseOptions):
    pass


def check(design, scenario, options: Options):
    trainers = design.of_type("training_pipeline")
    if not trainers:
        return [RULE.skipped("No training pipeline, so there is nothing to deploy.")]
    registries = design.of_type("model_registry")
    if not registries:
        return [
            RULE.failed(
                "Models go from training to serving with no registry: no version "
                "history, no promotion gate, no rollback.",
                nodes=trainers,
                hint="Add training_pipeline -> model_registry -> the serving model.",
            )
        ]
    direct = [
        (t, v)
        for t in trainers
        for v in design.graph.successors(t)
        if design.role(v) in SERVING_ROLES or design.type(v) == "batch_scoring"
    ]
    consumers = sorted(
        {
            n
            for r in registries
            for n in design.graph.successors(r)
            if design.role(n) in SERVING_ROLES or design.type(n) == "batch_scoring"
        }
    )
    feeding_registries = reachable_from(design.graph, registries, reverse=True)
    registered = [t for t in trainers if t in feeding_registries]
    figures = {
        "registries": registries,
        "deploys_to": consumers,
        "bypasses": [list(e) for e in direct],
    }
    problems, nodes = [], []
    if direct:
        problems.append("training deploys straight to " + names(v for _, v in direct))
        nodes += [n for e in direct for n in e]
    if len(registered) < len(trainers):
        unregistered = sorted(set(trainers) - set(registered))
        problems.append(f"{names(unregistered)} never registers its models")
        nodes += unregistered
    if not consumers:
        problems.append(f"nothing deploys from {names(registries)}")
        nodes += registries
    # a model read inside a job or service must come from a registry too
    registered = reachable_from(design.graph, registries)
    hosted = sorted(
        n for n, host in design.graph.nodes(data="host") if host and n not in registered
    )
    if hosted:
        boxes = names(design.graph.nodes[n]["host"] for n in hosted)
        problems.append(f"{boxes} runs a model that no registry deploys")
        nodes += hosted
    if design.mode == "batch":
        deployed = reachable_from(design.graph, registries)
        # a job that calls a model server the registry deploys runs a registered model
        unfed = [
            j
            for j in design.of_type("batch_scoring")
            if j not in deployed
            and not any(
                design.kind(j, s) == "call" and s in deployed for s in design.graph.successors(j)
            )
        ]
        if unfed:
            problems.append(f"{names(unfed)} runs a model that no registry deploys")
            nodes += unfed
    if not problems:
        return [
            RULE.passed(
                f"Models deploy through {names(registries)} to {names(consumers)}.", figures=figures
            )
        ]
    return [
        RULE.failed(
            "Deployment skips the registry: " + "; ".join(problems) + ".",
            nodes=sorted(set(nodes)),
            figures=figures,
            hint="Route every model through model_registry, then to serving or batch scoring.",
        )
    ]

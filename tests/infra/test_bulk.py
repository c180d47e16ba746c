"""The bulk jobs in the synthesized template: bucket, rule, state machine, function, alarms."""

from __future__ import annotations

import json
from typing import Any

from aws_cdk.assertions import Match

from handler.bulk.names import CHUNK, ENV_BUCKET, IN_PREFIX, OUT_PREFIX
from handler.constants import BULK_MAX_TEXT_CHARS, ENV_BULK_MAX_TEXT_CHARS
from infra import bulk
from tests.infra.conftest import Synthesized


def _definition(app: Synthesized) -> dict[str, Any]:
    """The state machine's definition, each reference to a resource written as <LogicalId>."""
    (machine,) = app.resources("AWS::StepFunctions::StateMachine").values()
    parts = machine["Properties"]["DefinitionString"]["Fn::Join"][1]
    text = "".join(
        p if isinstance(p, str) else f"<{p.get('Ref') or p['Fn::GetAtt'][0]}>" for p in parts
    )
    return json.loads(text)


def _logical_id(app: Synthesized, construct: Any) -> str:
    return app.stack.get_logical_id(construct.node.default_child)


def test_a_distributed_map_batches_the_plan_with_bounded_concurrency(
    default_app: Synthesized,
) -> None:
    states = _definition(default_app)["States"]
    score = states["Score"]
    assert score["Type"] == "Map"
    assert score["ItemProcessor"]["ProcessorConfig"]["Mode"] == "DISTRIBUTED"
    assert score["ItemReader"]["ReaderConfig"] == {"InputType": "JSONL"}
    assert score["ItemReader"]["Parameters"] == {
        "Bucket.$": "$.plan.bucket",
        "Key.$": "$.plan.plan_key",
    }
    assert score["ItemReader"]["Resource"].endswith(":states:::s3:getObject")
    assert score["ItemSelector"] == {"job.$": "$.plan.job", "record.$": "$$.Map.Item.Value"}
    # The local CLI's chunk: both paths make the same model calls.
    assert score["ItemBatcher"] == {"MaxItemsPerBatch": CHUNK}
    assert score["MaxConcurrency"] == bulk.MAX_CONCURRENCY > 0
    assert 0 < score["ToleratedFailurePercentage"] == bulk.TOLERATED_FAILURE_PERCENT < 100
    assert score["ResultPath"] is None  # answers go to S3, never into the execution's state


def test_a_failed_batch_is_retried_with_backoff_and_jitter_before_it_counts_as_failed(
    default_app: Synthesized,
) -> None:
    states = _definition(default_app)["States"]
    (batch,) = states["Score"]["ItemProcessor"]["States"].values()
    lambda_service, everything = batch["Retry"]
    # LambdaInvoke's own retrier for Lambda's transient faults comes first, so it takes those.
    assert "Lambda.ServiceException" in lambda_service["ErrorEquals"]
    # Then any error (the function's, after its own S3 retries) three more times: 5 s, 10 s,
    # 20 s at most, each at random below that (full jitter), never over a minute.
    assert everything == {
        "ErrorEquals": ["States.ALL"],
        "IntervalSeconds": 5,
        "MaxAttempts": 3,
        "BackoffRate": 2,
        "MaxDelaySeconds": 60,
        "JitterStrategy": "FULL",
    }
    assert "Catch" not in batch  # a batch that still fails is the Map's to count
    # Up to 5% of batches may fail for good; the summary reports their records as missing.
    assert states["Score"]["ToleratedFailurePercentage"] == 5
    for step in ("Plan", "Summarize"):
        assert states[step]["Retry"][-1]["MaxAttempts"] == 2


def test_every_step_invokes_the_bulk_functions_live_alias(default_app: Synthesized) -> None:
    states = _definition(default_app)["States"]
    alias = f"<{_logical_id(default_app, default_app.stack.bulk.alias)}>"
    inner = states["Score"]["ItemProcessor"]["States"]
    for task in (states["Plan"], states["Summarize"], *inner.values()):
        assert task["Resource"] == alias
        assert {"States.ALL"} <= {e for r in task["Retry"] for e in r["ErrorEquals"]}
    assert states["Plan"]["Parameters"] == {"action": "plan", "key.$": "$.detail.object.key"}
    assert states["AnyRecords"]["Type"] == "Choice"
    aliases = default_app.resources("AWS::Lambda::Alias")
    assert (
        aliases[_logical_id(default_app, default_app.stack.bulk.alias)]["Properties"]["Name"]
        == "live"
    )


def test_the_function_is_the_apis_image_with_the_bulk_entry_point(default_app: Synthesized) -> None:
    functions = default_app.resources("AWS::Lambda::Function")
    api = functions[_logical_id(default_app, default_app.stack.api.function)]["Properties"]
    mine = functions[_logical_id(default_app, default_app.stack.bulk.function)]["Properties"]
    assert mine["Code"] == api["Code"]  # one image
    assert mine["ImageConfig"] == {"Command": [bulk.ENTRY_POINT]}
    assert mine["MemorySize"] == api["MemorySize"]
    bucket = _logical_id(default_app, default_app.stack.bulk.bucket)
    assert mine["Environment"]["Variables"][ENV_BUCKET] == {"Ref": bucket}
    # The service's own default, so a stack deployed without the setting changes nothing.
    assert mine["Environment"]["Variables"][ENV_BULK_MAX_TEXT_CHARS] == str(BULK_MAX_TEXT_CHARS)


def test_the_bulk_text_limit_is_set_from_context(variant_app: Synthesized) -> None:
    functions = variant_app.resources("AWS::Lambda::Function")
    mine = functions[_logical_id(variant_app, variant_app.stack.bulk.function)]["Properties"]
    assert mine["Environment"]["Variables"][ENV_BULK_MAX_TEXT_CHARS] == "150000"


def test_the_rule_starts_a_job_for_files_under_in(default_app: Synthesized) -> None:
    bucket = _logical_id(default_app, default_app.stack.bulk.bucket)
    default_app.template.has_resource_properties(
        "AWS::Events::Rule",
        {
            "EventPattern": {
                "source": ["aws.s3"],
                "detail-type": ["Object Created"],
                "detail": {
                    "bucket": {"name": [{"Ref": bucket}]},
                    "object": {"key": [{"prefix": IN_PREFIX}]},
                },
            },
            "Targets": [
                Match.object_like(
                    {"Arn": {"Ref": _logical_id(default_app, default_app.stack.bulk.state_machine)}}
                )
            ],
        },
    )


def test_the_bucket_is_private_encrypted_expiring_and_tells_eventbridge(
    default_app: Synthesized,
) -> None:
    buckets = default_app.resources("AWS::S3::Bucket")
    props = buckets[_logical_id(default_app, default_app.stack.bulk.bucket)]["Properties"]
    assert props["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    assert props["BucketEncryption"]["ServerSideEncryptionConfiguration"][0][
        "ServerSideEncryptionByDefault"
    ] == {"SSEAlgorithm": "AES256"}
    assert props["NotificationConfiguration"] == {
        "EventBridgeConfiguration": {"EventBridgeEnabled": True}
    }
    # Unversioned: a rerun rewrites a job's files whole, and all of them expire.
    assert "VersioningConfiguration" not in props
    rules = {r["Prefix"]: r for r in props["LifecycleConfiguration"]["Rules"]}
    assert set(rules) == {IN_PREFIX, OUT_PREFIX}
    assert all(r["ExpirationInDays"] == 7 and r["Status"] == "Enabled" for r in rules.values())
    default_app.template.has_resource_properties(
        "AWS::S3::BucketPolicy",
        {
            "Bucket": {"Ref": _logical_id(default_app, default_app.stack.bulk.bucket)},
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [
                        Match.object_like(
                            {
                                "Effect": "Deny",
                                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                            }
                        )
                    ]
                )
            },
        },
    )


def _statements(app: Synthesized, role: Any) -> list[dict[str, Any]]:
    role_id = _logical_id(app, role)
    return [
        statement
        for policy in app.resources("AWS::IAM::Policy").values()
        if {"Ref": role_id} in policy["Properties"]["Roles"]
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
    ]


def test_the_function_reaches_its_bucket_by_prefix_only(default_app: Synthesized) -> None:
    s3_statements = [
        s
        for s in _statements(default_app, default_app.stack.bulk.role)
        if str(s["Action"]).count("s3:")
    ]
    rendered = json.dumps(s3_statements)
    assert "s3:*" not in rendered
    assert '"*"' not in rendered
    by_action = {json.dumps(s["Action"]): s for s in s3_statements}
    assert set(by_action) == {
        '"s3:GetObject"',
        '["s3:AbortMultipartUpload", "s3:PutObject"]',
        '"s3:ListBucket"',
    }
    puts = json.dumps(by_action['["s3:AbortMultipartUpload", "s3:PutObject"]']["Resource"])
    assert f"/{OUT_PREFIX}*" in puts
    assert IN_PREFIX not in puts
    assert by_action['"s3:ListBucket"']["Condition"] == {
        "StringLike": {"s3:prefix": [f"{OUT_PREFIX}*"]}
    }


def test_the_state_machine_logs_traces_and_reads_only_out(default_app: Synthesized) -> None:
    machine = default_app.only("AWS::StepFunctions::StateMachine")
    assert machine["TracingConfiguration"] == {"Enabled": True}
    assert machine["LoggingConfiguration"]["Level"] == "ALL"
    assert machine["LoggingConfiguration"]["IncludeExecutionData"] is False
    reads = [
        s
        for s in _statements(default_app, default_app.stack.bulk.state_machine.role)
        if s["Action"] == "s3:GetObject"
    ]
    assert len(reads) == 1
    assert json.dumps(reads[0]["Resource"]).endswith(f'"/{OUT_PREFIX}*"]]}}')


def test_failed_and_timed_out_jobs_alarm_on_the_stacks_topic(default_app: Synthesized) -> None:
    topic = {"Ref": _logical_id(default_app, default_app.stack.monitoring.topic)}
    machine = {"Ref": _logical_id(default_app, default_app.stack.bulk.state_machine)}
    for metric in ("ExecutionsFailed", "ExecutionsTimedOut"):
        default_app.template.has_resource_properties(
            "AWS::CloudWatch::Alarm",
            {
                "MetricName": metric,
                "Namespace": "AWS/States",
                "Dimensions": [{"Name": "StateMachineArn", "Value": machine}],
                "AlarmActions": [topic],
                "Threshold": 1,
            },
        )
    # Not rollback alarms: a failed bulk job says nothing about the API's new version.
    release = json.dumps(default_app.resources("AWS::CodeDeploy::DeploymentGroup"))
    for alarm in default_app.stack.bulk.alarms.values():
        assert _logical_id(default_app, alarm) not in release


def test_the_dashboard_shows_jobs(default_app: Synthesized) -> None:
    body = json.dumps(default_app.only("AWS::CloudWatch::Dashboard")["DashboardBody"])
    assert "Bulk jobs" in body
    assert "ExecutionsFailed" in body
    assert "ExecutionsSucceeded" in body


def test_the_bucket_name_is_a_stack_output(default_app: Synthesized) -> None:
    outputs = default_app.template.to_json()["Outputs"]
    assert outputs[bulk.OUTPUT_BUCKET]["Value"] == {
        "Ref": _logical_id(default_app, default_app.stack.bulk.bucket)
    }


def test_settings_reach_the_function(variant_app: Synthesized) -> None:
    functions = variant_app.resources("AWS::Lambda::Function")
    mine = functions[_logical_id(variant_app, variant_app.stack.bulk.function)]["Properties"]
    assert mine["Architectures"] == ["arm64"]
    assert mine["MemorySize"] == 2048
    assert "ReservedConcurrentExecutions" not in mine  # the Map's MaxConcurrency bounds it

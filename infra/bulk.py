"""Bulk jobs: a file put under `in/` of a bucket is answered under `out/` by a Distributed Map.

S3 tells EventBridge of the new object; a rule starts the state machine, which runs the image's
bulk entry point (handler/bulk/aws.py) three ways: plan the file (one item a record, its byte
range), score the plan in ItemBatcher batches on a Distributed Map with bounded concurrency,
then summarise. A batch writes `out/<job>/parts/<first record>.jsonl`, so a retried batch writes
the same object again. The function is the API's image with another command: one build, one
model, one set of answers.
"""

from typing import Final

from aws_cdk import CfnOutput, Duration
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sns as sns
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import aws_stepfunctions_tasks as tasks
from constructs import Construct

from handler.bulk.names import CHUNK, ENV_BUCKET, IN_PREFIX, OUT_PREFIX
from handler.constants import ENV_BULK_MAX_TEXT_CHARS, ENV_LOG_LEVEL
from infra.api import LIVE_ALIAS
from infra.buckets import ABANDONED_UPLOADS_AFTER, private_bucket
from infra.bulk_watch import job_alarms, job_widgets
from infra.image import function_architecture, image_code
from infra.log_groups import expiring_log_group, function_role_and_logs
from infra.nag import acknowledge, logical_id
from infra.settings import Settings

ENTRY_POINT: Final = "handler.bulk.aws.handler"
OUTPUT_BUCKET: Final = "BulkBucketName"
# Records per child execution: the local CLI's chunk, so both make the same model calls.
BATCH_RECORDS: Final = CHUNK
# Batches at once. New accounts may have 10 concurrent executions in all, and the API needs some.
MAX_CONCURRENCY: Final = 8
# A batch that fails after its retries is reported as missing records in the summary; more
# than this share of failed batches fails the job (and its alarm).
TOLERATED_FAILURE_PERCENT: Final = 5
# Inputs and answers are working files, not an archive: both expire.
EXPIRE_AFTER: Final = Duration.days(7)
# Planning reads the whole file once; a million reviews (~1.3 GB) take well under this.
FUNCTION_TIMEOUT: Final = Duration.minutes(15)
JOB_TIMEOUT: Final = Duration.hours(6)
# After Lambda's own transient errors (which LambdaInvoke retries by default), a step that failed
# runs again, later each time, at random within the delay (full jitter) so batches that failed
# together do not retry together.
RETRY_INTERVAL: Final = Duration.seconds(5)
RETRY_BACKOFF: Final = 2.0
RETRY_MAX_DELAY: Final = Duration.minutes(1)
STEP_ATTEMPTS: Final = 2
# The function retries S3 within its own bounds and then raises, so this retry is how a batch
# outlasts a longer fault (S3 throttling hits the batches, up to MAX_CONCURRENCY at once, not the
# one plan or summary). A rerun writes the same part object, so a retry is safe.
BATCH_ATTEMPTS: Final = 3


class BulkJobs(Construct):
    """The bucket, the function, the state machine, the rule that starts it, and its alarms."""

    def __init__(
        self, scope: Construct, construct_id: str, *, settings: Settings, topic: sns.ITopic
    ) -> None:
        super().__init__(scope, construct_id)
        self.bucket = self._bucket()
        self.role, self.function_logs = function_role_and_logs(self, "Function")
        self.function = self._function(settings)
        self.alias = lambda_.Alias(
            self, "Live", alias_name=LIVE_ALIAS, version=self.function.current_version
        )
        self._grant_function()
        self.state_machine = self._state_machine()
        self.rule = self._trigger()
        self.alarms = job_alarms(self, self.state_machine, topic)
        self.widgets = job_widgets(self.state_machine, self.alias)
        output = CfnOutput(
            self, "BucketName", value=self.bucket.bucket_name, description="Bulk jobs: in/ and out/"
        )
        output.override_logical_id(OUTPUT_BUCKET)
        self._acknowledge()

    def _bucket(self) -> s3.Bucket:
        """in/ and out/, both expiring; S3 tells EventBridge of every new object."""
        # Not versioned: a job's files are rewritten whole by a rerun, and expire anyway.
        bucket = private_bucket(
            self,
            "Bucket",
            lifecycle_rules=[
                s3.LifecycleRule(
                    prefix=prefix,
                    expiration=EXPIRE_AFTER,
                    abort_incomplete_multipart_upload_after=ABANDONED_UPLOADS_AFTER,
                )
                for prefix in (IN_PREFIX, OUT_PREFIX)
            ],
        )
        # Plain CloudFormation, not `event_bridge_enabled`: that adds a custom resource (and
        # its Lambda function) for a setting the bucket resource takes directly.
        cfn_bucket = bucket.node.default_child
        assert isinstance(cfn_bucket, s3.CfnBucket)
        cfn_bucket.add_property_override(
            "NotificationConfiguration.EventBridgeConfiguration.EventBridgeEnabled", True
        )
        return bucket

    def _function(self, settings: Settings) -> lambda_.DockerImageFunction:
        """The service's image, started at the bulk job's entry point."""
        return lambda_.DockerImageFunction(
            self,
            "Function",
            code=image_code(settings, cmd=[ENTRY_POINT]),
            architecture=function_architecture(settings),
            memory_size=settings.memory_mb,
            timeout=FUNCTION_TIMEOUT,
            role=self.role,
            log_group=self.function_logs,
            environment={
                ENV_LOG_LEVEL: "INFO",
                ENV_BUCKET: self.bucket.bucket_name,
                ENV_BULK_MAX_TEXT_CHARS: str(settings.bulk_max_text_chars),
            },
        )

    def _state_machine(self) -> sfn.StateMachine:
        """Plan, the distributed Map over the batches, summary; logged without execution data."""
        machine = sfn.StateMachine(
            self,
            "Jobs",
            definition_body=sfn.DefinitionBody.from_chainable(self._definition()),
            timeout=JOB_TIMEOUT,
            tracing_enabled=True,
            logs=sfn.LogOptions(
                destination=expiring_log_group(self, "JobLogs"),
                level=sfn.LogLevel.ALL,
                # Inputs and outputs hold names and offsets only, but they need not be logged.
                include_execution_data=False,
            ),
        )
        # The Map reads the plan the function wrote, and only that (its reader takes the bucket
        # by name, so aws-cdk-lib grants nothing by itself).
        machine.add_to_role_policy(
            iam.PolicyStatement(
                actions=["s3:GetObject"], resources=[self.bucket.arn_for_objects(f"{OUT_PREFIX}*")]
            )
        )
        return machine

    def _trigger(self) -> events.Rule:
        """A job for each file put under in/."""
        return events.Rule(
            self,
            "FileArrived",
            description="Starts a bulk job for each file put under in/",
            event_pattern=events.EventPattern(
                source=["aws.s3"],
                detail_type=["Object Created"],
                detail={
                    "bucket": {"name": [self.bucket.bucket_name]},
                    "object": {"key": [{"prefix": IN_PREFIX}]},
                },
            ),
            targets=[targets.SfnStateMachine(self.state_machine)],
        )

    def _acknowledge(self) -> None:
        """cdk-nag's findings on the bucket, the function's role and the state machine."""
        acknowledge(
            self.bucket,
            {
                "AwsSolutions-S1": "Written only by the account's own uploads and the job's "
                "function, and every object expires within days; server access logs would need "
                "a log bucket with the same exemption.",
            },
        )
        bucket_id = logical_id(self.bucket)
        prefixes = {
            f"AwsSolutions-IAM5[Resource::<{bucket_id}.Arn>/{prefix}*]": f"Objects under {prefix} "
            "only: a job's files are named by the uploader, so the grant is the prefix."
            for prefix in (IN_PREFIX, OUT_PREFIX)
        }
        acknowledge(self.role, prefixes)
        name = f'{{"Fn::Select":[6,{{"Fn::Split":[":",{{"Ref":"{logical_id(self.state_machine)}"}}]}}]}}'
        executions = "arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:" + name
        acknowledge(
            self.state_machine,
            {
                **prefixes,
                "AwsSolutions-IAM5[Resource::*]": "X-Ray tracing and CloudWatch Logs delivery, "
                "as aws-cdk-lib grants them for tracing and logging: those actions take no "
                "resource.",
                f"AwsSolutions-IAM5[Resource::{executions}:*]": "The Distributed Map describes "
                "and stops its own child executions, which are named when they start.",
                f"AwsSolutions-IAM5[Resource::{executions}/*:*]": "The Distributed Map redrives "
                "its own child executions, which are named when they start.",
            },
        )

    def _grant_function(self) -> None:
        """Read `in/` and `out/`, write `out/`, list `out/`: nothing else of the bucket."""
        inputs, outputs = (self.bucket.arn_for_objects(f"{p}*") for p in (IN_PREFIX, OUT_PREFIX))
        for statement in (
            iam.PolicyStatement(actions=["s3:GetObject"], resources=[inputs, outputs]),
            iam.PolicyStatement(
                actions=["s3:PutObject", "s3:AbortMultipartUpload"], resources=[outputs]
            ),
            iam.PolicyStatement(
                actions=["s3:ListBucket"],
                resources=[self.bucket.bucket_arn],
                conditions={"StringLike": {"s3:prefix": [f"{OUT_PREFIX}*"]}},
            ),
        ):
            self.role.add_to_principal_policy(statement)

    def _invoke(
        self, name: str, payload: sfn.TaskInput | None, *, attempts: int, **options: object
    ) -> tasks.LambdaInvoke:
        task = tasks.LambdaInvoke(
            self,
            name,
            lambda_function=self.alias,
            payload=payload,
            payload_response_only=True,
            **options,  # type: ignore[arg-type]
        )
        task.add_retry(
            errors=[sfn.Errors.ALL],
            max_attempts=attempts,
            interval=RETRY_INTERVAL,
            backoff_rate=RETRY_BACKOFF,
            max_delay=RETRY_MAX_DELAY,
            jitter_strategy=sfn.JitterType.FULL,
        )
        return task

    def _definition(self) -> sfn.IChainable:
        plan = self._invoke(
            "Plan",
            sfn.TaskInput.from_object(
                {
                    "action": "plan",
                    "key": sfn.JsonPath.string_at("$.detail.object.key"),
                }
            ),
            attempts=STEP_ATTEMPTS,
            result_path="$.plan",
        )
        score = sfn.DistributedMap(
            self,
            "Score",
            item_reader=sfn.S3JsonLItemReader(
                bucket_name_path=sfn.JsonPath.string_at("$.plan.bucket"),
                key=sfn.JsonPath.string_at("$.plan.plan_key"),
            ),
            # Each item is a plan line (a record's place) and the job's name; a batch's
            # function reads the rest (the file's key, format, header) from out/<job>/job.json.
            item_selector={
                "job": sfn.JsonPath.string_at("$.plan.job"),
                "record": sfn.JsonPath.object_at("$$.Map.Item.Value"),
            },
            item_batcher=sfn.ItemBatcher(max_items_per_batch=BATCH_RECORDS),
            max_concurrency=MAX_CONCURRENCY,
            tolerated_failure_percentage=TOLERATED_FAILURE_PERCENT,
            map_execution_type=sfn.StateMachineType.STANDARD,
            result_path=sfn.JsonPath.DISCARD,
        )
        score.item_processor(self._invoke("ScoreBatch", None, attempts=BATCH_ATTEMPTS))
        summarize = self._invoke(
            "Summarize",
            sfn.TaskInput.from_object(
                {
                    "action": "summarize",
                    "job": sfn.JsonPath.string_at("$.plan.job"),
                    "started": sfn.JsonPath.string_at("$$.Execution.StartTime"),
                }
            ),
            attempts=STEP_ATTEMPTS,
        )
        # The Map is skipped for a file with no records (there is no batch to run).
        any_records = sfn.Choice(self, "AnyRecords")
        any_records.when(
            sfn.Condition.number_greater_than("$.plan.records", 0), score.next(summarize)
        )
        any_records.otherwise(summarize)
        return plan.next(any_records)

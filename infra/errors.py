"""The exceptions raised by `infra/`; the CLI turns each into a one-line message."""


class InfraError(Exception):
    """Base class: something the operator can fix, described in the message."""


class InfraSettingsError(InfraError):
    """A CDK context value is missing its expected shape or out of bounds."""


class CredentialsMissingError(InfraError):
    """No AWS credentials (or no region) could be found for a call to AWS."""


class StackNotFoundError(InfraError):
    """The named CloudFormation stack does not exist in this account and region."""


class OutputMissingError(InfraError):
    """The stack exists but lacks an output the scripts need."""


class BucketNotFoundError(InfraError):
    """The site bucket named by the stack's outputs does not exist."""


class SmokeTestError(InfraError):
    """The deployed API did not answer a prediction as the contract says."""

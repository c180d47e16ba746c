"""Bulk jobs: a JSONL or CSV file of reviews in, one answer line per record out.

`records` reads the file's records by byte offset, `heads` reads the id of a record too long to
read whole, `scoring` turns them into the API's answers,
`local` runs a job on every core of this machine (`python -m handler.bulk INPUT OUTPUT`) and
`aws` is the Lambda function of the Step Functions job (infra/bulk.py). Both write the same bytes.
"""

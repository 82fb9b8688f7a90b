"""streambridge's moto server: moto's own server plus what DynamoDB does in the background on AWS and
moto leaves out. A sweeper thread, working on moto's own backend objects, deletes items past their TTL
(the stream records the delete as the DynamoDB service), trims stream records older than the retention
(readers behind the trim horizon get TrimmedDataAccessException) and drops shard iterators after their
lifetime (ExpiredIteratorException). moto's list of every object it ever made is switched off for items,
stream records and iterators, so what is deleted frees its memory. Started by motoServer.ts with the
settings as flags; docs/local-fidelity.md describes them. No file of moto is changed: a few of its methods
are wrapped in this process, and the start fails loudly when moto lacks what they rely on.
"""

from __future__ import annotations

import argparse
import functools
import json
import signal
import sys
import threading
import time
import traceback
from datetime import timedelta
from typing import Any

STATUS_PATH = "/streambridge/status"
SERVICE_IDENTITY = {"Type": "Service", "PrincipalId": "dynamodb.amazonaws.com"}
# AWS leaves items alone whose TTL is more than five years in the past.
TTL_MAX_AGE_SECONDS = 5 * 365 * 86_400
# Expired items are deleted in batches, each under the lock, so requests interleave with a long sweep.
DELETE_BATCH = 100
ISSUED_AT = "_streambridge_issued_at"


class MotoMismatch(Exception):
    """moto lacks an internal this launcher relies on (another version than the pinned one)."""


try:
    import moto
    from moto.core.exceptions import JsonRESTError
    from moto.core.utils import utcnow
    from moto.dynamodb.models import dynamodb_backends
    from moto.dynamodb.models.dynamo_type import DynamoType, Item
    from moto.dynamodb.models.table import StreamRecord, StreamShard, Table
    from moto.dynamodb.responses import DynamoHandler
    from moto.dynamodbstreams.models import DynamoDBStreamsBackend, ShardIterator, dynamodbstreams_backends
    from moto.dynamodbstreams.responses import DynamoDBStreamsHandler
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
    from werkzeug.serving import run_simple
except ImportError as error:
    sys.exit(f"streambridge moto launcher: moto does not provide {error.name or error}: {error}")

ERROR_PREFIX = "com.amazonaws.dynamodb.v20120810#"


class TrimmedDataAccessException(JsonRESTError):
    def __init__(self) -> None:
        super().__init__(
            ERROR_PREFIX + "TrimmedDataAccessException",
            "The operation attempted to read past the oldest stream record in a shard.",
        )


class ExpiredIteratorException(JsonRESTError):
    def __init__(self) -> None:
        super().__init__(ERROR_PREFIX + "ExpiredIteratorException", "Iterator expired")


class Settings:
    def __init__(self, args: argparse.Namespace) -> None:
        self.ttl_expiry: bool = args.ttl_expiry == "on"
        self.sweep_seconds: float = args.sweep_seconds
        self.retention_seconds: float = args.stream_retention_seconds
        self.iterator_seconds: float = args.iterator_seconds

    def to_json(self) -> dict[str, Any]:
        return {
            "ttlExpiry": self.ttl_expiry,
            "sweepSeconds": self.sweep_seconds,
            "streamRetentionSeconds": self.retention_seconds,
            "iteratorSeconds": self.iterator_seconds,
        }


# moto serves requests on threads and has no locks of its own: every DynamoDB and DynamoDB Streams action
# and each step of the sweeper runs under this one, so a TTL delete is atomic with the writes around it.
LOCK = threading.RLock()
COUNTERS = {"passes": 0, "ttlDeleted": 0, "streamRecordsTrimmed": 0, "iteratorsExpired": 0}


def require(owner: Any, *names: str) -> None:
    missing = [name for name in names if not hasattr(owner, name)]
    if missing:
        label = getattr(owner, "__name__", type(owner).__name__)
        raise MotoMismatch(f"{label} has no {', '.join(missing)}")


class Untracked(list):  # type: ignore[type-arg]
    """moto appends every model instance it makes to a class list (for its /moto-api/data.json page)."""

    def append(self, _instance: Any) -> None:
        return None


UNTRACKED_MODELS = (Item, StreamRecord, ShardIterator)


def untrack() -> None:
    # Done on every pass: moto's /moto-api/reset puts plain lists back.
    for model in UNTRACKED_MODELS:
        if not isinstance(model.instances_tracked, Untracked):
            model.instances_tracked = Untracked()


def serialized(action: Any) -> Any:
    @functools.wraps(action)
    def locked(self: Any) -> Any:
        with LOCK:
            return action(self)

    return locked


def is_expired(item: Any, attribute: str, now: float) -> bool:
    """AWS's rule: a top-level Number, epoch seconds, in the past but not more than five years."""
    value = item.attrs.get(attribute)
    if value is None or value.type != "N":
        return False
    try:
        expires = float(value.value)
    except (TypeError, ValueError):
        return False
    return now - TTL_MAX_AGE_SECONDS <= expires < now


def expired_keys(table: Any, attribute: str, now: float) -> list[tuple[Any, Any]]:
    # Copying a dict is one step under the GIL, so the scan needs no lock; the delete re-checks under it.
    keys: list[tuple[Any, Any]] = []
    for hash_key, entry in list(table.items.items()):
        if table.range_key_attr is None:
            if is_expired(entry, attribute, now):
                keys.append((hash_key, None))
            continue
        for range_key, item in list(entry.items()):
            if is_expired(item, attribute, now):
                keys.append((hash_key, range_key))
    return keys


def expire_items(table: Any) -> int:
    ttl = table.ttl
    attribute = ttl.get("AttributeName")
    if ttl.get("TimeToLiveStatus") != "ENABLED" or not attribute:
        return 0
    keys = expired_keys(table, attribute, time.time())
    deleted = 0
    for start in range(0, len(keys), DELETE_BATCH):
        with LOCK:
            now = time.time()
            for hash_key, range_key in keys[start : start + DELETE_BATCH]:
                current = table.get_item(hash_key, range_key)
                # Written again since the scan with a later expiry: not expired any more.
                if current is None or not is_expired(current, attribute, now):
                    continue
                table.delete_item(hash_key, range_key)
                if table.stream_shard is not None:
                    table.stream_shard.items[-1].record["userIdentity"] = dict(SERVICE_IDENTITY)
                deleted += 1
    return deleted


def trim_stream(shard: Any, retention_seconds: float) -> int:
    cutoff = utcnow() - timedelta(seconds=retention_seconds)
    with LOCK:
        records = shard.items
        count = 0
        while count < len(records) and records[count].record["dynamodb"]["ApproximateCreationDateTime"] < cutoff:
            count += 1
        if count:
            # moto numbers records by their list position from starting_sequence_number: both move together.
            del records[:count]
            shard.starting_sequence_number += count
    return count


def is_stale(iterator: Any, lifetime_seconds: float, now: float) -> bool:
    return now - getattr(iterator, ISSUED_AT, now) >= lifetime_seconds


def drop_stale_iterators(backend: Any, lifetime_seconds: float) -> int:
    with LOCK:
        now = time.monotonic()
        stale = []
        # Iterators are kept in the order they were issued: the stale ones come first.
        for arn, iterator in backend.shard_iterators.items():
            if not is_stale(iterator, lifetime_seconds, now):
                break
            stale.append(arn)
        for arn in stale:
            del backend.shard_iterators[arn]
    return len(stale)


def backends(backend_dict: Any) -> list[Any]:
    return [backend for regions in list(backend_dict.values()) for backend in list(regions.values())]


def sweep(settings: Settings) -> None:
    untrack()
    for backend in backends(dynamodb_backends):
        for table in list(backend.tables.values()):
            if settings.ttl_expiry:
                COUNTERS["ttlDeleted"] += expire_items(table)
            if table.stream_shard is not None:
                COUNTERS["streamRecordsTrimmed"] += trim_stream(table.stream_shard, settings.retention_seconds)
    for backend in backends(dynamodbstreams_backends):
        COUNTERS["iteratorsExpired"] += drop_stale_iterators(backend, settings.iterator_seconds)
    COUNTERS["passes"] += 1


def sweep_forever(settings: Settings) -> None:
    while True:
        time.sleep(settings.sweep_seconds)
        try:
            sweep(settings)
        except Exception:
            # One failed pass must not stop expiry for good: log it, try again next time.
            traceback.print_exc()


def install_stream_rules(settings: Settings) -> None:
    """GetShardIterator and GetRecords as AWS documents them past the trim horizon and the iterator lifetime."""
    get_shard_iterator = DynamoDBStreamsBackend.get_shard_iterator
    get_records = DynamoDBStreamsBackend.get_records
    issue = ShardIterator.__init__

    @functools.wraps(get_shard_iterator)
    def checked_get_shard_iterator(self: Any, arn: str, shard_id: str, kind: str, sequence_number: Any = None) -> Any:
        if kind in ("AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER") and sequence_number is not None:
            shard = self._get_table_from_arn(arn).stream_shard
            if shard is not None and int(sequence_number) < shard.starting_sequence_number:
                raise TrimmedDataAccessException()
        return get_shard_iterator(self, arn, shard_id, kind, sequence_number)

    @functools.wraps(get_records)
    def checked_get_records(self: Any, iterator_arn: str, limit: int) -> Any:
        iterator = self.shard_iterators.get(iterator_arn)
        # An iterator the sweeper dropped is unknown here: it expired.
        if iterator is None or is_stale(iterator, settings.iterator_seconds, time.monotonic()):
            self.shard_iterators.pop(iterator_arn, None)
            raise ExpiredIteratorException()
        if iterator.sequence_number < iterator.stream_shard.starting_sequence_number:
            raise TrimmedDataAccessException()
        return get_records(self, iterator_arn, limit)

    @functools.wraps(issue)
    def stamped_issue(self: Any, *args: Any, **kwargs: Any) -> None:
        issue(self, *args, **kwargs)
        setattr(self, ISSUED_AT, time.monotonic())

    DynamoDBStreamsBackend.get_shard_iterator = checked_get_shard_iterator
    DynamoDBStreamsBackend.get_records = checked_get_records
    ShardIterator.__init__ = stamped_issue


def self_check() -> None:
    """Runs the sweeper's steps on a table of its own, so a moto without these internals fails the start."""
    require(DynamoHandler, "call_action")
    require(DynamoDBStreamsHandler, "call_action")
    require(DynamoDBStreamsBackend, "get_shard_iterator", "get_records", "_get_table_from_arn")
    require(ShardIterator, "get")
    require(StreamShard, "add", "get")
    for model in UNTRACKED_MODELS:
        require(model, "instances_tracked")
    table = Table(
        "streambridge-self-check",
        account_id="000000000000",
        region="us-east-1",
        schema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        attr=[{"AttributeName": "pk", "AttributeType": "S"}],
        streams={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )
    require(table, "items", "ttl", "stream_shard", "range_key_attr", "get_item", "delete_item")
    shard = table.stream_shard
    require(shard, "items", "starting_sequence_number")
    table.ttl = {"TimeToLiveStatus": "ENABLED", "AttributeName": "expiresAt"}
    table.put_item({"pk": {"S": "expired"}, "expiresAt": {"N": str(int(time.time()) - 1)}})
    table.put_item({"pk": {"S": "live"}, "expiresAt": {"N": str(int(time.time()) + 3_600)}})
    if expire_items(table) != 1 or table.get_item(DynamoType({"S": "expired"})) is not None:
        raise MotoMismatch("an expired item was not deleted")
    if table.get_item(DynamoType({"S": "live"})) is None:
        raise MotoMismatch("an item that has not expired was deleted")
    removal = shard.items[-1].record
    if removal.get("eventName") != "REMOVE" or removal.get("userIdentity") != SERVICE_IDENTITY:
        raise MotoMismatch(f"a TTL delete was not recorded as a service REMOVE: {removal}")
    first = shard.starting_sequence_number
    if trim_stream(shard, -60) != 3 or shard.starting_sequence_number != first + 3 or shard.items:
        raise MotoMismatch("trimming the stream did not move its starting sequence number")


def status_endpoint(app: Any, settings: Settings) -> Any:
    """Answers GET /streambridge/status (settings and counters): the launcher's probe and the tests read it."""

    def wsgi(environ: dict[str, Any], start_response: Any) -> Any:
        if environ.get("PATH_INFO") != STATUS_PATH:
            return app(environ, start_response)
        body = json.dumps(
            {"launcher": "streambridge", "moto": moto.__version__, "settings": settings.to_json(), "counters": COUNTERS}
        ).encode()
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]

    return wsgi


def positive(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be above 0, got {text}")
    return value


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-H", "--host", default="127.0.0.1")
    parser.add_argument("-p", "--port", type=int, required=True)
    parser.add_argument("--ttl-expiry", choices=("on", "off"), default="on")
    parser.add_argument("--sweep-seconds", type=positive, default=5.0)
    parser.add_argument("--stream-retention-seconds", type=positive, default=86_400.0)
    parser.add_argument("--iterator-seconds", type=positive, default=900.0)
    args = parser.parse_args(argv)
    settings = Settings(args)
    try:
        self_check()
    except MotoMismatch as error:
        sys.exit(
            f"streambridge moto launcher: moto {moto.__version__} lacks what the launcher relies on ({error}); "
            "use the moto version pinned in local/services/constants.ts or update local/services/moto/moto_server_launcher.py"
        )
    untrack()
    DynamoHandler.call_action = serialized(DynamoHandler.call_action)
    DynamoDBStreamsHandler.call_action = serialized(DynamoDBStreamsHandler.call_action)
    install_stream_rules(settings)

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: sys.exit(0))
    threading.Thread(target=sweep_forever, args=(settings,), name="streambridge-sweeper", daemon=True).start()
    print(f"streambridge moto launcher: moto {moto.__version__}, {json.dumps(settings.to_json())}", flush=True)
    app = status_endpoint(DomainDispatcherApplication(create_backend_app), settings)
    run_simple(args.host, args.port, app, threaded=True, request_handler=MotoRequestHandler)


if __name__ == "__main__":
    main()

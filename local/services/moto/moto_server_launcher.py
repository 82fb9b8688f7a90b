"""streambridge's moto server: moto's own server plus what DynamoDB does in the background on AWS and
moto leaves out. A sweeper thread, working on moto's own backend objects, deletes items past their TTL
(the stream records the delete as the DynamoDB service), trims stream records older than the retention
(readers behind the trim horizon get TrimmedDataAccessException) and drops shard iterators after their
lifetime (ExpiredIteratorException). moto's list of every object it ever made is switched off for items,
stream records and iterators, so what is deleted frees its memory. Started by motoServer.ts with the
settings as flags; docs/local-fidelity.md describes them. TransactWriteItems rolls back a failed
transaction from a copy of the items it touches instead of moto's deep copy of every table it names (with
their stream records: a cost that grew with the tables' history), and a Query of a table's own key reads
that partition (only the items its sort key condition keeps) instead of moto's sorted list of the whole
table; a transaction holds the reads off while it runs (no read sees the writes of one that is then
cancelled); each condition expression's text is lexed once, an item's size is checked once instead of once per
attribute, and Flask's debug mode is off. After each sweep pass the objects alive are frozen out of
Python's full cycle collections, which otherwise walk every item while holding every request thread. No
file of moto is changed: a few of its methods are wrapped in this process, and the start fails loudly when
moto lacks what they rely on.
"""

from __future__ import annotations

import argparse
import base64
import copy
import functools
import gc
import io
import json
import signal
import sys
import threading
import time
import traceback
from collections import defaultdict, deque
from datetime import datetime, timedelta
from typing import Any

STATUS_PATH = "/_streambridge/status"
SERVICE_IDENTITY = {"Type": "Service", "PrincipalId": "dynamodb.amazonaws.com"}
# AWS leaves items alone whose TTL is more than five years in the past.
TTL_MAX_AGE_SECONDS = 5 * 365 * 86_400
ISSUED_AT = "_streambridge_issued_at"


class MotoMismatch(Exception):
    """moto lacks an internal this launcher relies on (another version than the pinned one)."""


try:
    import moto
    import moto.backends as moto_backends
    import moto.core.responses as moto_responses
    import moto.core.serialize as moto_serialize
    import moto.dynamodb.models as dynamodb_models
    import moto.dynamodb.responses as dynamodb_responses
    from moto.core.exceptions import JsonRESTError
    from moto.core.utils import utcnow
    from moto.dynamodb.models import DynamoDBBackend, dynamodb_backends
    from moto.dynamodb.comparisons import ConditionExpressionParser, get_filter_expression
    from moto.dynamodb.exceptions import ItemSizeTooLarge
    from moto.dynamodb.models.dynamo_type import DynamoType, Item, LimitedSizeDict
    from moto.dynamodb.models.utilities import bytesize
    from moto.dynamodb.models.table import StreamRecord, StreamShard, Table
    from moto.dynamodb.responses import DynamoHandler, DynamoResult
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


# moto serves requests on threads and has no locks of its own: every DynamoDB action but the reads, every
# DynamoDB Streams action and each step of the sweeper run under this one, so a TTL delete is atomic with the
# writes around it and a trim with the stream reads. Reads stay concurrent: a long Query must not hold up
# the pollers' GetRecords. They wait only for a running TransactWriteItems (TransactionGate).
LOCK = threading.RLock()
READ_ACTIONS = frozenset(
    {"GetItem", "BatchGetItem", "Query", "Scan", "TransactGetItems", "DescribeTable", "ListTables", "DescribeTimeToLive"}
)
COUNTERS = {"passes": 0, "ttlDeleted": 0, "streamRecordsTrimmed": 0, "iteratorsExpired": 0, "fastJson": 0}
# Python's collections of reference cycles, by kind: while one runs, it holds every thread of the server.
GC_PAUSES = {
    "fullCollections": 0,
    "fullPauseMsTotal": 0.0,
    "fullPauseMsMax": 0.0,
    "youngCollections": 0,
    "youngPauseMsTotal": 0.0,
}
GC_STARTED = [0.0]
# See freeze_survivors(). Off only to measure what it saves.
GC_FREEZE = True
# Container objects allocated (less those freed) between two young collections; Python's default is 700. A
# request allocates thousands (a BatchWriteItem of 25 items: some 25 collections at 700), and each collection
# walks what is young and still alive, holding every thread: a 7-minute default demo spent 15 s in them. At
# 50 000 a 120 s demo at 250 events/s spent 1.1 s instead of 4.2 s, and no full collection ran (5 before).
GC_YOUNG_THRESHOLD = 50_000
# Requests served, by operation: [count, CPU seconds of the serving thread, wall seconds].
REQUESTS: dict[str, list[float]] = defaultdict(lambda: [0, 0.0, 0.0])
REQUESTS_LOCK = threading.Lock()


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


class TransactionGate:
    """
    Keeps the unlocked reads out of a TransactWriteItems while it runs. moto applies a transaction's writes
    one by one and, when a condition fails, puts the items back (TransactionJournal): a read in between saw
    writes that never happened. On AWS no read sees them (a transaction is serializable with GetItem and
    TransactGetItems, read-committed for BatchGetItem, Query and Scan). A writer that plans from such a read
    and writes on a revision condition can overwrite a commit made meanwhile at the same revision (the
    `sessions` mode lost page views that way). Reads share the gate; a transaction holds it alone, taken
    before LOCK so the pollers' stream reads (under LOCK) never wait on a long read. Readers that arrive
    while a transaction waits wait behind it.
    """

    def __init__(self) -> None:
        self._cond = threading.Condition(threading.Lock())
        self._readers = 0
        self._writer = False
        self._waiting = 0

    def read(self, action: Any, handler: Any) -> Any:
        with self._cond:
            while self._writer or self._waiting:
                self._cond.wait()
            self._readers += 1
        try:
            return action(handler)
        finally:
            with self._cond:
                self._readers -= 1
                if self._readers == 0:
                    self._cond.notify_all()

    def write(self, action: Any, handler: Any) -> Any:
        with self._cond:
            self._waiting += 1
            while self._writer or self._readers:
                self._cond.wait()
            self._waiting -= 1
            self._writer = True
        try:
            with LOCK:
                return action(handler)
        finally:
            with self._cond:
                self._writer = False
                self._cond.notify_all()


TRANSACTION_GATE = TransactionGate()
GATED_WRITES = frozenset({"TransactWriteItems"})


def serialized(action: Any, unlocked: frozenset[str] = frozenset(), gated: frozenset[str] = frozenset()) -> Any:
    @functools.wraps(action)
    def locked(self: Any) -> Any:
        name = self._get_action()
        if name in unlocked:
            return TRANSACTION_GATE.read(action, self) if gated else action(self)
        if name in gated:
            return TRANSACTION_GATE.write(action, self)
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


def delete_expired(table: Any, attribute: str, keys: list[tuple[Any, Any]], now: float) -> list[Any]:
    """
    Called under the lock, so no write runs meanwhile: re-checks each item (it may have been written again
    with a later expiry) and removes the expired ones by replacing the dicts that held them, since reads run
    without the lock and a Query or Scan may be iterating the old dict. Returns the items removed.
    """
    removed: list[Any] = []
    if table.range_key_attr is None:
        for hash_key, _ in keys:
            item = table.items.get(hash_key)
            if item is not None and is_expired(item, attribute, now):
                removed.append(item)
        gone = {id(item) for item in removed}
        if removed:
            table.items = defaultdict(dict, ((k, v) for k, v in table.items.items() if id(v) not in gone))
        return removed
    by_hash: dict[Any, set[Any]] = {}
    for hash_key, range_key in keys:
        by_hash.setdefault(hash_key, set()).add(range_key)
    emptied = False
    for hash_key, range_keys in by_hash.items():
        entries = table.items.get(hash_key)
        if not entries:
            continue
        expired = [r for r in range_keys if r in entries and is_expired(entries[r], attribute, now)]
        if not expired:
            continue
        removed.extend(entries[r] for r in expired)
        table.items[hash_key] = {r: item for r, item in entries.items() if r not in expired}
        emptied = emptied or len(table.items[hash_key]) == 0
    if emptied:
        # An item collection emptied for good (an order's events, a device's day) is dropped, not kept empty.
        table.items = defaultdict(dict, ((k, v) for k, v in table.items.items() if v))
    return removed


def expire_items(table: Any) -> int:
    ttl = table.ttl
    attribute = ttl.get("AttributeName")
    if ttl.get("TimeToLiveStatus") != "ENABLED" or not attribute:
        return 0
    keys = expired_keys(table, attribute, time.time())
    if not keys:
        return 0
    with LOCK:
        removed = delete_expired(table, attribute, keys, time.time())
        if table.stream_shard is not None:
            for item in removed:
                table.stream_shard.add(item, None)
                table.stream_shard.items[-1].record["userIdentity"] = dict(SERVICE_IDENTITY)
    return len(removed)


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


def time_collections(phase: str, info: dict[str, Any]) -> None:
    if phase == "start":
        GC_STARTED[0] = time.perf_counter()
        return
    ms = (time.perf_counter() - GC_STARTED[0]) * 1000
    if info.get("generation") == 2:
        GC_PAUSES["fullCollections"] += 1
        GC_PAUSES["fullPauseMsTotal"] = round(GC_PAUSES["fullPauseMsTotal"] + ms, 1)
        GC_PAUSES["fullPauseMsMax"] = round(max(GC_PAUSES["fullPauseMsMax"], ms), 1)
    else:
        GC_PAUSES["youngCollections"] += 1
        GC_PAUSES["youngPauseMsTotal"] = round(GC_PAUSES["youngPauseMsTotal"] + ms, 1)


def freeze_survivors() -> None:
    """
    Moves every object alive now out of reach of Python's cycle collector (gc.freeze). moto's tables and stream
    records are long-lived and free by reference counting when deleted, yet a full collection walks all of
    them, holding every request thread meanwhile: 190 ms at 20 000 items, and longer as the run grows (a 150 s
    demo at 200 events/s: 2.9 s of full-collection pauses, 351 ms the longest; 0.26 s and 89 ms frozen). Frozen,
    a full collection walks only what was made since the last pass. Young garbage is collected first, so only
    cycles still alive are frozen (a cycle that dies after being frozen is never freed: none was found in items
    written over, deleted and queried).
    """
    if GC_FREEZE:
        gc.collect(1)
        gc.freeze()


def sweep_forever(settings: Settings) -> None:
    while True:
        time.sleep(settings.sweep_seconds)
        try:
            sweep(settings)
            freeze_survivors()
            # Counted once the whole pass is done, freezing included: a reader that sees the count grow sees
            # everything the pass did.
            COUNTERS["passes"] += 1
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


class TransactionJournal:
    """
    What a TransactWriteItems may change, taken before it runs: a copy of each item it names (or that there
    was none, and whether its item collection existed) and the length of each named table's stream. Restoring
    it undoes the transaction as moto's copy of the whole tables did. Writes run under LOCK, so nothing else
    changes these tables meanwhile.
    """

    def __init__(self, backend: Any, transact_items: list[dict[str, Any]]) -> None:
        self.items: list[tuple[Any, Any, Any, bool, Any]] = []
        self.streams: list[tuple[Any, int]] = []
        tables: dict[str, Any] = {}
        for entry in transact_items:
            op_type, op = next(iter(entry.items()))
            table = backend.tables.get(op.get("TableName"))
            if table is None:
                continue
            tables[op["TableName"]] = table
            key = op["Item"] if op_type == "Put" else op["Key"]
            hash_key = DynamoType(key[table.hash_key_attr])
            range_key = DynamoType(key[table.range_key_attr]) if table.range_key_attr is not None else None
            existed = hash_key in table.items
            current = table.items[hash_key].get(range_key) if range_key is not None and existed else None
            if range_key is None and existed:
                current = table.items[hash_key]
            self.items.append((table, hash_key, range_key, existed, copy.deepcopy(current)))
        for table in tables.values():
            if table.stream_shard is not None:
                self.streams.append((table.stream_shard, len(table.stream_shard.items)))

    def restore(self) -> None:
        # In reverse: an item named twice (moto rejects that, after applying the first) ends as it began.
        for table, hash_key, range_key, existed, item in reversed(self.items):
            if range_key is None:
                if item is None:
                    table.items.pop(hash_key, None)
                else:
                    table.items[hash_key] = item
                continue
            if item is not None:
                table.items[hash_key][range_key] = item
            elif hash_key in table.items:
                table.items[hash_key].pop(range_key, None)
                if not existed and not table.items[hash_key]:
                    del table.items[hash_key]
        for shard, length in self.streams:
            del shard.items[length:]


JOURNALED = threading.local()


# Set while an UpdateItem runs on a table without a stream (see install_update_copy_skips).
STREAMLESS_UPDATE = threading.local()


class TableCopySkipper:
    """
    moto's module `copy`, except that a deep copy of a Table inside a journaled transaction is the table
    itself, and so is the deep copy of the item an UpdateItem of a table without a stream takes (moto keeps
    it only for the stream record's old image).
    """

    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)

    @staticmethod
    def deepcopy(value: Any, memo: Any = None) -> Any:
        if isinstance(value, Table) and getattr(JOURNALED, "active", False):
            return value
        if isinstance(value, Item) and getattr(STREAMLESS_UPDATE, "active", False):
            return value
        return copy.deepcopy(value, memo)


class ItemCopySkipper:
    """
    The module `copy` of moto's DynamoDB responses, whose one deep copy is of the item an UpdateItem is
    about to change, read at once with `to_json()` for the old attributes the response returns: `to_json()`
    builds new containers and shares only strings, so the copy is the item itself.
    """

    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)

    @staticmethod
    def deepcopy(value: Any, memo: Any = None) -> Any:
        if isinstance(value, Item):
            return value
        return copy.deepcopy(value, memo)


def install_update_copy_skips() -> None:
    """
    An UpdateItem deep-copied its item twice: once for the response's old attributes (read at once as JSON)
    and once for the stream record's old image, also on tables without a stream. A DynamoType's deep copy is
    Python code per value, so on an aggregate's item (six partitions' ledgers of offset runs) the two were a
    fifth of the request's CPU. Both copies are skipped where nothing needs them.
    """
    update_item = DynamoDBBackend.update_item

    @functools.wraps(update_item)
    def update_without_unused_copy(self: Any, table_name: str, *args: Any, **kwargs: Any) -> Any:
        STREAMLESS_UPDATE.active = self.get_table(table_name).stream_shard is None
        try:
            return update_item(self, table_name, *args, **kwargs)
        finally:
            STREAMLESS_UPDATE.active = False

    DynamoDBBackend.update_item = update_without_unused_copy
    dynamodb_responses.copy = ItemCopySkipper()


def check_update_copies() -> None:
    """
    What the skipped copies relied on: an item's `to_json()` is not changed by a later update of the item
    (numbers, lists, sets, maps), and a streamed table's UpdateItem still records the item as it was.
    """
    backend = DynamoDBBackend("us-east-1", "000000000000")
    def item() -> dict[str, Any]:
        return {"pk": {"S": "a"}, "n": {"N": "1"}, "l": {"L": [{"S": "x"}]}, "ss": {"SS": ["p"]}, "m": {"M": {"k": {"N": "1"}}}}

    for name, streamed in (("plain", False), ("streamed", True)):
        shard = self_check_backend_table(backend, name, None, streamed).stream_shard
        backend.put_item(name, item())
        old = backend.get_item(name, {"pk": {"S": "a"}}).to_json()["Attributes"]
        backend.update_item(
            name,
            {"pk": {"S": "a"}},
            update_expression="SET n = :n, l = list_append(l, :l), m.k = :n ADD ss :ss",
            expression_attribute_names={},
            expression_attribute_values={":n": {"N": "2"}, ":l": {"L": [{"S": "y"}]}, ":ss": {"SS": ["q"]}},
        )
        if old != item():
            raise MotoMismatch(f"an item's JSON read before an update changed with it: {old}")
        after = backend.get_item(name, {"pk": {"S": "a"}}).to_json()["Attributes"]
        if after["n"] != {"N": "2"} or after["l"] != {"L": [{"S": "x"}, {"S": "y"}]} or sorted(after["ss"]["SS"]) != ["p", "q"]:
            raise MotoMismatch(f"an update left the item as {after}")
        if shard is not None:
            record = shard.items[-1].record["dynamodb"]
            if record.get("OldImage", {}).get("n") != {"N": "1"} or record.get("NewImage", {}).get("n") != {"N": "2"}:
                raise MotoMismatch(f"a streamed update recorded {record}")


def install_transaction_journal() -> None:
    transact_write_items = DynamoDBBackend.transact_write_items

    @functools.wraps(transact_write_items)
    def journaled(self: Any, transact_items: list[dict[str, Any]]) -> Any:
        try:
            journal = TransactionJournal(self, transact_items)
        except Exception:
            # A request moto will reject (no key, several operations in one entry): moto's own path says why.
            return transact_write_items(self, transact_items)
        JOURNALED.active = True
        try:
            return transact_write_items(self, transact_items)
        except BaseException:
            journal.restore()
            raise
        finally:
            JOURNALED.active = False

    dynamodb_models.copy = TableCopySkipper()
    DynamoDBBackend.transact_write_items = journaled


def install_dispatch_caches() -> None:
    """
    At every request moto lists its own package folder (a listdir and a stat per service) to route it, and
    lists the handler class's methods with `inspect` to find the action: both are fixed while the server
    runs, so each is computed once (about a fifth of the CPU of a small request).
    """
    modules = tuple(moto_backends.list_of_moto_modules())
    moto_backends.list_of_moto_modules = lambda: modules
    method_names = moto_responses.method_names_from_class

    @functools.lru_cache(maxsize=None)
    def cached_method_names(clazz: Any) -> frozenset[str]:
        # The one caller only tests membership.
        return frozenset(method_names(clazz))

    moto_responses.method_names_from_class = cached_method_names


def install_expression_lexing_cache() -> None:
    """
    moto lexes every condition expression (ConditionExpression, FilterExpression, a key condition's check)
    from its text at each request, compiling its token patterns again per token: about half of the
    expression's parse, and a sink sends the same few expressions all day. The tokens of an expression
    depend on its text only (names and values are substituted after), and they are immutable tuples, so
    each text is lexed once; every parse gets a fresh deque of them, which the parser consumes.
    """
    lex = ConditionExpressionParser._lex_condition_expression

    @functools.lru_cache(maxsize=1024)
    def tokens(parser_class: Any, expression: str) -> tuple[Any, ...]:
        parser = parser_class.__new__(parser_class)
        parser.condition_expression = expression
        return tuple(lex(parser))

    @functools.wraps(lex)
    def cached_lex(self: Any) -> deque[Any]:
        return deque(tokens(type(self), self.condition_expression))

    ConditionExpressionParser._lex_condition_expression = cached_lex


def check_expression_lexing_cache() -> None:
    """One expression text parsed with other names and values gives each its own result."""
    expression = "attribute_not_exists(#a) OR #a < :v"
    item = Item(DynamoType({"S": "k"}), None, {"pk": {"S": "k"}, "n": {"N": "5"}, "m": {"N": "1"}})
    for name, value, expected in (("n", "6", True), ("n", "5", False), ("m", "2", True), ("missing", "0", True)):
        for _ in range(2):
            op = get_filter_expression(expression, {"#a": name}, {":v": {"N": value}})
            if op.expr(item) is not expected:
                raise MotoMismatch(f"{expression} with #a={name}, :v={value} gave {not expected} after lexing once")
    try:
        get_filter_expression("#a < :v AND", {"#a": "n"}, {":v": {"N": "1"}})
    except Exception:
        pass
    else:
        raise MotoMismatch("an expression ending in AND parsed once its tokens were cached")


# moto's item size limit (LimitedSizeDict): "between 409 and 410KB" measured, 405 000 bytes taken.
ITEM_SIZE_LIMIT = 405_000


def install_item_size_check() -> None:
    """
    moto builds an item's attributes one by one into a dict that sums the size of every attribute already
    in it before each one is added: a quadratic walk per item written (3 % of the server's CPU). Sizes only
    add up, so checking the whole item once refuses exactly the items that walk refused. Attributes set
    later (update expressions) still go through moto's check.
    """

    def sized_init(self: Any, hash_key: Any, range_key: Any, attrs: dict[str, Any]) -> None:
        self.hash_key = hash_key
        self.range_key = range_key
        values = {key: DynamoType(value) for key, value in attrs.items()}
        if sum(bytesize(key) + value.size() for key, value in values.items()) > ITEM_SIZE_LIMIT:
            raise ItemSizeTooLarge
        # LimitedSizeDict's constructor fills it without the per-attribute check.
        self.attrs = LimitedSizeDict(values)

    Item.__init__ = sized_init


def check_item_size_check() -> None:
    """Items at the size limit are kept whole; one byte over is refused; later attributes are still checked."""
    small = Item(DynamoType({"S": "k"}), None, {"pk": {"S": "k"}, "n": {"N": "1"}, "m": {"M": {"a": {"S": "b"}}}})
    if set(small.attrs) != {"pk", "n", "m"} or not isinstance(small.attrs, LimitedSizeDict):
        raise MotoMismatch(f"an item was built with attributes {sorted(small.attrs)}")
    if not isinstance(small.attrs["n"], DynamoType) or small.attrs["n"].value != "1":
        raise MotoMismatch("an item's attribute was not made a DynamoType")
    padding = ITEM_SIZE_LIMIT - bytesize("pk") - bytesize("k") - bytesize("pad")
    at_limit = Item(DynamoType({"S": "k"}), None, {"pk": {"S": "k"}, "pad": {"S": "x" * padding}})
    for case in ("one byte over the limit", "an attribute set past the limit"):
        try:
            if case == "one byte over the limit":
                Item(DynamoType({"S": "k"}), None, {"pk": {"S": "k"}, "pad": {"S": "x" * (padding + 1)}})
            else:
                at_limit.attrs["later"] = DynamoType({"S": "z"})
        except ItemSizeTooLarge:
            continue
        raise MotoMismatch(f"an item {case} was accepted")


PARTITION = threading.local()
# Marks a PARTITION hint as an index Query's (its key conditions follow).
INDEX_HINT = object()


def install_partition_query() -> None:
    """
    moto answers a Query on a table's own key from `all_items()`, every item of the table sorted, then keeps
    those of the partition: each read cost grew with the table. While such a Query runs on this thread,
    `all_items()` of that table returns the partition's items only, and of those only the ones the sort key
    condition keeps (moto sizes every item it walks, matching or not, and sorts them all: a Query for the
    newest items of a partition cost as much as reading all of it). moto then sorts and filters them as
    before. A Query of an index gets, the same way, only the items whose index key attributes equal the
    Query's (moto sorted the whole table with Python comparisons before it looked at them: 108 ms of CPU per
    Query of the sessions table's index in the bench, sixteen of them at once each minute from the session
    closer, holding every other request meanwhile). Scans keep the whole table.

    Reads run unlocked, beside writes (`serialized`): moto walked a table's live dicts with Python code
    between items, so a write that added an item meanwhile failed the read with "dictionary changed size
    during iteration", a 500 (a third of the Queries of a 3 000-item partition with three writers adding to
    it). Every walk here first copies the dict's values with `list()`, which runs in C without letting
    another thread in: the read sees the partition as it was at one instant.
    """
    query = Table.query

    @functools.wraps(query)
    def partition_query(self: Any, hash_key: Any, *args: Any, **kwargs: Any) -> Any:
        # index_name is the seventh parameter after hash_key.
        index_name = args[6] if len(args) > 6 else kwargs.get("index_name")
        if index_name is not None:
            conditions = kwargs.get("hash_key_conditions")
            # An index the table lacks is moto's to refuse (a ValidationException naming the indexes).
            index = next((i for i in self.all_indexes() if i.name == index_name), None)
            if not conditions or index is None:
                return query(self, hash_key, *args, **kwargs)
            # The index's one sort key and the condition on it (range_comparison and range_objs are the first
            # two parameters after hash_key), which moto applies to it after sorting and sizing every match.
            sort_keys = [key["AttributeName"] for key in index.schema if key["KeyType"] == "RANGE"]
            range_comparison = args[0] if args else kwargs.get("range_comparison")
            range_objs = args[1] if len(args) > 1 else kwargs.get("range_objs")
            on_sort_key = (sort_keys[0], range_comparison, range_objs) if len(sort_keys) == 1 and range_comparison else None
            PARTITION.key = (self, INDEX_HINT, tuple(conditions), on_sort_key)
            try:
                return query(self, hash_key, *args, **kwargs)
            finally:
                PARTITION.key = None
        if hash_key is None:
            return query(self, hash_key, *args, **kwargs)
        # range_comparison and range_objs are the first two parameters after hash_key.
        range_comparison = args[0] if args else kwargs.get("range_comparison")
        range_objs = args[1] if len(args) > 1 else kwargs.get("range_objs")
        PARTITION.key = (self, hash_key, range_comparison, range_objs)
        try:
            return query(self, hash_key, *args, **kwargs)
        finally:
            PARTITION.key = None

    @functools.wraps(Table.all_items)
    def partition_items(self: Any) -> Any:
        hint = getattr(PARTITION, "key", None)
        if hint is None or hint[0] is not self:
            return sorted(snapshot_items(self), key=lambda x: (x.hash_key, x.range_key) if x.range_key else x.hash_key)
        if hint[1] is INDEX_HINT:
            # moto keeps the items whose every index key condition holds (and sorts them): the same test,
            # on the type and value of each attribute, made first so the rest never meets the others.
            conditions = [(name, value.type, value.value) for name, value in hint[2]]
            matches = snapshot_items(self)
            for name, kind, value in conditions:
                matches = [
                    item
                    for item in matches
                    if (found := item.attrs.get(name)) is not None and found.value == value and found.type == kind
                ]
            if hint[3] is not None:
                sort_key, comparison, objs = hint[3]
                matches = [
                    item
                    for item in matches
                    if (found := item.attrs.get(sort_key)) is not None and found.compare(comparison, objs)
                ]
            return matches
        # .get: the items dict of a table with a sort key is a defaultdict, and a read must not add to it.
        _, hash_key, range_comparison, range_objs = hint
        entry = self.items.get(hash_key)
        if entry is None:
            return []
        if self.range_key_attr is None:
            return [entry]
        partition = list(entry.values())
        if not range_comparison:
            return partition
        # The test moto applies to a table Query's sort key (Table.query), made before it sizes and sorts;
        # moto makes it again on what is left. begins_with on a string key, the usual "newest of a
        # partition" read, is tested directly (moto's compare casts both values for each item).
        if range_comparison == "BEGINS_WITH" and range_objs and range_objs[0].type == "S":
            prefix = range_objs[0].value
            return [
                item
                for item in partition
                if item.range_key.type == "S" and item.range_key.value.startswith(prefix)
            ]
        return [item for item in partition if item.range_key.compare(range_comparison, range_objs)]

    @functools.wraps(Table.has_idx_items)
    def snapshot_idx_items(self: Any, index_name: str) -> list[Any]:
        idx_col_set = {i["AttributeName"] for i in self.get_index(index_name).schema}
        return [item for item in snapshot_items(self) if idx_col_set.issubset(item.attrs)]

    def snapshot_len(self: Any) -> int:
        return sum([len(value) if self.has_range_key else 1 for value in list(self.items.values())])

    Table.query = partition_query
    Table.all_items = partition_items
    Table.has_idx_items = snapshot_idx_items
    Table.__len__ = snapshot_len


def snapshot_items(table: Any) -> list[Any]:
    """Every item of a table, each partition's taken whole (`list()` of a dict view runs in C, so no write lands
    in the middle of one; Python code between partitions may let one in, as a Scan meets writes on AWS)."""
    if table.range_key_attr is None:
        return list(table.items.values())
    items: list[Any] = []
    for partition in list(table.items.values()):
        items.extend(list(partition.values()))
    return items


def self_check_table(sort_key_type: str, more_attr: tuple[tuple[str, str], ...] = (), **indexes: Any) -> Any:
    """A table keyed `pk` (S) and `sk` of the given type, for the start-up checks; `more_attr` (name, type)
    and `indexes` (Table's `global_indexes`, …) for a check that needs an index."""
    return Table(
        "streambridge-self-check",
        account_id="000000000000",
        region="us-east-1",
        schema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        attr=[
            {"AttributeName": name, "AttributeType": kind}
            for name, kind in (("pk", "S"), ("sk", sort_key_type), *more_attr)
        ],
        **indexes,
    )


def self_check_backend_table(backend: Any, name: str, sort_key_type: str | None, streamed: bool) -> Any:
    """A table keyed `pk` (S), and `sk` of `sort_key_type` unless None, created through a backend (as a
    request would), with a NEW_AND_OLD_IMAGES stream when `streamed`, for the start-up checks."""
    keys = [("pk", "S", "HASH"), *((("sk", sort_key_type, "RANGE"),) if sort_key_type else ())]
    backend.create_table(
        name,
        schema=[{"AttributeName": key, "KeyType": role} for key, _, role in keys],
        attr=[{"AttributeName": key, "AttributeType": kind} for key, kind, _ in keys],
        throughput=None,
        billing_mode="PAY_PER_REQUEST",
        indexes=None,
        global_indexes=None,
        streams={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"} if streamed else None,
        tags=[],
        deletion_protection_enabled=False,
        sse_specification=None,
        warm_throughput=None,
    )
    return backend.tables[name]


def check_partition_query() -> None:
    """A Query of one partition returns its items in sort key order, with the key condition applied."""
    table = self_check_table("N")
    for pk, sk in (("a", 3), ("b", 1), ("a", 1), ("a", 2), ("c", 9)):
        table.put_item({"pk": {"S": pk}, "sk": {"N": str(sk)}})
    found, _, _ = table.query(DynamoType({"S": "a"}), "GE", [DynamoType({"N": "2"})], None, None, True, None)
    if [item.range_key.value for item in found] != ["2", "3"]:
        raise MotoMismatch(f"a Query of one partition returned {[i.range_key.value for i in found]}, not 2, 3")
    bounds = [DynamoType({"N": "2"}), DynamoType({"N": "9"})]
    latest, _, _ = table.query(DynamoType({"S": "a"}), "BETWEEN", bounds, 1, None, False, None)
    if [item.range_key.value for item in latest] != ["3"]:
        found = [item.range_key.value for item in latest]
        raise MotoMismatch(f"a backwards Query of a sort key range returned {found}, not 3")
    named = self_check_table("S")
    for pk, sk in (("a", "t1#2"), ("a", "t2#1"), ("b", "t1#1"), ("a", "t1#1"), ("a", "t")):
        named.put_item({"pk": {"S": pk}, "sk": {"S": sk}})
    prefix = [DynamoType({"S": "t1"})]
    prefixed, _, _ = named.query(DynamoType({"S": "a"}), "BEGINS_WITH", prefix, None, None, True, None)
    if [item.range_key.value for item in prefixed] != ["t1#1", "t1#2"]:
        found = [item.range_key.value for item in prefixed]
        raise MotoMismatch(f"a Query of a sort key prefix returned {found}, not t1#1, t1#2")
    missing, _, _ = table.query(DynamoType({"S": "none"}), None, [], None, None, True, None)
    if missing or DynamoType({"S": "none"}) in table.items or len(table.all_items()) != 5:
        raise MotoMismatch("a Query of a missing partition found items or added one")
    check_index_query()


def check_index_query() -> None:
    """An index Query returns the items of its index key, in index sort key order, as moto's own walk does."""
    table = self_check_table(
        "S",
        (("g", "S"), ("gs", "N")),
        global_indexes=[
            {
                "IndexName": "byG",
                "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}, {"AttributeName": "gs", "KeyType": "RANGE"}],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
    )
    rows = [("a", "1", "x", 3), ("a", "2", "y", 1), ("b", "1", "x", 1), ("c", "1", None, None), ("d", "1", "x", 2)]
    for pk, sk, g, gs in rows:
        attrs = {"pk": {"S": pk}, "sk": {"S": sk}}
        if g is not None:
            attrs.update({"g": {"S": g}, "gs": {"N": str(gs)}})
        table.put_item(attrs)
    x = [("g", DynamoType({"S": "x"}))]
    found, _, _ = table.query(None, "GE", [DynamoType({"N": "2"})], None, None, True, None, "byG", hash_key_conditions=x)
    if [(i.hash_key.value, i.attrs["gs"].value) for i in found] != [("d", "2"), ("a", "3")]:
        raise MotoMismatch(f"an index Query returned {[(i.hash_key.value, i.attrs['gs'].value) for i in found]}")
    every, _, _ = table.query(None, None, [], None, None, False, None, "byG", hash_key_conditions=x)
    if [i.hash_key.value for i in every] != ["a", "d", "b"]:
        raise MotoMismatch(f"a backwards index Query returned {[i.hash_key.value for i in every]}, not a, d, b")


def check_transaction_journal() -> None:
    """A cancelled transaction leaves items and stream as they were; a committed one applies every write."""
    backend = DynamoDBBackend("us-east-1", "000000000000")
    name = "streambridge-self-check"
    table = self_check_backend_table(backend, name, "N", streamed=True)
    backend.put_item(name, {"pk": {"S": "a"}, "sk": {"N": "1"}, "v": {"N": "1"}})
    length = len(table.stream_shard.items)
    cancelled = [
        {"Put": {"TableName": name, "Item": {"pk": {"S": "new"}, "sk": {"N": "1"}}}},
        {
            "Update": {
                "TableName": name,
                "Key": {"pk": {"S": "a"}, "sk": {"N": "1"}},
                "UpdateExpression": "SET v = :v",
                "ExpressionAttributeValues": {":v": {"N": "2"}},
            }
        },
        {
            "ConditionCheck": {
                "TableName": name,
                "Key": {"pk": {"S": "a"}, "sk": {"N": "1"}},
                "ConditionExpression": "attribute_not_exists(pk)",
            }
        },
    ]
    try:
        backend.transact_write_items(cancelled)
        raise MotoMismatch("a transaction whose condition failed was not cancelled")
    except MotoMismatch:
        raise
    except Exception:
        pass
    kept = table.get_item(DynamoType({"S": "a"}), DynamoType({"N": "1"}))
    if "new" in [h.value for h in table.items] or kept is None or kept.attrs["v"].value != "1":
        raise MotoMismatch("a cancelled transaction left writes behind")
    if len(table.stream_shard.items) != length:
        raise MotoMismatch("a cancelled transaction left stream records behind")
    backend.transact_write_items(cancelled[:2])
    updated = table.get_item(DynamoType({"S": "a"}), DynamoType({"N": "1"}))
    if updated is None or updated.attrs["v"].value != "2" or len(table.stream_shard.items) != length + 2:
        raise MotoMismatch("a committed transaction did not apply its writes")


def self_check() -> None:
    """Runs the sweeper's steps on tables of its own, so a moto without these internals fails the start."""
    require(DynamoHandler, "call_action", "_get_action")
    require(DynamoDBStreamsHandler, "call_action")
    require(DynamoDBStreamsBackend, "get_shard_iterator", "get_records", "_get_table_from_arn")
    require(ShardIterator, "get")
    require(StreamShard, "add", "get")
    require(DynamoDBBackend, "transact_write_items", "create_table", "put_item")
    require(dynamodb_models, "copy")
    require(dynamodb_responses, "copy")
    require(DynamoDBBackend, "update_item", "get_table")
    require(moto_backends, "list_of_moto_modules")
    require(moto_responses, "method_names_from_class")
    for model in UNTRACKED_MODELS:
        require(model, "instances_tracked")
    now = int(time.time())
    for sort_key in (None, "sk"):
        keys = [{"AttributeName": "pk", "KeyType": "HASH"}]
        attrs = [{"AttributeName": "pk", "AttributeType": "S"}]
        if sort_key:
            keys.append({"AttributeName": sort_key, "KeyType": "RANGE"})
            attrs.append({"AttributeName": sort_key, "AttributeType": "N"})
        table = Table(
            "streambridge-self-check",
            account_id="000000000000",
            region="us-east-1",
            schema=keys,
            attr=attrs,
            streams={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
        )
        require(table, "items", "ttl", "stream_shard", "range_key_attr", "get_item")
        shard = table.stream_shard
        require(shard, "items", "starting_sequence_number")
        table.ttl = {"TimeToLiveStatus": "ENABLED", "AttributeName": "expiresAt"}
        for pk, expires in (("expired", now - 1), ("live", now + 3_600)):
            table.put_item({"pk": {"S": pk}, **({sort_key: {"N": "1"}} if sort_key else {}), "expiresAt": {"N": str(expires)}})
        if expire_items(table) != 1 or len(table.items) != 1:
            raise MotoMismatch("an expired item was not deleted, or its emptied item collection kept")
        if table.get_item(DynamoType({"S": "live"}), DynamoType({"N": "1"}) if sort_key else None) is None:
            raise MotoMismatch("an item that has not expired was deleted")
        removal = shard.items[-1].record
        if removal.get("eventName") != "REMOVE" or removal.get("userIdentity") != SERVICE_IDENTITY:
            raise MotoMismatch(f"a TTL delete was not recorded as a service REMOVE: {removal}")
        first = shard.starting_sequence_number
        if trim_stream(shard, -60) != 3 or shard.starting_sequence_number != first + 3 or shard.items:
            raise MotoMismatch("trimming the stream did not move its starting sequence number")


def operation_of(environ: dict[str, Any]) -> str:
    """`caller service:Action` of a request. The caller is the AWS SDK's app id (`app/<id>` in its user agent:
    streambridge's runtime, demo writer, probes, verifier), else `functions` (the handlers' own clients); the
    action is the JSON protocols' X-Amz-Target, else the SigV4 scope's service and the method."""
    agent = environ.get("HTTP_USER_AGENT", "")
    caller = next((part[4:] for part in agent.split() if part.startswith("app/")), "functions")
    auth = environ.get("HTTP_AUTHORIZATION", "")
    scope = auth.split("Credential=", 1)[1].split(",", 1)[0].split("/") if "Credential=" in auth else []
    service = scope[3] if len(scope) > 3 else "unsigned"
    target = environ.get("HTTP_X_AMZ_TARGET", "")
    action = target.rsplit(".", 1)[-1] if target else environ.get("REQUEST_METHOD", "?")
    return f"{caller} {service}:{action}"


def request_accounting(app: Any) -> Any:
    """Counts each request by operation with the CPU time its thread spent and its wall time."""

    def wsgi(environ: dict[str, Any], start_response: Any) -> Any:
        operation = operation_of(environ)
        cpu, wall = time.thread_time(), time.perf_counter()
        try:
            # moto answers with a finished body: the work is done when the call returns.
            return app(environ, start_response)
        finally:
            cpu, wall = time.thread_time() - cpu, time.perf_counter() - wall
            with REQUESTS_LOCK:
                entry = REQUESTS[operation]
                entry[0] += 1
                entry[1] += cpu
                entry[2] += wall

    return wsgi


def requests_json() -> dict[str, dict[str, float]]:
    with REQUESTS_LOCK:
        return {
            operation: {"count": int(count), "cpuMs": round(cpu * 1000, 1), "wallMs": round(wall * 1000, 1)}
            for operation, (count, cpu, wall) in sorted(REQUESTS.items())
        }


# The operations the pipeline calls per event or per batch: their results are JSON-ready dicts that moto's
# shape-driven serializer walks member by member (about 90 % of a 100-item BatchGetItem's CPU). DeleteItem
# is not among them: moto adds a key its output shape lacks (ConsumedCapacityUnits), which the serializer drops.
FAST_JSON_OPERATIONS = frozenset(
    [
        ("dynamodb", name)
        for name in (
            "GetItem",
            "BatchGetItem",
            "Query",
            "Scan",
            "PutItem",
            "UpdateItem",
            "BatchWriteItem",
            "TransactWriteItems",
            "TransactGetItems",
        )
    ]
    + [("dynamodbstreams", "GetRecords")]
)
# Responses of each operation serialized both ways and compared before the plain encoding serves it alone.
FAST_JSON_SHADOW_CHECKS = 20
FAST_JSON_STATE: dict[tuple[str, str], int] = {}
# The headers moto's serializer gave each operation (its content type), reused by the plain encoding.
FAST_JSON_HEADERS: dict[tuple[str, str], dict[str, str]] = {}
# Operations whose plain encoding differed from moto's serializer (in the status, for tests to assert on).
FAST_JSON_OFF: list[str] = []
FAST_JSON_LOCK = threading.Lock()


def plain_json(value: Any, timestamp: Any) -> Any:
    """What the JSON protocol serializer makes of a result, without its shapes: None left out, bytes in
    base64, timestamps as the serializer writes them (``timestamp``), anything else as it is."""
    if isinstance(value, dict):
        return {key: plain_json(item, timestamp) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [plain_json(item, timestamp) for item in value]
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, datetime):
        return timestamp(value)
    return value


def install_fast_json() -> None:
    """
    Answers the hot DynamoDB and DynamoDB Streams operations with the result encoded directly
    (``plain_json``) instead of moto's serializer walking the operation's output shape. Each operation's
    first ``FAST_JSON_SHADOW_CHECKS`` responses are encoded both ways and compared as parsed JSON; one
    difference turns the plain encoding off for that operation for good (counted in ``fastJsonOff``), so
    the answer stays moto's own.
    """
    require(moto_responses.ActionResult, "execute_result")
    require(moto_serialize.TimestampSerializer, "_convert_timestamp_to_str")
    execute_result = moto_responses.ActionResult.execute_result
    result_types = (moto_responses.ActionResult, DynamoResult)
    stamp = moto_serialize.TimestampSerializer("unixtimestamp")

    def timestamp(value: datetime) -> Any:
        return stamp._convert_timestamp_to_str(value, "unixtimestamp")

    @functools.wraps(execute_result)
    def fast(self: Any, context: Any) -> Any:
        key = (context.service_model.service_name, context.operation_model.name)
        if key not in FAST_JSON_OPERATIONS or type(self) not in result_types or isinstance(self.result, Exception):
            return execute_result(self, context)
        with FAST_JSON_LOCK:
            checks = FAST_JSON_STATE.get(key, 0)
        if checks < 0:
            return execute_result(self, context)
        body = json.dumps(plain_json(self.result, timestamp), separators=(",", ":"))
        if checks >= FAST_JSON_SHADOW_CHECKS:
            COUNTERS["fastJson"] += 1
            return 200, dict(FAST_JSON_HEADERS[key]), body
        status, headers, slow_body = execute_result(self, context)
        same = status == 200 and json.loads(slow_body) == json.loads(body)
        with FAST_JSON_LOCK:
            if FAST_JSON_STATE.get(key, 0) >= 0:
                FAST_JSON_STATE[key] = checks + 1 if same else -1
            FAST_JSON_HEADERS.setdefault(key, dict(headers))
            if not same:
                FAST_JSON_OFF.append(".".join(key))
        if not same:
            print(f"streambridge moto launcher: {'.'.join(key)} answered by moto's serializer from now on "
                  f"(the plain encoding differed: {body[:300]} vs {str(slow_body)[:300]})", flush=True)
        return status, headers, slow_body

    moto_responses.ActionResult.execute_result = fast


def status_endpoint(app: Any, settings: Settings) -> Any:
    """Answers GET /_streambridge/status (settings, counters, requests by operation): the probe, tests and bench read it."""

    def wsgi(environ: dict[str, Any], start_response: Any) -> Any:
        if environ.get("PATH_INFO") != STATUS_PATH:
            return app(environ, start_response)
        body = json.dumps(
            {
                "launcher": "streambridge",
                "moto": moto.__version__,
                "settings": settings.to_json(),
                "counters": COUNTERS,
                "gc": {**GC_PAUSES, "frozenObjects": gc.get_freeze_count(), "thresholds": list(gc.get_threshold())},
                "fastJsonOff": FAST_JSON_OFF,
                "requests": requests_json(),
            }
        ).encode()
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]

    return wsgi


KEEP_ALIVE_BODY_LIMIT = 64 * 1024 * 1024
"""Bodies up to this size are read into memory before the application runs (DynamoDB's largest request is 16 MB)."""


class QuietRequestHandler(MotoRequestHandler):
    """No access-log line per request (formatting and writing it cost CPU at every request; the status
    endpoint counts requests by operation); errors are still logged."""

    def log_request(self, code: Any = "-", size: Any = "-") -> None:
        return None


class KeepAliveRequestHandler(QuietRequestHandler):
    """
    Keeps HTTP/1.1 connections open between requests. werkzeug answers every request with `Connection: close`,
    because http.server cannot skip a body the application left unread before it reads the next request line:
    so every SDK request paid a TCP connect, a server thread and a close (about a third of moto's CPU per
    request in a loop of PutItem and GetItem, and most of the client's). Here a body with a Content-Length is
    read whole before the application runs, and the application reads it from memory, so the connection is
    always at the next request line when the response ends; such a response leaves the connection open.
    A chunked body, a bad or missing-but-needed length, one over `KEEP_ALIVE_BODY_LIMIT`, or a client that
    asked to close keeps werkzeug's close.
    """

    keep_alive = False
    connection_rfile: Any = None
    # werkzeug writes a response's head and body apart: with Nagle's algorithm on, a kept connection would
    # hold the body until the client's delayed ACK (40 ms a request).
    disable_nagle_algorithm = True

    def handle_one_request(self) -> None:
        # Each request decides afresh: an answer http.server gives itself (a malformed request line) must
        # keep its `Connection: close`, whatever the request before it on this connection did.
        self.keep_alive = False
        super().handle_one_request()

    def make_environ(self) -> Any:
        environ = super().make_environ()
        if environ.get("wsgi.input_terminated") or self.close_connection:
            return environ
        length = environ.get("CONTENT_LENGTH") or "0"
        if not length.isdigit() or int(length) > KEEP_ALIVE_BODY_LIMIT:
            return environ
        size = int(length)
        body = self.rfile.read(size) if size > 0 else b""
        environ["wsgi.input"] = io.BytesIO(body)
        self.keep_alive = len(body) == size
        if self.keep_alive:
            # werkzeug drains `self.rfile` once the response is written (it expects the connection to close):
            # that would swallow the next request. Give it an empty stream until the request is over.
            self.connection_rfile = self.rfile
            self.rfile = io.BytesIO()
        return environ

    def run_wsgi(self) -> None:
        self.connection_rfile = None
        try:
            super().run_wsgi()
        finally:
            if self.connection_rfile is not None:
                self.rfile = self.connection_rfile

    def send_header(self, keyword: str, value: str) -> None:
        if self.keep_alive and keyword.lower() == "connection" and value.lower() == "close":
            return
        super().send_header(keyword, value)


def create_quiet_backend_app(service: Any) -> Any:
    """
    moto's app for a service, out of Flask's debug mode: in it, Flask builds a class for each request to
    explain a missing upload (about 2 % of the server's CPU). Exceptions still propagate as in debug mode.
    """
    app = create_backend_app(service)
    app.config["PROPAGATE_EXCEPTIONS"] = True
    app.debug = False
    return app


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
        install_transaction_journal()
        check_transaction_journal()
        install_partition_query()
        check_partition_query()
        check_item_size_check()
        install_item_size_check()
        check_item_size_check()
        install_expression_lexing_cache()
        check_expression_lexing_cache()
        install_dispatch_caches()
        install_fast_json()
        install_update_copy_skips()
        check_update_copies()
    except MotoMismatch as error:
        sys.exit(
            f"streambridge moto launcher: moto {moto.__version__} lacks what the launcher relies on ({error}); "
            "use the moto version pinned in local/services/constants.ts or update local/services/moto/moto_server_launcher.py"
        )
    untrack()
    DynamoHandler.call_action = serialized(DynamoHandler.call_action, READ_ACTIONS, GATED_WRITES)
    DynamoDBStreamsHandler.call_action = serialized(DynamoDBStreamsHandler.call_action)
    install_stream_rules(settings)

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: sys.exit(0))
    gc.callbacks.append(time_collections)
    gc.set_threshold(GC_YOUNG_THRESHOLD, *gc.get_threshold()[1:])
    threading.Thread(target=sweep_forever, args=(settings,), name="streambridge-sweeper", daemon=True).start()
    print(f"streambridge moto launcher: moto {moto.__version__}, {json.dumps(settings.to_json())}", flush=True)
    app = status_endpoint(request_accounting(DomainDispatcherApplication(create_quiet_backend_app)), settings)
    run_simple(args.host, args.port, app, threaded=True, request_handler=KeepAliveRequestHandler)


if __name__ == "__main__":
    main()

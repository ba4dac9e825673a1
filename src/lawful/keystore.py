"""The key store: every wrapped data key, in a database of its own (ARCHITECTURE §3.2).

Each subject's values are encrypted with that subject's data key; destroying the key makes every copy of
those values unreadable, including in backups of the main database. System keys (identity lookups,
authenticator secrets, session signing) live here too, so rotating the master key changes none of them.

Writes here commit at once, in their own transaction: a data key must be durable before anything is
encrypted with it. An orphan key (its subject never committed) is harmless.
"""

import uuid
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from threading import Lock

from alembic import command
from sqlalchemy import JSON, BigInteger, Engine, LargeBinary, MetaData, String, delete, select, update
from sqlalchemy import insert as sa_insert
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from lawful import clock, crypto, db
from lawful.config import Settings

MIGRATIONS = Path(__file__).parent / "keystore_migrations"
_CACHE_SIZE = 10_000
NEW_SUBJECT_BATCH = 64


class KeyBase(DeclarativeBase):
    metadata = MetaData(naming_convention=db.NAMING)
    type_annotation_map = {datetime: db.UTCDateTime}  # noqa: RUF012


class WrappedKey(KeyBase):
    __tablename__ = "wrapped_keys"

    owner: Mapped[str] = mapped_column(String(80), primary_key=True)
    kek_id: Mapped[str] = mapped_column(String(16), index=True)
    wrapped: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]


def subject_owner(subject_id: uuid.UUID) -> str:
    return f"subject:{subject_id}"


class KeyStore:
    """Data keys by owner, unwrapped on demand and cached (bounded) in this process."""

    def __init__(self, engine: Engine, keyring: crypto.Keyring) -> None:
        self.engine, self.keyring = engine, keyring
        self._sessions = db.make_sessionmaker(engine)
        self._cache: OrderedDict[str, bytes] = OrderedDict()
        self._lock = Lock()

    def create(self, owner: str) -> bytes:
        """A new data key for `owner`, or the existing one (idempotent, safe under concurrency)."""
        key = crypto.new_key()
        kek_id, wrapped = self.keyring.wrap(key)
        values = {"owner": owner, "kek_id": kek_id, "wrapped": wrapped, "created_at": clock.now()}
        statement = db.insert_new(self.engine.dialect, WrappedKey, values, unique=["owner"])
        with self._sessions() as session:
            created = session.execute(statement).first() is not None
            session.commit()
        if created:  # ours: no need to read it back
            self._remember(owner, key)
            return key
        found = self.get(owner)
        assert found is not None
        return found

    def create_many(self, owners: list[str]) -> dict[str, bytes]:
        """New data keys for owners that have none, in one transaction (keys for new people)."""
        made = {owner: crypto.new_key() for owner in owners}
        now = clock.now()
        rows = []
        for owner, key in made.items():
            kek_id, wrapped = self.keyring.wrap(key)
            rows.append({"owner": owner, "kek_id": kek_id, "wrapped": wrapped, "created_at": now})
        with self._sessions() as session:
            session.execute(sa_insert(WrappedKey), rows)
            session.commit()
        for owner, key in made.items():
            self._remember(owner, key)
        return made

    def get(self, owner: str) -> bytes | None:
        with self._lock:
            if owner in self._cache:
                self._cache.move_to_end(owner)
                return self._cache[owner]
        with self._sessions() as session:
            row = session.get(WrappedKey, owner)
            if row is None:
                return None
            key = self.keyring.unwrap(row.kek_id, row.wrapped)
        self._remember(owner, key)
        return key

    def get_many(self, owners: list[str]) -> dict[str, bytes]:
        found: dict[str, bytes] = {}
        missing = []
        with self._lock:
            for owner in owners:
                if owner in self._cache:
                    found[owner] = self._cache[owner]
                else:
                    missing.append(owner)
        with self._sessions() as session:
            for start in range(0, len(missing), 1000):
                query = select(WrappedKey).where(WrappedKey.owner.in_(missing[start : start + 1000]))
                for row in session.scalars(query):
                    found[row.owner] = self.keyring.unwrap(row.kek_id, row.wrapped)
                    self._remember(row.owner, found[row.owner])
        return found

    def destroy(self, *owners: str) -> int:
        """Delete keys for good: whatever they encrypted, wherever a copy lies, is unreadable. Returns how
        many there were; one key-store transaction for all of them."""
        with self._sessions() as session:
            gone = self.destroy_in(session, *owners)
            session.commit()
        return gone

    def destroy_in(self, session: Session, *owners: str) -> int:
        """`destroy` in the caller's key-store transaction (with a tombstone: one commit for both)."""
        if not owners:
            return 0
        with self._lock:
            for owner in owners:
                self._cache.pop(owner, None)
        deleted = session.scalars(
            delete(WrappedKey)
            .where(db.among(session.get_bind().dialect, WrappedKey.owner, list(owners)))
            .returning(WrappedKey.owner)
        )
        return len(list(deleted))

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A key-store transaction, committed when the block ends, for writes that go with a key's
        (tombstones): the key store commits its own writes, outside the main database's unit of work."""
        with self._sessions() as session:
            yield session
            session.commit()

    def rotate(self, batch: int = 1000) -> int:
        """Re-wrap every key not yet under the current master key; the data are not touched."""
        done = 0
        with self._sessions() as session:
            while True:
                rows = list(
                    session.scalars(
                        select(WrappedKey).where(WrappedKey.kek_id != self.keyring.current_id).limit(batch)
                    )
                )
                if not rows:
                    return done
                for row in rows:
                    row.kek_id, row.wrapped = self.keyring.wrap(self.keyring.unwrap(row.kek_id, row.wrapped))
                session.commit()
                done += len(rows)

    def count_not_current(self) -> int:
        with self._sessions() as session:
            rows = session.scalars(
                select(WrappedKey.owner).where(WrappedKey.kek_id != self.keyring.current_id)
            )
            return len(list(rows))

    def audit_mark(self, database: str) -> "AuditMark | None":
        with self._sessions() as session:
            return session.get(AuditMark, database)

    def raise_audit_mark(
        self, database: str, *, seq: int, hash: str, mac: str, signed_at: datetime, older: bool = False
    ) -> None:
        """Record a newer signed head of `database`'s audit log; an older one never replaces a newer, unless
        `older` (an operator accepting a restored log: lawful audit accept-head)."""
        values = {"database": database, "seq": seq, "hash": hash, "mac": mac, "signed_at": signed_at}
        with self._sessions() as session:
            statement = db.insert_new(self.engine.dialect, AuditMark, values, unique=["database"])
            if session.execute(statement).first() is None:
                replaced = update(AuditMark).where(AuditMark.database == database)
                session.execute(
                    (replaced if older else replaced.where(AuditMark.seq < seq)).values(
                        seq=seq, hash=hash, mac=mac, signed_at=signed_at
                    )
                )
            session.commit()

    def forget_audit_mark(self, database: str) -> None:
        """Drop `database`'s mark: for a main database that was emptied on purpose (tests, a new start)."""
        with self._sessions() as session:
            session.execute(delete(AuditMark).where(AuditMark.database == database))
            session.commit()

    def _remember(self, owner: str, key: bytes) -> None:
        with self._lock:
            self._cache[owner] = key
            if len(self._cache) > _CACHE_SIZE:
                self._cache.popitem(last=False)


class Keys:
    """The system keys of one deployment plus the store of data keys."""

    def __init__(self, store: KeyStore) -> None:
        self.store = store
        self.lookup = store.get("system:lookup") or store.create("system:lookup")
        self.totp = store.get("system:totp") or store.create("system:totp")
        self.session = store.get("system:session") or store.create("system:session")
        self.outbox = store.get("system:outbox") or store.create("system:outbox")
        self.audit = store.get("system:audit") or store.create("system:audit")
        self._pool: list[tuple[uuid.UUID, bytes]] = []
        self._pool_lock = Lock()

    def subject_key(self, subject_id: uuid.UUID) -> bytes | None:
        return self.store.get(subject_owner(subject_id))

    def new_subject(self) -> tuple[uuid.UUID, bytes]:
        """The id of a new person, whose data key is already stored (durable before any use).

        Keys for new people are made NEW_SUBJECT_BATCH at a time, in one key-store transaction, rather
        than one transaction per person; a process that stops leaves at most a batch of keys that no
        one uses, which protect nothing and are harmless."""
        with self._pool_lock:
            if not self._pool:
                ids = [uuid.uuid4() for _ in range(NEW_SUBJECT_BATCH)]
                made = self.store.create_many([subject_owner(i) for i in ids])
                self._pool.extend((i, made[subject_owner(i)]) for i in ids)
            return self._pool.pop()


def upgrade(engine: Engine) -> None:
    if engine.url.get_backend_name() == "sqlite" and engine.url.database:
        Path(engine.url.database).parent.mkdir(parents=True, exist_ok=True)
    config = db.alembic_config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def open_keys(settings: Settings) -> Keys:
    """The deployment's keys; the key store's schema is brought up to date on first use. They are the
    keys of its main database for the rest of the process (`for_database`)."""
    keyring = crypto.keyring_from(settings)
    keys = _open(settings.resolved_keystore_url(), keyring.fingerprint(), keyring)
    _by_database[database_name(settings.resolved_database_url())] = keys
    return keys


_by_database: dict[str, Keys] = {}


def database_name(url: str | URL) -> str:
    """A main database as the key store names it: its URL without the password."""
    return make_url(url).set(password=None).render_as_string()


def for_database(url: str | URL) -> Keys | None:
    """The keys this process opened for the main database at `url` (None: it opened none)."""
    return _by_database.get(database_name(url))


_opening = Lock()


def _open(url: str, _fingerprint: tuple[str, ...], keyring: crypto.Keyring) -> Keys:
    with _opening:  # the server and its embedded job consumer may open the store at once; migrate once
        return _open_once(url, _fingerprint, keyring)


@lru_cache(maxsize=8)
def _open_once(url: str, _fingerprint: tuple[str, ...], keyring: crypto.Keyring) -> Keys:
    """One engine per key store and keyring in a process (the keyring is compared by fingerprint)."""
    engine = db.make_engine(url)
    upgrade(engine)
    return Keys(KeyStore(engine, keyring))


class Tombstone(KeyBase):
    """One erasure, kept here so a restore of the main database cannot undo it (R-59).

    Keyed hashes only (the identities' look-up hashes), never a plain identifier.
    """

    __tablename__ = "tombstones"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    organisation_id: Mapped[uuid.UUID] = mapped_column(index=True)
    subject_id: Mapped[uuid.UUID] = mapped_column(index=True)
    lookups: Mapped[list[str]] = mapped_column(JSON)
    suppression_lookup: Mapped[str | None] = mapped_column(String(64))
    kept: Mapped[list[str]] = mapped_column(JSON)
    request_reference: Mapped[str | None] = mapped_column(String(20))
    erased_at: Mapped[datetime] = mapped_column(index=True)


class AuditMark(KeyBase):
    """The newest signed head of a main database's audit log, kept here, out of that database and its
    backups (R-88): whoever cuts the log's tail there and rolls its signed head back to an older one cannot
    roll this back too, without the key store."""

    __tablename__ = "audit_marks"

    database: Mapped[str] = mapped_column(String(400), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))
    mac: Mapped[str] = mapped_column(String(64))
    signed_at: Mapped[datetime]

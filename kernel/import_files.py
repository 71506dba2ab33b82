"""The files `opencheck import` and the dashboard's upload read: CSV in UTF-8 (with or without
a BOM) or GB18030/GBK, and .xlsx; rows streamed with their line numbers, never the whole file.

Excel on Chinese Windows saves "CSV" in the ANSI code page 936 (GBK); GB18030 is its superset,
so a file that is not UTF-8 is read as GB18030. A file that is neither is refused with one
readable message naming the byte, never a raw codec error (docs/IMPORT_FORMATS.md).
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path
from typing import IO, Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from kernel.errors import InvalidInput

BLOCK = 1 << 20   # bytes per read while the encoding is checked
XLSX_MAGIC = b"PK\x03\x04"
ENCODINGS = {"utf-8-sig": "UTF-8 (BOM)", "utf-8": "UTF-8", "gb18030": "GB18030/GBK"}

# Chinese column headings accepted beside the English ones (what a bureau's own sheet says)
HEADER_ALIASES = {
    "统一社会信用代码": "uscc", "名称": "name", "企业名称": "name", "主体名称": "name",
    "主体类型": "entity_type", "市场主体类型": "entity_type", "行政区划代码": "region_code",
    "区划代码": "region_code", "行业代码": "industry_code", "国民经济行业代码": "industry_code",
    "成立日期": "registered_on", "登记日期": "registered_on", "住所": "address", "地址": "address",
    "法定代表人": "legal_representative", "登记机关": "registering_authority",
    "法定代表人身份证号码": "legal_representative_id", "执法证号": "credential_no",
    "姓名": "name", "部门": "department", "所在单位": "station", "执法领域": "qualifications",
    "状态": "status", "事项编码": "code", "抽查事项": "name", "检查子项": "sub_item",
    "抽查依据": "legal_basis", "抽查主体": "department", "抽查对象类型": "object_scope_types",
    "抽查对象行业": "object_scope_industries", "检查方式": "method", "事项类别": "category",
    "抽查比例": "default_ratio", "每年抽查次数": "frequency_per_year", "所需资质": "qualification",
}

# what each field is called in Chinese, for the reasons a rejected row is given
FIELD_ZH = {
    "uscc": "统一社会信用代码", "name": "名称", "entity_type": "主体类型",
    "region_code": "行政区划代码", "industry_code": "行业代码", "registered_on": "成立日期",
    "address": "住所", "legal_representative": "法定代表人", "registering_authority": "登记机关",
    "legal_representative_id": "法定代表人身份证号码", "credential_no": "执法证号",
    "department": "部门", "station": "所在单位", "qualifications": "执法领域", "status": "状态",
    "code": "事项编码", "sub_item": "检查子项", "legal_basis": "抽查依据",
    "object_scope_types": "抽查对象类型", "object_scope_industries": "抽查对象行业",
    "method": "检查方式", "category": "事项类别", "default_ratio": "抽查比例",
    "frequency_per_year": "每年抽查次数", "qualification": "所需资质", "file": "文件",
    "effective_on": "变更日期", "reason": "理由",
}


def reason(field: str, message: str) -> str:
    """A rejected row's reason: the field in Chinese, then the English message."""
    zh = FIELD_ZH.get(field)
    return f"{zh}有误 invalid {field}: {message}" if zh else message


def duplicate_reason(field: str, value: str) -> str:
    zh = FIELD_ZH.get(field, field)
    return f"{zh}在文件中重复 {value} appears earlier in the file"


class FileRows:
    """An open import file: its (canonical) header and its rows as (line, cells)."""

    def __init__(self, header: list[str], rows: Iterator[tuple[int, list[str]]],
                 encoding: str) -> None:
        self.header, self.rows, self.encoding = header, rows, encoding

    def require(self, required: tuple[str, ...], name: str) -> None:
        missing = [c for c in required if c not in self.header]
        if missing:
            raise InvalidInput(
                f"缺少列 missing column(s) in {name}: {', '.join(missing)} "
                f"({', '.join(FIELD_ZH.get(c, c) for c in missing)})", field=missing[0])


def canonical(heading: Any) -> str:
    text = str(heading or "").strip().lstrip("\ufeff")
    return HEADER_ALIASES.get(text, text)


def detect_encoding(f: IO[bytes]) -> str:
    """'utf-8-sig', 'utf-8' or 'gb18030' for a CSV file, read through once; InvalidInput
    naming the first byte that is neither."""
    f.seek(0)
    if f.read(3) == codecs.BOM_UTF8:
        f.seek(0)
        return "utf-8-sig"
    for encoding in ("utf-8", "gb18030"):
        f.seek(0)
        decoder, offset = codecs.getincrementaldecoder(encoding)(), 0
        try:
            while block := f.read(BLOCK):
                decoder.decode(block)
                offset += len(block)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as e:
            first_bad = offset + e.start
            continue
        f.seek(0)
        return encoding
    f.seek(0)
    raise InvalidInput(
        f"文件编码无法识别：请另存为 UTF-8 或 GB18030 的 CSV，或 .xlsx  the file is neither UTF-8 "
        f"nor GB18030 (byte {first_bad}); save it as CSV UTF-8, CSV (GB18030/GBK) or .xlsx",
        field="file")


@contextlib.contextmanager
def open_rows(path: Path) -> Iterator[FileRows]:
    """The rows of a CSV or .xlsx file (told apart by content, not by name)."""
    with path.open("rb") as raw:
        if raw.read(4) == XLSX_MAGIC:
            raw.seek(0)
            with _xlsx_rows(raw) as rows:
                yield rows
            return
        encoding = detect_encoding(raw)
        text = io.TextIOWrapper(raw, encoding=encoding, newline="")
        reader = csv.reader(text)
        header = [canonical(h) for h in next(reader, [])]

        def rows() -> Iterator[tuple[int, list[str]]]:
            for cells in reader:
                if cells and any(cells):   # blank lines are skipped, as DictReader skips them
                    yield reader.line_num, cells
        yield FileRows(header, rows(), encoding)


@contextlib.contextmanager
def _xlsx_rows(raw: IO[bytes]) -> Iterator[FileRows]:
    import openpyxl  # only when an .xlsx comes in

    try:
        book = openpyxl.load_workbook(raw, read_only=True, data_only=True)
    except Exception as e:   # a damaged or foreign zip: openpyxl raises many kinds
        raise InvalidInput(f"无法读取 .xlsx 文件 the .xlsx file cannot be read: {e}",
                           field="file") from None
    try:
        sheet = book.worksheets[0]
        it = sheet.iter_rows(values_only=True)
        header = [canonical(h) for h in next(it, ())]
        while header and not header[-1]:
            header.pop()

        def rows() -> Iterator[tuple[int, list[str]]]:
            for line, values in enumerate(it, start=2):
                cells = [cell_text(v) for v in values]
                if any(cells):
                    yield line, cells
        yield FileRows(header, rows(), "xlsx")
    finally:
        book.close()


def cell_text(value: Any) -> str:
    """A spreadsheet cell as the text a CSV would hold: dates ISO, whole numbers without '.0'."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def count_lines(path: Path) -> int:
    """Data rows of a CSV (newlines less the header; no byte 0x0A occurs inside a UTF-8 or
    GB18030 character), or of the first sheet of an .xlsx; for a progress bar."""
    with path.open("rb") as f:
        if f.read(4) == XLSX_MAGIC:
            with open_rows(path) as rows:
                return sum(1 for _ in rows.rows)
        f.seek(0)
        return max(sum(block.count(b"\n") for block in iter(lambda: f.read(BLOCK), b"")) - 1, 0)


def length_limits(schema: type[BaseModel]) -> dict[str, tuple[int, bool]]:
    """Each field's max_length in an API schema, and whether it limits a list (its items)."""
    out = {}
    for name, info in schema.model_fields.items():
        limit = _max_length(info)
        if limit is not None:
            out[name] = (limit, "list" in str(info.annotation))
    return out


def _max_length(info: FieldInfo) -> int | None:
    for m in info.metadata:
        if getattr(m, "max_length", None) is not None:
            return m.max_length
    return None


def check_lengths(row: dict[str, Any], limits: dict[str, tuple[int, bool]]) -> None:
    """The API's length limits on a row (a list field counts its items), as its 422 words them."""
    for name, (limit, is_list) in limits.items():
        value = row.get(name)
        if value is None:
            continue
        if is_list:
            if len(value) > limit:
                raise InvalidInput(f"最多 {limit} 项 List should have at most {limit} items "
                                   f"after validation, not {len(value)}", field=name)
        elif len(value) > limit:
            raise InvalidInput(f"最多 {limit} 个字符 String should have at most {limit} "
                               f"characters ({len(value)} given)", field=name)

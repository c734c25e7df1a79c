from datetime import datetime

from pydantic import BaseModel


class CaseOut(BaseModel):
    case_number: str
    township_code: str
    origin_place_code: str
    item_code: str
    item_version: int
    department_code: str
    status: str
    accepted_at: datetime
    deadline: datetime
    result_document_number: str = ""

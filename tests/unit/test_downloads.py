"""File names in Content-Disposition: gunicorn refuses a header that is not clean Latin-1 text, so a
vehicle called "Kylbil Åre – 2" once turned the labels PDF into a 500."""

from urllib.parse import unquote

import pytest
from gunicorn.http.wsgi import Response as GunicornResponse

from samlast.api.downloads import content_disposition


@pytest.mark.parametrize(
    "name",
    [
        "kvitto-12.pdf",
        "Bil 漢字 ǅ.pdf",
        "etiketter-2026-12-05-Kylbil Åre – 2-1-a6.pdf",
        "leverantörer\r\n\x00\u2028.csv",
        "ÅÄÖ",
    ],
)
def test_every_file_name_gives_a_header_gunicorn_sends(name):
    value = content_disposition(name, inline=True)
    value.encode("latin-1")
    assert not any(ord(ch) < 32 or ord(ch) > 126 for ch in value)
    response = GunicornResponse.__new__(GunicornResponse)
    response.headers, response.chunked, response.must_close_flag = [], False, False
    response.version, response.req = (1, 1), None
    response.process_headers([("Content-Disposition", value)])  # raises InvalidResponseHeader when unsafe


def test_the_real_name_travels_in_filename_star():
    value = content_disposition("leverantörer-2026.csv")
    assert value.startswith('attachment; filename="leverantorer-2026.csv"')
    assert unquote(value.split("filename*=UTF-8''")[1]) == "leverantörer-2026.csv"
    assert content_disposition("kvitto-1.pdf") == 'attachment; filename="kvitto-1.pdf"'

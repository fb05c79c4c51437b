package org.wsbridge.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ByteRangeTest {

    /** Expected: WHOLE, INVALID, UNSATISFIABLE, or start+length. */
    @ParameterizedTest(name = "{0} of {1}")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
        "NULL            | 10 | WHOLE",
        "bytes=0-0       | 10 | 0+1",
        "bytes=2-5       | 10 | 2+4",
        "bytes= 2 - 5    | 10 | 2+4",
        "bytes=2-        | 10 | 2+8",
        "bytes=-3        | 10 | 7+3",
        "bytes=-30       | 10 | 0+10",
        "bytes=8-30      | 10 | 8+2",
        "bytes=,2-5,     | 10 | 2+4",
        "bytes=0-1,4-5   | 10 | WHOLE",
        "bytes=10-       | 10 | UNSATISFIABLE",
        "bytes=10-,20-30 | 10 | UNSATISFIABLE",
        "bytes=10-,2-3   | 10 | 2+2",
        "bytes=-0        | 10 | UNSATISFIABLE",
        "bytes=0-        | 0  | UNSATISFIABLE",
        "bytes=-5        | 0  | UNSATISFIABLE",
        "bytes=5-2       | 10 | INVALID",
        "bytes=a-2       | 10 | INVALID",
        "bytes=+1-2      | 10 | INVALID",
        "bytes=1         | 10 | INVALID",
        "bytes=--1       | 10 | INVALID",
        "bytes=          | 10 | INVALID",
        "items=0-1       | 10 | INVALID",
        "bytes=99999999999999999999- | 10 | INVALID",
    })
    void parsesLikeGo(String header, long size, String expected) {
        ByteRange.Parsed parsed = ByteRange.parse(header, size);
        String actual = parsed instanceof ByteRange.Single single
                ? single.range().start() + "+" + single.range().length()
                : parsed instanceof ByteRange.Whole ? "WHOLE"
                : parsed instanceof ByteRange.Invalid ? "INVALID" : "UNSATISFIABLE";
        assertEquals(expected, actual);
    }
}

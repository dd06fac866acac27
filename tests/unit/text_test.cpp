// SPDX-License-Identifier: MIT
// common/text.h's UTF-8 check, the one the CSV reader and the ONNX importer apply to names.
#include <catch2/catch.hpp>

#include <string>
#include <string_view>

#include "common/text.h"

using sasim::text::first_invalid_utf8;

TEST_CASE("text: first_invalid_utf8 accepts RFC 3629 UTF-8 and finds the first bad byte", "[text]") {
    constexpr size_t kValid = std::string_view::npos;
    CHECK(first_invalid_utf8("") == kValid);
    CHECK(first_invalid_utf8("conv1/3x3") == kValid);
    CHECK(first_invalid_utf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xF4\x8F\xBF\xBF") == kValid);  // é € 😀 U+10FFFF
    CHECK(first_invalid_utf8("ab\xFF") == 2);                 // never a UTF-8 byte
    CHECK(first_invalid_utf8("a\xC0\xAF") == 1);              // overlong '/'
    CHECK(first_invalid_utf8("\xE0\x80\xAF") == 0);           // overlong, three bytes
    CHECK(first_invalid_utf8("x\xED\xA0\x80") == 1);          // a surrogate (U+D800)
    CHECK(first_invalid_utf8("\xF4\x90\x80\x80") == 0);       // above U+10FFFF
    CHECK(first_invalid_utf8("ok\xE2\x82") == 2);             // cut short at the end
    CHECK(first_invalid_utf8("\xC3(") == 0);                  // a lead byte without its continuation
    CHECK(first_invalid_utf8(std::string("a\0b", 3)) == kValid);  // NUL is ASCII
    // The edges of each range, valid: the first and last of three and four bytes, around the surrogates.
    CHECK(first_invalid_utf8("\xE0\xA0\x80 \xED\x9F\xBF \xEE\x80\x80 \xEF\xBF\xBF \xF0\x90\x80\x80 \xC2\x80 \xDF\xBF") == kValid);
    CHECK(first_invalid_utf8("a\x80") == 1);                  // a continuation byte alone
    CHECK(first_invalid_utf8("\xBF") == 0);
    CHECK(first_invalid_utf8("\xC1\xBF") == 0);              // overlong, two bytes
    CHECK(first_invalid_utf8("\xF0\x8F\xBF\xBF") == 0);    // overlong, four bytes
    CHECK(first_invalid_utf8("\xF5\x80\x80\x80") == 0);    // lead bytes F5 to FF never occur
    CHECK(first_invalid_utf8("ab\xF0\x9F\x98") == 2);       // four bytes cut short at the end
    CHECK(first_invalid_utf8("\xE2\x28\xA1") == 0);         // a non-continuation second byte
}

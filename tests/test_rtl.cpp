// test_rtl.cpp - right-to-left names drawn by a left-to-right renderer:
// Hebrew and Arabic in visual order, Latin words and numbers inside them
// kept in their order, Arabic letters joined (initial, medial, final,
// isolated; lam-alef), a right-joining letter breaking the join.
#include "base/rtl.h"
#include "testing.h"

using namespace crm;

TEST_SUITE("rtl") {

namespace {

std::string cps(std::initializer_list<uint32_t> list) {
    std::string out;
    for (uint32_t cp : list) {
        if (cp < 0x80) out += (char)cp;
        else if (cp < 0x800) out += (char)(0xC0 | cp >> 6), out += (char)(0x80 | (cp & 0x3F));
        else out += (char)(0xE0 | cp >> 12), out += (char)(0x80 | (cp >> 6 & 0x3F)), out += (char)(0x80 | (cp & 0x3F));
    }
    return out;
}

}  // namespace

TEST_CASE("text without right-to-left letters is untouched") {
    CHECK_FALSE(has_rtl("Anna Weber"));
    CHECK(visual_order("Anna Weber") == "Anna Weber");
    CHECK(visual_order("田中 浩") == "田中 浩");
    CHECK(visual_order("") == "");
}

TEST_CASE("Hebrew in visual order, alone, inside Latin text and with Latin or numbers inside it") {
    const std::string sarah = cps({0x05E9, 0x05E8, 0x05D4}), cohen = cps({0x05DB, 0x05D4, 0x05DF});
    const std::string harass = cps({0x05D4, 0x05E8, 0x05E9}), nehoc = cps({0x05DF, 0x05D4, 0x05DB});
    CHECK(has_rtl(sarah));
    CHECK(visual_order(sarah + " " + cohen) == nehoc + " " + harass);
    CHECK(visual_order("Acme " + sarah + " " + cohen + " Ltd") == "Acme " + nehoc + " " + harass + " Ltd");   // a left-to-right line
    CHECK(visual_order(sarah + " Smith") == "Smith " + harass);                                              // a right-to-left line
    const std::string shop = cps({0x05D7, 0x05E0, 0x05D5, 0x05EA}), pohs = cps({0x05EA, 0x05D5, 0x05E0, 0x05D7});
    CHECK(visual_order(shop + " 42") == "42 " + pohs);   // the number keeps its digits' order
    CHECK(visual_order("Order 17 " + shop) == "Order 17 " + pohs);
}

TEST_CASE("Arabic letters joined as written: initial, medial, final, isolated, lam-alef") {
    // محمد: meem initial, hah medial, meem medial, dal final; drawn right to left.
    CHECK(visual_order(cps({0x0645, 0x062D, 0x0645, 0x062F})) == cps({0xFEAA, 0xFEE4, 0xFEA4, 0xFEE3}));
    // سلام: seen initial, lam-alef final ligature, meem isolated (alef does not join forward).
    CHECK(visual_order(cps({0x0633, 0x0644, 0x0627, 0x0645})) == cps({0xFEE1, 0xFEFC, 0xFEB3}));
    // دار: three right-joining letters, each alone.
    CHECK(visual_order(cps({0x062F, 0x0627, 0x0631})) == cps({0xFEAD, 0xFE8D, 0xFEA9}));
    // Two words: each joined, the words in right-to-left order.
    CHECK(visual_order(cps({0x0645, 0x062D, 0x0645, 0x062F, ' ', 0x0639, 0x0644, 0x064A})) ==
          cps({0xFEF2, 0xFEE0, 0xFECB, ' ', 0xFEAA, 0xFEE4, 0xFEA4, 0xFEE3}));
    // A haraka (fatha) stays after its letter, where the font draws it over that letter.
    CHECK(visual_order(cps({0x0628, 0x064E, 0x0627})) == cps({0xFE8E, 0xFE91, 0x064E}));   // بَا: alef final, beh initial, then its fatha
    // A byte-order mark before a Latin name does not make the line right to left.
    CHECK(visual_order(cps({0xFEFF}) + "Acme (UK).") == cps({0xFEFF}) + "Acme (UK).");
    // A stray byte (Latin-1) next to Hebrew comes back as it was.
    std::string stray = std::string("\xE9 ") + cps({0x05D0, 0x05D1});
    CHECK(visual_order(stray) == std::string("\xE9 ") + cps({0x05D1, 0x05D0}));
    // A Persian name: پ and ی in their Presentation Forms-A shapes (پری: peh initial, reh final, farsi yeh isolated).
    CHECK(visual_order(cps({0x067E, 0x0631, 0x06CC})) == cps({0xFBFC, 0xFEAE, 0xFB58}));
}

}  // TEST_SUITE

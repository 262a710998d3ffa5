// rtl.h - right-to-left text (Hebrew, Arabic, Persian) for a renderer that
// draws glyphs left to right one code point at a time, as Dear ImGui does:
// the text put in visual order (the Unicode bidirectional algorithm's
// result for the short, single-line texts a CRM shows: names, companies,
// subjects) and Arabic letters in their joined forms (the Presentation
// Forms the fonts carry, lam-alef as its ligature). What is stored and
// searched stays in logical order; only what is drawn is reordered.
//
// Simplified against UAX #9: one paragraph level from the first strong
// character; European digits keep their order inside right-to-left text;
// no explicit embeddings or mirrored brackets. Combining marks (harakat)
// are kept after their letter.
#pragma once

#include <string>
#include <string_view>

namespace crm {

bool has_rtl(std::string_view utf8);                  // any Hebrew or Arabic letter
std::string visual_order(std::string_view logical);   // unchanged when there is no RTL letter

}  // namespace crm

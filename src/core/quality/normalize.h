// normalize.h - the keys two records of the same person or company share
// however they were typed: the duplicate finder's vocabulary.
//
// Names are folded to lower-case Latin letters: diacritics removed (Zoë ->
// zoe, Łukasz -> lukasz, ß -> ss), Cyrillic and Greek transliterated
// (Дмитрий -> dmitriy, Γιώργος -> giorgos), punctuation to spaces; scripts
// without a Latin spelling (CJK) are kept as they are. Common nicknames map
// to their full first name (Bill -> william). Company names lose their legal
// form (GmbH, Ltd, S.A., Inc. ...). E-mail addresses are case-folded and, for
// providers that ignore them, lose dots and +tags (Gmail) or +tags (Outlook,
// iCloud, ...). Phone numbers become E.164 using the record's country when
// they are written nationally. Jaro-Winkler scores how alike two names are.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace crm {

// Lower-case Latin letters, digits and single spaces.
std::string fold_text(std::string_view s);
std::vector<std::string> fold_tokens(std::string_view s);

// A folded first name with a known nickname replaced by its full form.
std::string canonical_first_name(std::string_view first);

// A folded company name without its legal form: "Müller & Söhne GmbH & Co. KG" -> "muller sohne".
std::string company_key(std::string_view name);

// "" when the text is not an e-mail address.
std::string email_key(std::string_view email);

// "+4930123456"; "" when it has too few or too many digits. `country` is the
// record's ISO 3166 code (DE, US ...) for numbers written without one; a
// national number of a country this table does not know keys as its digits.
std::string phone_key(std::string_view phone, std::string_view country);

// The host of a web address without "www.": "https://www.acme.de/x" -> "acme.de".
std::string website_key(std::string_view url);

// 0 (nothing alike) to 1 (equal).
double jaro_winkler(std::string_view a, std::string_view b);

}  // namespace crm

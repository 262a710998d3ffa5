// vcard.h - contacts as vCard, the format address books speak (phones, mail
// clients, Outlook, Apple and Google Contacts).
//
// Reading takes vCard 4.0 (RFC 6350), 3.0 (RFC 2426) and 2.1 as phones still
// export it: folded lines, property groups (item1.EMAIL), TYPE parameters in
// each spelling (TYPE=work,voice / TYPE=WORK;TYPE=CELL / bare CELL), escaped
// commas, semicolons and line breaks, QUOTED-PRINTABLE values with soft line
// breaks, and Latin-1 where a 2.1 card says so. The cards become rows of the
// CSV import (csv.h), so a vCard file goes through the same mapping to
// fields, validation, exact duplicates skipped, updated or created, likely
// duplicates in the preview, one transaction and revert; an error names the
// line of the card and its property.
//
// Writing: 4.0 (or 3.0) with UID, FN, N, ORG (the account), TITLE, EMAIL,
// TEL (work, cell), ADR, BDAY, NOTE and REV, lines folded at 75 octets
// without splitting a character, CRLF line ends.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "exchange/csv.h"

namespace crm {

// The cards of `in` as a CSV of contact fields; `import` is set up to read it
// (entity, mapping, name). `card_lines[k]` is the BEGIN line of the card on
// the CSV's line k + 2 (0 for a line inside a row with a line break).
// Throws CsvError("name: line N: ...") for what is not a vCard.
std::string vcard_to_csv(std::istream& in, const std::string& name, CsvImportOptions& import, std::vector<int64_t>* card_lines = nullptr);

// The CSV import's error said in the vCard's terms: "name: line 12 (the card
// of line 9): E-mail (EMAIL): ..." instead of the CSV row and column.
std::string vcard_error(const std::string& csv_error, const std::string& name, const std::vector<int64_t>& card_lines);

// Imports every card as a contact (one transaction). `options.duplicates`
// chooses what an existing contact with the same e-mail or name and phone gets.
CsvImportSummary import_vcard(Store& store, std::istream& in, const std::string& name, DuplicatePolicy duplicates = DuplicatePolicy::Skip);

// Writes the contacts (all live ones when `ids` is empty) as vCard 4.0 or
// 3.0. Returns how many were written.
int64_t export_vcard(Store& store, std::ostream& out, const std::vector<std::string>& ids = {}, int version = 4);

// A property value escaped for vCard and iCalendar text: \ , ; and line breaks.
std::string vcard_escape(const std::string& text);
// "NAME:value" folded at 75 octets (CRLF then a space), never inside a UTF-8 character; ends with CRLF.
std::string fold_content_line(const std::string& line);

}  // namespace crm
